// What `make bench-pipeline` needs from the machine, checked before anything starts, and the line that
// describes the machine in its report (figures mean little without it).
import { readFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { execa } from "execa";
import { Failure, exitCodes } from "../lib/exit-codes.ts";
import type { BenchOptions } from "./options.ts";

/** /proc/loadavg's 1, 5 and 15 min averages, as one string. */
export const loadAverage = (): string =>
  readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");

export async function machineLine(options: BenchOptions): Promise<string> {
  const kernel = (await execa("uname", ["-r"])).stdout;
  const load = loadAverage();
  return (
    `${new Date().toISOString().slice(0, 10)}, ${cpus().length} × ${cpus()[0]?.model ?? "unknown CPU"}, ` +
    `${Math.round(totalmem() / 2 ** 30)} GiB, Linux ${kernel}; load on CPU ${options.loadCpu}, pipeline on CPU ${options.pipelineCpus}; ` +
    `${options.seconds} s per trial; load average at the end ${load}`
  );
}

/** The programs the run needs, each missing one named with where to get it, all at once. */
export async function preflight(options: BenchOptions): Promise<void> {
  const needs: [string, string[], string][] = [
    [
      "taskset",
      ["--version"],
      "taskset (util-linux: apt-get install util-linux) pins the load and the pipeline to their own CPUs",
    ],
    ...(options.profile
      ? ([
          [
            "perf",
            ["stat", "--quiet", "-e", "cpu-clock", "--", "true"],
            "perf (apt-get install linux-perf), allowed to sample (kernel.perf_event_paranoid), profiles the collectors for --profile",
          ],
          [
            "go",
            ["version"],
            "go (the toolchain that builds the collector) names the functions for --profile",
          ],
        ] as [string, string[], string][])
      : []),
  ];
  const missing: string[] = [];
  for (const [program, args, why] of needs)
    if ((await execa(program, args, { reject: false })).exitCode !== 0)
      missing.push(`${program} is missing or refused: ${why}`);
  if (missing.length > 0) throw new Failure(missing.join("\n"), exitCodes.notReady);
}
