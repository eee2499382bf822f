// `.ci/run`'s last step: this run's timings (make test's .logs/test-timings.json and the whole run's
// seconds, which .ci/run measures) into docs/results/ci-runs.json, replacing the last run of its kind, and
// the README's table regenerated from it. A run is "cold" when it built the Go tools, "warm" when they
// were cached. Not a make target: only .ci/run calls it (hack/run node scripts/commands/ci-record.ts).
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseFlags, runMain } from "../cli/command.ts";
import { say } from "../cli/ui.ts";
import { LOGS_DIR } from "../clusters/config.ts";
import { Failure, exitCodes } from "../lib/exit-codes.ts";
import { machineDescription } from "../lib/machine.ts";
import { RESULTS_DIR } from "../docs/figures.ts";
import { writeRegenerated } from "../docs/readme-blocks.ts";

const command = {
  name: "ci-record",
  summary: "Record this CI run's timings in docs/results/ci-runs.json and regenerate the README's table.",
  options: {},
  help: {},
} as const;

export interface CiRun {
  readonly kind: "cold" | "warm";
  readonly date: string;
  readonly caches: string;
  readonly total_seconds: number;
  readonly stages: Readonly<Record<string, number>>;
}

const CI_RUNS = join(RESULTS_DIR, "ci-runs.json");
/** A Go build stage longer than this built something: the run started without the Go tools. */
const BUILT_SECONDS = 60;

/** This run, from make test's timings and the whole run's seconds. */
export function ciRun(
  timings: { date: string; stages: Record<string, number> },
  totalSeconds: number,
): CiRun {
  const built = Object.entries(timings.stages).some(
    ([stage, seconds]) => /^Go builds?:/.test(stage) && seconds > BUILT_SECONDS,
  );
  return {
    kind: built ? "cold" : "warm",
    date: timings.date.slice(0, 10),
    caches: built
      ? "the Go tools built in this run (empty Go caches); the Debian packages, Node and the engine installed as the run needed them"
      : "the Go tools cached; the project's engine and its data removed (the suite's first step starts from there)",
    total_seconds: totalSeconds,
    stages: timings.stages,
  };
}

if (import.meta.main)
  runMain(async () => {
    parseFlags(command, process.argv.slice(2));
    const total = Number(process.env.CI_RUN_SECONDS);
    if (!Number.isInteger(total) || total <= 0)
      throw new Failure(
        `CI_RUN_SECONDS is "${process.env.CI_RUN_SECONDS ?? ""}"; expected the run's whole seconds (.ci/run sets it)`,
        exitCodes.usage,
      );
    const timings = JSON.parse(readFileSync(join(LOGS_DIR, "test-timings.json"), "utf8")) as {
      date: string;
      stages: Record<string, number>;
    };
    const run = ciRun(timings, total);
    const results = JSON.parse(readFileSync(CI_RUNS, "utf8")) as { runs: CiRun[] };
    const runs = [...results.runs.filter((r) => r.kind !== run.kind), run].sort((a, b) =>
      a.kind.localeCompare(b.kind),
    );
    writeFileSync(
      CI_RUNS,
      `${JSON.stringify({ ...results, machine: machineDescription(), runs }, null, 2)}\n`,
    );
    await writeRegenerated();
    say(`${CI_RUNS}: this ${run.kind} run (${total} s) recorded; the README's table regenerated`);
  });
