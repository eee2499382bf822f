// The pipeline benchmark's result table (Markdown, for the README and docs/architecture.md): per
// configuration the highest rate with zero loss, its ratio to the plaintext baseline of the same run, CPU
// seconds per million spans and peak memory per process at that rate, and the latency of marked spans at
// one common rate, with what the hop adds to the anchor's.
import { BASELINE } from "./configurations.ts";
import { quantile } from "./latency-probe.ts";
import { MEASURED, type TrialResult } from "./trial.ts";

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

const fixed = (n: number | undefined, digits = 0) => (n === undefined ? "–" : n.toFixed(digits));

export function cpuPerMillion(trial: TrialResult, process: keyof TrialResult["cpuSeconds"]): number {
  const spans = trial.counters.stored;
  return spans > 0 ? (trial.cpuSeconds[process] / spans) * 1e6 : 0;
}

export function p99(trial: TrialResult | undefined): number | undefined {
  return trial ? quantile(trial.probes.latenciesMs, 0.99) : undefined;
}

export function reportTable(results: readonly ConfigurationResult[]): string {
  const baseline = results.find((r) => r.id === BASELINE)?.best;
  const anchorP99 = p99(results.find((r) => r.id === "anchor")?.latency);
  const rows = results.map((r) => {
    const ratio = baseline && r.best ? (r.best / baseline).toFixed(2) : "–";
    const cpu = r.bestTrial ? MEASURED.map((p) => fixed(cpuPerMillion(r.bestTrial!, p), 1)).join(" / ") : "–";
    const rss = r.bestTrial ? MEASURED.map((p) => fixed(r.bestTrial!.rssMiB[p])).join(" / ") : "–";
    const latency = r.latency?.probes.latenciesMs ?? [];
    const l = r.latency
      ? `${fixed(quantile(latency, 0.5))} / ${fixed(quantile(latency, 0.99))} (n=${latency.length})`
      : "–";
    const added =
      r.id === "anchor" || anchorP99 === undefined || p99(r.latency) === undefined
        ? "–"
        : `${fixed(p99(r.latency)! - anchorP99)}`;
    return `| ${r.title} | ${r.best ?? "none"} | ${ratio} | ${cpu} | ${rss} | ${l} | ${added} |`;
  });
  const rate = results.find((r) => r.latency)?.latency?.rate;
  return [
    `| configuration | max spans/s, zero loss | vs ${BASELINE} | CPU s per million spans: edge / gateway / remote / Jaeger | peak RSS MiB: edge / gateway / remote / Jaeger | latency p50 / p99 ms at ${rate ?? "–"} spans/s | p99 added by the hop, ms |`,
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ...rows,
  ].join("\n");
}

/** Every trial, one line each: the search's path and why a rate failed. */
export function trialLines(results: readonly ConfigurationResult[]): string[] {
  return results.map(
    (r) => `${r.id}: ${r.tried.map((t) => `${t.rate} ${t.passed ? "ok" : `✗ (${t.shortfall})`}`).join(", ")}`,
  );
}

/** With --profile: where each collector's CPU time went, per configuration. */
export function profileLines(results: readonly ConfigurationResult[]): string[] {
  return results.flatMap((r) =>
    Object.entries(r.profiles).flatMap(([collector, top]) => [
      `${r.id}, ${collector} collector, CPU profile (top functions):`,
      ...top.map((line) => `  ${line}`),
    ]),
  );
}
