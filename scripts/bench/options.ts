// `make bench-pipeline`'s settings, parsed once into a frozen object; every bad value is reported at once,
// named, with what was expected, before anything starts.
import { availableParallelism } from "node:os";
import { Failure, exitCodes } from "../lib/exit-codes.ts";
import {
  CONFIGURATIONS,
  DEFAULT_CONFIGURATION,
  selectConfigurations,
  type BenchConfiguration,
} from "./configurations.ts";

export interface BenchOptions {
  readonly seconds: number;
  readonly configurations: readonly BenchConfiguration[];
  /** A fixed rate (spans/s) instead of the search: one trial per configuration. */
  readonly rate: number | undefined;
  /** Rounds: every configuration searched once per round, the rounds one after another. */
  readonly repeats: number;
  /** The latency trials' rate; undefined: half the default configuration's first maximum. */
  readonly latencyRate: number | undefined;
  /** Write the summary to docs/results/bench-pipeline.json (what the docs quote). */
  readonly record: boolean;
  readonly start: number;
  readonly max: number;
  readonly refine: number;
  /** CPU list for the load, the probes, Prometheus and this script; the pipeline gets the others. */
  readonly loadCpu: string;
  readonly pipelineCpus: string;
  readonly probeLoops: number;
  /** CPU profiles of both collectors during each latency trial (scripts/bench/profile.ts). */
  readonly profile: boolean;
}

export interface RawBenchOptions {
  seconds?: string;
  configs?: string;
  rate?: string;
  start?: string;
  max?: string;
  refine?: string;
  "probe-loops"?: string;
  profile?: boolean;
  repeats?: string;
  "latency-rate"?: string;
  record?: boolean;
}

/** What the docs may quote: enough rounds for a median and a spread, the anchor to compare with. */
export const RECORD_MIN_ROUNDS = 3;

export function parseBenchOptions(raw: RawBenchOptions, cores = availableParallelism()): BenchOptions {
  const problems: string[] = [];
  const whole = (flag: string, text: string | undefined, fallback: number, min: number, max: number) => {
    const value = text === undefined || text === "" ? fallback : Number(text);
    if (!Number.isInteger(value) || value < min || value > max) {
      problems.push(`--${flag} is ${JSON.stringify(text)}; expected a whole number from ${min} to ${max}`);
      return fallback;
    }
    return value;
  };
  const seconds = whole("seconds", raw.seconds, 30, 3, 600);
  const rate = raw.rate === undefined ? undefined : whole("rate", raw.rate, 1000, 100, 1_000_000);
  const start = whole("start", raw.start, 8000, 100, 1_000_000);
  const max = whole("max", raw.max, 64_000, 100, 1_000_000);
  const refine = whole("refine", raw.refine, 4, 0, 6);
  const repeats = whole("repeats", raw.repeats, RECORD_MIN_ROUNDS, 1, 10);
  const latencyRate =
    raw["latency-rate"] === undefined
      ? undefined
      : whole("latency-rate", raw["latency-rate"], 1000, 100, 1_000_000);
  const probeLoops = whole("probe-loops", raw["probe-loops"], 2, 0, 8);
  if (raw.profile === true && probeLoops === 0)
    problems.push("--profile profiles during the latency trial, which --probe-loops 0 leaves out");
  if (latencyRate !== undefined && probeLoops === 0)
    problems.push("--latency-rate sets the latency trials' rate, which --probe-loops 0 leaves out");
  if (start > max) problems.push(`--start (${start}) is above --max (${max})`);
  const names = (raw.configs ?? "")
    .split(",")
    .map((name) => name.trim())
    .filter(Boolean);
  const selection = selectConfigurations(names);
  if (!selection.ok)
    problems.push(
      `--configs names ${selection.unknown.map((n) => JSON.stringify(n)).join(", ")}; expected some of ${CONFIGURATIONS.map((c) => c.id).join(", ")}`,
    );
  if (raw.record === true) {
    if (repeats < RECORD_MIN_ROUNDS)
      problems.push(
        `--record needs --repeats ${RECORD_MIN_ROUNDS} or more (it is ${repeats}): the docs quote medians with their spread`,
      );
    if (rate !== undefined) problems.push("--record needs the search, which --rate replaces with one trial");
    for (const [id, why] of [
      ["anchor", "every ratio the docs quote is to it"],
      [DEFAULT_CONFIGURATION, "the docs judge its targets"],
    ] as const)
      if (selection.ok && !selection.selected.some((c) => c.id === id))
        problems.push(`--record needs ${id} among --configs: ${why}`);
    if (probeLoops === 0)
      problems.push("--record needs the latency trials, which --probe-loops 0 leaves out");
    if (raw.profile === true)
      problems.push(
        "--record leaves out --profile: sampling the collectors would slow the latency it records",
      );
  }
  if (cores < 2)
    problems.push(
      `this machine has ${cores} CPU; the benchmark needs 2 (the load on one, the pipeline on the rest)`,
    );
  if (problems.length > 0) throw new Failure(problems.join("\n"), exitCodes.usage);
  return Object.freeze({
    seconds,
    configurations: Object.freeze(selection.ok ? selection.selected : []),
    rate,
    repeats,
    latencyRate,
    record: raw.record === true,
    start,
    max,
    refine,
    loadCpu: "0",
    pipelineCpus: cores === 2 ? "1" : `1-${cores - 1}`,
    probeLoops,
    profile: raw.profile === true,
  });
}
