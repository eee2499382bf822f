// The final summary of a run, from the export queue's counts: printed as the last stdout line (JSON),
// written to --summary-json, and logged as the "done" line.
import type { Config } from "./config.ts";
import { formatDuration } from "./duration.ts";
import type { ExportCounts } from "./export/export-queue.ts";

export type StopReason = "count" | "duration" | "signal";

export interface Summary {
  readonly scenario: string;
  readonly seed: number;
  readonly runAttributes: Readonly<Record<string, string>>;
  readonly stopReason: StopReason;
  readonly elapsedSeconds: number;
  readonly traces: number;
  /** Spans generated (handed to the exporter queue). */
  readonly spans: number;
  readonly exported: number;
  readonly failed: number;
  readonly failedExports: number;
  readonly dropped: number;
  readonly httpErrors: number;
  /** Spans generated per second over the whole run. */
  readonly spansPerSecond: number;
  /** exported === spans: nothing was lost. */
  readonly complete: boolean;
  /** Peak resident memory of the process (MiB). */
  readonly maxRssMiB: number;
}

export interface RunOutcome {
  readonly config: Config;
  readonly stopReason: StopReason;
  readonly elapsedMs: number;
  readonly traces: number;
  readonly httpErrors: number;
  readonly counts: ExportCounts;
}

export function summarize(run: RunOutcome): Summary {
  const { config, counts: c, elapsedMs } = run;
  return Object.freeze({
    scenario: config.scenario.name,
    seed: config.seed,
    runAttributes: config.runAttributes,
    stopReason: run.stopReason,
    elapsedSeconds: Math.round(elapsedMs) / 1000,
    traces: run.traces,
    spans: c.generated,
    exported: c.exported,
    failed: c.failed,
    failedExports: c.failedExports,
    dropped: c.dropped,
    httpErrors: run.httpErrors,
    spansPerSecond: Math.round((c.generated * 1000) / Math.max(1, elapsedMs)),
    complete: c.exported === c.generated,
    // maxRSS is in KiB: one decimal of MiB.
    maxRssMiB: Math.round(process.resourceUsage().maxRSS / 102.4) / 10,
  });
}

export function doneLine(summary: Summary, elapsedMs: number): string {
  return (
    `done in ${formatDuration(elapsedMs)}: ${summary.traces} traces, ${summary.spans} spans generated, ${summary.exported} exported, ` +
    `${summary.failed} in failed exports (${summary.failedExports} attempts), ${summary.dropped} dropped` +
    `${summary.httpErrors > 0 ? `, ${summary.httpErrors} HTTP steps failed` : ""}; ${summary.spansPerSecond} spans/s`
  );
}

/** The summary from what a run printed (its last JSON line; logs may come before it), or undefined. */
export function summaryFromOutput(output: string): Summary | undefined {
  const line = output
    .trimEnd()
    .split("\n")
    .reverse()
    .find((l) => l.startsWith("{"));
  return line === undefined ? undefined : (JSON.parse(line) as Summary);
}
