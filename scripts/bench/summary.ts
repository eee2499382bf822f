// What `make bench-pipeline ARGS="--repeats N"` concludes from its N rounds: per configuration the median of its
// searches with their spread, its ratio to the anchor of the same round, the latency probes of every round
// pooled (so the p99 is a percentile of hundreds, not the maximum of a few dozen), and which orderings of
// two configurations held in every round — the only rankings the docs may state.
import { quantile } from "./latency-probe.ts";
import { MEASURED, type TrialResult } from "./trial.ts";

export const ANCHOR = "anchor";

/** One configuration in one round: its search and its latency trial (scripts/bench/measure.ts). */
export interface ConfigurationResult {
  readonly id: string;
  readonly title: string;
  /** The highest rate that passed, and its trial. */
  readonly best: number | undefined;
  readonly bestTrial: TrialResult | undefined;
  readonly tried: readonly { readonly rate: number; readonly passed: boolean; readonly shortfall: string }[];
  /** The latency trial at the common rate. */
  readonly latency: TrialResult | undefined;
  /** With --profile: each collector's top functions during the latency trial. */
  readonly profiles: Readonly<Record<string, readonly string[]>>;
}

export function cpuPerMillion(trial: TrialResult, process: keyof TrialResult["cpuSeconds"]): number {
  const spans = trial.counters.stored;
  return spans > 0 ? (trial.cpuSeconds[process] / spans) * 1e6 : 0;
}

export interface Spread {
  readonly median: number;
  readonly min: number;
  readonly max: number;
}

export interface ConfigurationSummary {
  readonly id: string;
  readonly title: string;
  /** The highest zero-loss rate of each round (null where none passed). */
  readonly bests: readonly (number | null)[];
  /** Over the rounds where a rate passed (see `bests` for how many did); absent when none did. */
  readonly maxRate?: Spread;
  /** This round's best over the same round's anchor, per round. */
  readonly vsAnchor?: Spread;
  /** CPU seconds per million spans at the best rate, the median over the rounds. */
  readonly cpuPerMillion?: Readonly<Record<(typeof MEASURED)[number], number>>;
  readonly peakRssMiB?: Readonly<Record<(typeof MEASURED)[number], number>>;
  /**
   * Bytes read per stored span at the best rate, the median over the rounds: by Traefik (what crossed
   * the edge → remote hop, the small replies included) and by Jaeger (the remote → Jaeger hop, or the
   * load itself for the anchor).
   */
  readonly bytesPerSpan?: Readonly<{ gateway?: number; jaeger: number }>;
  /** The latency trials of every round, pooled. */
  readonly latency?: {
    readonly rate: number;
    readonly samples: number;
    /** Probes the edge accepted that never reached Jaeger (left out of the quantiles). */
    readonly missing: number;
    /** Latency trials that lost a span or fell behind (their probes are pooled all the same). */
    readonly failedTrials: number;
    readonly p50Ms: number;
    readonly p99Ms: number;
    /** p99 over the anchor's pooled p99. */
    readonly p99VsAnchor?: number;
  };
}

export interface Ranking {
  readonly higher: string;
  readonly lower: string;
  /** True when `higher` carried more than `lower` in every round; false when the order changed. */
  readonly inEveryRound: boolean;
}

export interface BenchSummary {
  readonly rounds: number;
  readonly configurations: readonly ConfigurationSummary[];
  /** Neighbours in the order of their median maximum rate, each with whether the order always held. */
  readonly rankings: readonly Ranking[];
}

/** Median (the lower of the middle two for an even count), min and max; undefined for none. */
export function spread(values: readonly number[]): Spread | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  return {
    median: sorted[Math.floor((sorted.length - 1) / 2)]!,
    min: sorted[0]!,
    max: sorted[sorted.length - 1]!,
  };
}

const medianOf = (values: readonly number[]) => spread(values)?.median ?? 0;
const round2 = (n: number) => Math.round(n * 100) / 100;

function perProcessOf(
  results: readonly ConfigurationResult[],
  pick: (r: ConfigurationResult, p: (typeof MEASURED)[number]) => number,
): Record<(typeof MEASURED)[number], number> | undefined {
  const measured = results.filter((r) => r.bestTrial !== undefined);
  if (measured.length === 0) return undefined;
  return Object.fromEntries(
    MEASURED.map((p) => [p, round2(medianOf(measured.map((r) => pick(r, p))))]),
  ) as Record<(typeof MEASURED)[number], number>;
}

function bytesPerSpan(results: readonly ConfigurationResult[]) {
  const perProcess = perProcessOf(results, (r, p) =>
    r.bestTrial!.counters.stored > 0 ? r.bestTrial!.readBytes[p] / r.bestTrial!.counters.stored : 0,
  );
  return perProcess && { gateway: Math.round(perProcess.gateway), jaeger: Math.round(perProcess.jaeger) };
}

/** The anchor has no hop: its Traefik idles, so only Jaeger's bytes mean anything there. */
function hopBytes(id: string, bytes: ReturnType<typeof bytesPerSpan>) {
  return bytes && id === ANCHOR ? { jaeger: bytes.jaeger } : bytes;
}

function pooledLatency(results: readonly ConfigurationResult[]) {
  const trials = results.flatMap((r) => (r.latency ? [r.latency] : []));
  if (trials.length === 0) return undefined;
  const all = trials.flatMap((t) => t.probes.latenciesMs).sort((a, b) => a - b);
  if (all.length === 0) return undefined;
  return {
    rate: trials[0]!.rate,
    samples: all.length,
    missing: trials.reduce((sum, t) => sum + t.probes.missing, 0),
    failedTrials: trials.filter((t) => !t.passed).length,
    p50Ms: Math.round(quantile(all, 0.5)!),
    p99Ms: Math.round(quantile(all, 0.99)!),
  };
}

function summarize(id: string, rounds: readonly (readonly ConfigurationResult[])[]): ConfigurationSummary {
  const mine = rounds.map((round) => round.find((r) => r.id === id));
  const present = mine.filter((r): r is ConfigurationResult => r !== undefined);
  const anchors = rounds.map((round) => round.find((r) => r.id === ANCHOR)?.best);
  const ratios = mine.flatMap((r, i) =>
    r?.best !== undefined && anchors[i] !== undefined ? [r.best / anchors[i]] : [],
  );
  const ratio = spread(ratios);
  return {
    id,
    title: present[0]!.title,
    bests: mine.map((r) => r?.best ?? null),
    maxRate: spread(present.flatMap((r) => (r.best === undefined ? [] : [r.best]))),
    vsAnchor: ratio && { median: round2(ratio.median), min: round2(ratio.min), max: round2(ratio.max) },
    cpuPerMillion: perProcessOf(present, (r, p) => cpuPerMillion(r.bestTrial!, p)),
    peakRssMiB: perProcessOf(present, (r, p) => r.bestTrial!.rssMiB[p]),
    bytesPerSpan: hopBytes(id, bytesPerSpan(present)),
    latency: pooledLatency(present),
  };
}

/** Whether `a` carried more than `b` in every round both ran (a round where either found none counts against). */
function alwaysAbove(a: ConfigurationSummary, b: ConfigurationSummary): boolean {
  return a.bests.every((rate, i) => rate !== null && (b.bests[i] === null || rate > b.bests[i]!));
}

export function summarizeRounds(rounds: readonly (readonly ConfigurationResult[])[]): BenchSummary {
  const ids = [...new Set(rounds.flatMap((round) => round.map((r) => r.id)))];
  const summaries = ids.map((id) => summarize(id, rounds));
  const anchorP99 = summaries.find((s) => s.id === ANCHOR)?.latency?.p99Ms;
  const configurations = summaries.map((s) =>
    s.latency && anchorP99 && s.id !== ANCHOR && s.latency.failedTrials === 0
      ? { ...s, latency: { ...s.latency, p99VsAnchor: round2(s.latency.p99Ms / anchorP99) } }
      : s,
  );
  const ordered = [...configurations]
    .filter((s) => s.maxRate !== undefined)
    .sort((a, b) => b.maxRate!.median - a.maxRate!.median);
  const rankings = ordered.slice(1).map((lower, i) => {
    const higher = ordered[i]!;
    return { higher: higher.id, lower: lower.id, inEveryRound: alwaysAbove(higher, lower) };
  });
  return { rounds: rounds.length, configurations, rankings };
}
