// `make bench-pipeline ARGS=--record`: the run's summary in docs/results/bench-pipeline.json, the one place the
// README's and docs/architecture.md's benchmark figures come from (scripts/docs/bench-blocks.ts renders
// them). It holds the machine, its load average before, between and after the rounds, the settings that
// shape the figures, and every round's search path.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as prettier from "prettier";
import { machineDescription } from "../lib/machine.ts";
import { REPO_ROOT } from "../lib/topology.ts";
import type { BenchOptions } from "./options.ts";
import type { ConfigurationResult } from "./summary.ts";
import type { BenchSummary } from "./summary.ts";

export const BENCH_RESULTS = join(REPO_ROOT, "docs", "results", "bench-pipeline.json");

export interface BenchRecord {
  readonly what: string;
  readonly date: string;
  readonly machine: string;
  /** /proc/loadavg's 1, 5 and 15 min averages: before the first round, then after each. */
  readonly loadAverages: readonly string[];
  readonly settings: {
    readonly secondsPerTrial: number;
    readonly searchStart: number;
    readonly searchMax: number;
    readonly refine: number;
    readonly probeLoops: number;
    /** The latency trials' rate as asked (--latency-rate); undefined: half the default's first maximum. */
    readonly latencyRate?: number;
    readonly configurations: readonly string[];
    readonly loadCpu: string;
    readonly pipelineCpus: string;
  };
  readonly summary: BenchSummary;
  /** Each round's trials per configuration: the rate, and why it failed. */
  readonly searches: readonly (readonly { id: string; tried: ConfigurationResult["tried"] }[])[];
}

export function benchRecord(
  options: BenchOptions,
  summary: BenchSummary,
  rounds: readonly (readonly ConfigurationResult[])[],
  loadAverages: readonly string[],
): BenchRecord {
  return {
    what: "make bench-pipeline ARGS=--record: the local topology's real binaries, every configuration searched once per round",
    date: new Date().toISOString().slice(0, 10),
    machine: machineDescription(),
    loadAverages,
    settings: {
      secondsPerTrial: options.seconds,
      searchStart: options.start,
      searchMax: options.max,
      refine: options.refine,
      probeLoops: options.probeLoops,
      latencyRate: options.latencyRate,
      configurations: options.configurations.map((c) => c.id),
      loadCpu: options.loadCpu,
      pipelineCpus: options.pipelineCpus,
    },
    summary,
    searches: rounds.map((round) => round.map((r) => ({ id: r.id, tried: r.tried }))),
  };
}

/** Written as `make lint`'s Prettier would format it, so a recorded run lints clean. */
export async function writeBenchRecord(record: BenchRecord, file = BENCH_RESULTS): Promise<void> {
  const options = await prettier.resolveConfig(file);
  writeFileSync(file, await prettier.format(JSON.stringify(record), { ...options, filepath: file }));
}

export function readBenchRecord(file = BENCH_RESULTS): BenchRecord | undefined {
  try {
    return JSON.parse(readFileSync(file, "utf8")) as BenchRecord;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}
