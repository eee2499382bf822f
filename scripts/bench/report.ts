// The pipeline benchmark's result table (Markdown: the terminal, and through docs/results/ the README and
// docs/architecture.md): per configuration the highest rate with zero loss and its ratio to the anchor of
// the same round, CPU seconds per million spans and peak memory per process at that rate, and the latency
// of marked spans at one common rate against the anchor's. Medians over the rounds, with their range.
import { MEASURED } from "./trial.ts";
import type { BenchSummary, ConfigurationResult, Spread } from "./summary.ts";

const fixed = (n: number | undefined, digits = 0) => (n === undefined ? "–" : n.toFixed(digits));

const range = (s: Spread | undefined, digits = 0) =>
  s === undefined
    ? "–"
    : s.min === s.max
      ? fixed(s.median, digits)
      : `${fixed(s.median, digits)} (${fixed(s.min, digits)}–${fixed(s.max, digits)})`;

const perProcess = (values: Readonly<Record<string, number>> | undefined, digits: number) =>
  values === undefined ? "–" : MEASURED.map((p) => fixed(values[p], digits)).join(" / ");

/** The table of a run (Markdown): one row per configuration, medians over the rounds with their range. */
export function summaryTable(summary: BenchSummary): string {
  const rows = summary.configurations.map((s) => {
    const l = s.latency;
    const flaws = [
      l?.missing ? `${l.missing} missing` : "",
      l?.failedTrials ? `${l.failedTrials} trial(s) lost spans` : "",
    ].filter(Boolean);
    const latency = l
      ? `${l.p50Ms} / ${l.p99Ms} (n=${l.samples}${flaws.map((f) => `, ${f}`).join("")})`
      : "–";
    const found = s.bests.filter((b) => b !== null).length;
    const rate = !s.maxRate
      ? "none"
      : found < s.bests.length
        ? `${range(s.maxRate)}, found in ${found} of ${s.bests.length} rounds`
        : range(s.maxRate);
    const p99VsAnchor = l?.p99VsAnchor === undefined ? "–" : `${l.p99VsAnchor.toFixed(2)}×`;
    const bytes = s.bytesPerSpan ? `${fixed(s.bytesPerSpan.gateway)} / ${s.bytesPerSpan.jaeger}` : "–";
    return `| ${s.title} | ${rate} | ${range(s.vsAnchor, 2)} | ${perProcess(s.cpuPerMillion, 1)} | ${bytes} | ${perProcess(s.peakRssMiB, 0)} | ${latency} | ${p99VsAnchor} |`;
  });
  const rate = summary.configurations.find((s) => s.latency)?.latency?.rate;
  const rounds = summary.rounds === 1 ? "one round" : `median of ${summary.rounds} rounds (min–max)`;
  return [
    `| configuration | max spans/s with zero loss, ${rounds} | vs the anchor in the same round | CPU s per million spans: edge / gateway / remote / Jaeger | bytes read per span: gateway (the hop) / Jaeger | peak RSS MiB: edge / gateway / remote / Jaeger | latency p50 / p99 ms at ${rate ?? "–"} spans/s, every round's probes | p99 vs the anchor's |`,
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ...rows,
  ].join("\n");
}

/** Neighbours sorted by median rate, and whether that order held in every round. */
export function rankingLines(summary: BenchSummary): string[] {
  const title = (id: string) => summary.configurations.find((s) => s.id === id)?.title ?? id;
  return summary.rankings.map((r) =>
    r.inEveryRound
      ? `${title(r.higher)} carried more than ${title(r.lower)} in every round`
      : `${title(r.higher)} and ${title(r.lower)}: no ranking (not higher in every round: tied, reversed, or no rate in one)`,
  );
}

/** Every trial, one line each: the search's path and why a rate failed. */
export function trialLines(results: readonly ConfigurationResult[], round = 1): string[] {
  return results.map(
    (r) =>
      `round ${round}, ${r.id}: ${r.tried.map((t) => `${t.rate} ${t.passed ? "ok" : `✗ (${t.shortfall})`}`).join(", ")}`,
  );
}

/** With --profile: where each collector's CPU time went, per configuration. */
export function profileLines(results: readonly ConfigurationResult[], round = 1): string[] {
  return results.flatMap((r) =>
    Object.entries(r.profiles).flatMap(([collector, top]) => [
      `round ${round}, ${r.id}, ${collector} collector, CPU profile (top functions):`,
      ...top.map((line) => `  ${line}`),
    ]),
  );
}
