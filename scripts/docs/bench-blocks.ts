// The benchmark's figures in the README and docs/architecture.md, from the last `make bench-pipeline
// ARGS=--record` (docs/results/bench-pipeline.json): the table the command prints, the rankings that held in
// every round, and the two targets for the default configuration, each judged from the same run.
import { DEFAULT_CONFIGURATION } from "../bench/configurations.ts";
import { readBenchRecord, type BenchRecord } from "../bench/record.ts";
import { ANCHOR } from "../bench/summary.ts";
import { rankingLines, summaryTable } from "../bench/report.ts";
import type { GeneratedBlock } from "./generated-block.ts";

/** The default configuration's targets, as ratios to the anchor in the same run. */
export const TARGETS = Object.freeze({ p99AtMostTimesAnchor: 2, capacityAtLeastTimesAnchor: 0.8 });

export function targetLines(record: Pick<BenchRecord, "summary">): string[] {
  const ours = record.summary.configurations.find((s) => s.id === DEFAULT_CONFIGURATION);
  const anchorP99 = record.summary.configurations.find((s) => s.id === ANCHOR)?.latency?.p99Ms;
  if (!ours) return [];
  const verdict = (met: boolean) => (met ? "met" : "**not met**");
  const lines: string[] = [];
  if (!ours.vsAnchor)
    lines.push(
      `- Zero-loss capacity of the default: **not met** (no round found a rate for it and the anchor both).`,
    );
  else
    lines.push(
      `- Zero-loss capacity of the default, ${TARGETS.capacityAtLeastTimesAnchor}× the anchor's or more: ${ours.vsAnchor.median.toFixed(2)}× (median; ${ours.vsAnchor.min.toFixed(2)}–${ours.vsAnchor.max.toFixed(2)} over the rounds), ${verdict(ours.vsAnchor.median >= TARGETS.capacityAtLeastTimesAnchor)}.`,
    );
  if (ours.latency?.p99VsAnchor === undefined || anchorP99 === undefined)
    lines.push(
      `- p99 of the default: **not met** (no latency trial of it and the anchor that lost nothing).`,
    );
  else
    lines.push(
      `- p99 of the default at ${ours.latency.rate} spans/s, at most ${TARGETS.p99AtMostTimesAnchor}× the anchor's: ${ours.latency.p99VsAnchor.toFixed(2)}× (${ours.latency.p99Ms} ms against ${anchorP99} ms, ${ours.latency.samples} probes), ${verdict(ours.latency.p99VsAnchor <= TARGETS.p99AtMostTimesAnchor)}.`,
    );
  return lines;
}

export function renderBench(record: BenchRecord | undefined): string {
  if (!record) return "No run of `make bench-pipeline ARGS=--record` is on record yet.";
  const { settings: s } = record;
  return [
    `Its last recorded run (${record.date}, ${record.machine}; ${record.summary.rounds} rounds, ${s.secondsPerTrial} s per trial, the pipeline on CPU ${s.pipelineCpus} and the load on CPU ${s.loadCpu}; load average before and after each round: ${record.loadAverages.join(" → ")}):`,
    "",
    summaryTable(record.summary),
    "",
    "Rankings between neighbours, sorted by median rate (a ranking is stated only where it held in every round):",
    "",
    ...rankingLines(record.summary).map((line) => `- ${line}.`),
    "",
    "The targets for the default configuration, from the same run:",
    "",
    ...targetLines(record),
  ].join("\n");
}

export const benchReadmeBlock: GeneratedBlock = {
  start: "<!-- bench-pipeline:start (generated from docs/results/bench-pipeline.json: make docs) -->",
  end: "<!-- bench-pipeline:end -->",
  render: () => renderBench(readBenchRecord()),
};

export const benchArchitectureBlock: GeneratedBlock = { ...benchReadmeBlock, file: "docs/architecture.md" };
