// `make test`: the whole suite, with the set-up it needs done the way `make up` does it for a newcomer. The
// images' Go builds run in the background from the start, because lint, the type check, the unit tier and
// the offline tier's integration tests need none of them. The clusters tier (its first step is `make up`
// from nothing) starts when they are done; once it has timed its second `make up`, the contract tools build
// and the rest of the offline tier runs beside it. Each stage prints its time, and the run ends with the
// table of them (also written to .logs/test-timings.json, where the README's CI figures are taken from).
import { existsSync, mkdirSync, rmSync, watch, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { join } from "node:path";
import { execa } from "execa";
import { parseFlags, runMain } from "../cli/command.ts";
import { bold, say, table } from "../cli/ui.ts";
import { duration } from "../cli/progress.ts";
import { ensureTools } from "../gobuild/build.ts";
import { GO_TOOLS, type GoTool } from "../gobuild/recipes/index.ts";
import { OFFLINE_TOOLS, ROOTFS_PACKAGES, prepareRootFilesystems } from "../images/offline.ts";
import { registryUnreachable } from "../images/sources.ts";
import { createInterface } from "node:readline";
import { LOGS_DIR, TIMED_UP_SIGNAL } from "../clusters/config.ts";
import { Failure, exitCodes } from "../lib/exit-codes.ts";
import { REPO_ROOT } from "../lib/topology.ts";
import { failureSummaryOf } from "../testing/failure-summary.ts";
import { ensurePackages, missingPackages } from "../provision/apt.ts";
import { host } from "../provision/host.ts";

const command = {
  name: "test",
  summary:
    "Lint, type check, then the unit, offline and clusters tiers, with the Go builds in the background.",
  options: {},
  help: {},
} as const;

/** What the tests themselves run, command → Debian package. */
const TEST_PACKAGES = Object.freeze({
  openssl: "openssl",
  ss: "iproute2",
  shellcheck: "shellcheck",
  checkbashisms: "devscripts",
  posh: "posh",
  dash: "dash",
  iptables: "iptables",
  // A filesystem that ignores file modes, as WSL's /mnt/c does (the state folder's check).
  bindfs: "bindfs",
});

const times: [string, number][] = [];

/** The Go tools the offline images carry (and kind for the host), then the rest. */
const IMAGE_TOOLS: readonly GoTool[] = ["kind", ...OFFLINE_TOOLS];
const OTHER_TOOLS: readonly GoTool[] = GO_TOOLS.filter(
  (tool) => tool !== "kubectl" && !IMAGE_TOOLS.includes(tool),
);

/**
 * Runs one stage; `prefix` marks its lines, since stages run at once (the quick ones, the offline and the
 * clusters tiers), so that a CI log still reads stage by stage. A `yielding` stage runs niced: it gives the CPU to what is on
 * the run's critical path (the Go builds, then the clusters tier) and uses what they leave.
 */
async function stage(
  name: string,
  command: readonly string[],
  options: { prefix?: string; yielding?: boolean; env?: Record<string, string> } = {},
): Promise<void> {
  const prefix = options.prefix ?? "";
  say(bold(`\n== ${name}`));
  const started = performance.now();
  const report = join(LOGS_DIR, `vitest-${name.replace(/[^\w]+/g, "-")}.json`);
  const reported = command[0] === "vitest" ? [...command, ...vitestReport(report)] : command;
  const [file = "", ...args] = options.yielding ? ["nice", "-n", "10", ...reported] : reported;
  const child = execa(file, args, {
    cwd: REPO_ROOT,
    reject: false,
    stdin: "ignore",
    env: options.env,
    stdout: prefix === "" ? "inherit" : "pipe",
    stderr: prefix === "" ? "inherit" : "pipe",
  });
  if (prefix !== "")
    for (const stream of [child.stdout, child.stderr])
      if (stream) createInterface({ input: stream }).on("line", (line) => say(`${prefix} ${line}`));
  const result = await child;
  times.push([name, (performance.now() - started) / 1000]);
  say(bold(`== ${name}: exit ${result.exitCode} after ${duration((performance.now() - started) / 1000)}`));
  if (result.exitCode !== 0) {
    const summary = command[0] === "vitest" ? failureSummaryOf(report) : [];
    throw new Failure(
      [`make test: ${name} failed (exit ${result.exitCode})`, ...summary].join("\n"),
      exitCodes.stepFailed,
    );
  }
}

/** vitest's own output, and its JSON report for the summary of what failed. */
const vitestReport = (path: string) => {
  mkdirSync(dirname(path), { recursive: true });
  rmSync(path, { force: true });
  return ["--reporter=default", "--reporter=json", `--outputFile.json=${path}`];
};

/** Background build output, one prefixed line at a time, never a live line (it shares the terminal). */
const buildStream = {
  isTTY: false,
  write: (text: string) => process.stdout.write(text.replace(/^(?=.)/gm, "[go builds] ")),
} as unknown as NodeJS.WriteStream;

async function setUpPackages(): Promise<void> {
  const missing = missingPackages(TEST_PACKAGES);
  if (missing.length === 0) return;
  const facts = host();
  if (facts.debianLike && facts.root) await ensurePackages(TEST_PACKAGES, "the tests", (line) => say(line));
  else if (process.env.CI === "true") await ensurePackages(TEST_PACKAGES, "the tests", (line) => say(line));
  else
    say(
      `missing ${missing.join(", ")}: the checks that use them say so (Debian: apt-get install ${missing.join(" ")})`,
    );
}

/** The offline tier's files that run kube-linter or kubectl-validate (the contract tools). */
const CONTRACT_TOOL_TESTS = ["scripts/contract/manifests.test.ts", "scripts/contract/fixtures.test.ts"];

/**
 * The offline tier's three stages, each of its files in exactly one (checked by
 * scripts/commands/test-stages.integration.test.ts): the integration tests (real processes, no Go tool),
 * then the rest but the contract tools' files, then those. vitest applies --exclude only to a project with
 * no `exclude` of its own, as the offline project is (vitest.config.ts).
 */
const OFFLINE = ["vitest", "run", "--project", "offline"];
export const OFFLINE_STAGES = Object.freeze({
  integration: [...OFFLINE, ".integration.test.ts"],
  rest: [
    ...OFFLINE,
    ...["**/*.integration.test.ts", ...CONTRACT_TOOL_TESTS].flatMap((f) => ["--exclude", f]),
  ],
  contractTools: [...OFFLINE, ...CONTRACT_TOOL_TESTS],
});

/** Resolves once `path` exists: fs.watch on its folder, no polling. */
function fileAppears(path: string): Promise<void> {
  mkdirSync(dirname(path), { recursive: true });
  return new Promise((resolve) => {
    const check = () => {
      if (!existsSync(path)) return;
      watcher.close();
      resolve();
    };
    const watcher = watch(dirname(path), check);
    check();
  });
}

/**
 * Whether the root filesystems should be made ahead: where the offline build will need them (no registry)
 * and may make them (Linux, root, Debian). Installs debootstrap now, before any stage, so that apt's lock is
 * free again when the tests run their own apt-get.
 */
async function rootFilesystemsWanted(): Promise<boolean> {
  const facts = host();
  if (facts.platform !== "linux" || !facts.root || !facts.debianLike) return false;
  if ((await registryUnreachable()) === undefined) return false;
  await ensurePackages(ROOTFS_PACKAGES, "the offline images", (line) => say(line));
  return true;
}

if (import.meta.main)
  runMain(async () => {
    parseFlags(command, process.argv.slice(2));
    const started = performance.now();
    await setUpPackages();
    const timed = async (name: string, work: Promise<unknown>) => {
      const t = performance.now();
      await work;
      times.push([name, (performance.now() - t) / 1000]);
    };
    // First what the clusters' images are built from, two builds at a time (one compiles while the other
    // links); they block neither lint, the type check, the unit tier nor the integration tests.
    const imagesTools = timed(
      "Go builds: what the images are made of",
      ensureTools(IMAGE_TOOLS, buildStream, 2),
    );
    // Where the clusters tier's `make up` will build the images from source, their Debian root filesystems
    // are made now, beside the Go builds (debootstrap mostly waits on the mirror): a cold run's first
    // `make up` then spends its time on the images alone.
    const rootfs = (await rootFilesystemsWanted())
      ? timed(
          "Debian root filesystems",
          prepareRootFilesystems().then((seconds) => say(`[rootfs] ready in ${duration(seconds)}`)),
        )
      : Promise.resolve();
    // Unhandled until awaited below; a build failure must not crash the run before a stage reports it.
    for (const work of [imagesTools, rootfs]) work.catch(() => {});
    // Lint, the type check, the unit tier and the integration tests need no Go tool: they run first, while
    // the Go builds do. The long tiers wait for them: run beside the clusters tier's first `make up`, the
    // unit tier (the integration tests were part of it then) slowed that past its 30 s second run and met
    // its apt lock (a run of 2026-12-05 failed so).
    await stage("lint", ["node", "scripts/commands/lint.ts"], { prefix: "[lint]", yielding: true });
    await stage("typecheck", ["tsc", "-p", "tsconfig.json"], { prefix: "[typecheck]", yielding: true });
    // Not niced: the integration tests start real processes against timeouts, and on a cold machine the
    // Go builds starved a niced unit tier past them when they were part of it (a cold run of 2026-12-05
    // failed so).
    await stage("unit tier", ["vitest", "run", "--project", "unit"], { prefix: "[unit tier]" });
    await stage("offline tier: integration tests (no Go tools)", OFFLINE_STAGES.integration, {
      prefix: "[integration]",
    });
    // The clusters tier starts as soon as its images can be made. Nothing else runs while it times its
    // second `make up` (≤ 30 s): any build beside it, even niced or in SCHED_IDLE, slowed it to 33 s in two
    // cold runs of 2026-12-05. Then the contract tools build, and the rest of the offline tier runs, beside
    // the rest of the suite, which mostly waits on its clusters.
    const signal = join(LOGS_DIR, "timed-up-over");
    rmSync(signal, { force: true });
    const clustersTier = Promise.all([imagesTools, rootfs]).then(() =>
      stage("clusters tier", ["vitest", "run", "--project", "clusters"], {
        prefix: "[clusters tier]",
        env: { [TIMED_UP_SIGNAL]: signal },
      }),
    );
    const quiet = Promise.race([fileAppears(signal), clustersTier.catch(() => {})]);
    // Niced like the offline tier, so that both take what the clusters tier leaves, and share it.
    const otherTools = quiet.then(() =>
      Promise.all(
        OTHER_TOOLS.map((tool) =>
          stage(`Go build: ${tool}`, ["node", "scripts/commands/tools.ts", "dir", tool], {
            prefix: "[go builds]",
            yielding: true,
          }),
        ),
      ),
    );
    otherTools.catch(() => {});
    const offlineTier = quiet
      .then(() =>
        stage("offline tier", OFFLINE_STAGES.rest, {
          prefix: "[offline tier]",
          yielding: true,
        }),
      )
      .then(() => otherTools)
      .then(() =>
        stage("offline tier: kube-linter and kubectl-validate", OFFLINE_STAGES.contractTools, {
          prefix: "[contracts]",
          yielding: true,
        }),
      );
    const outcomes = await Promise.allSettled([offlineTier, clustersTier]);
    const failed = outcomes.find((o): o is PromiseRejectedResult => o.status === "rejected");
    if (failed) throw failed.reason;
    const total = (performance.now() - started) / 1000;
    times.push(["make test", total]);
    say(bold("\nmake test: every stage passed"));
    say(table(times.map(([name, seconds]) => [name, duration(seconds)])));
    mkdirSync(LOGS_DIR, { recursive: true });
    writeFileSync(
      join(LOGS_DIR, "test-timings.json"),
      `${JSON.stringify({ date: new Date().toISOString(), ci: process.env.CI === "true", stages: Object.fromEntries(times.map(([n, s]) => [n, Math.round(s)])) }, null, 2)}\n`,
    );
  });
