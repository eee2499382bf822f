// What failed in a vitest stage of `make test`, short enough to be the last thing a CI log shows. CI keeps
// only a log's tail, and vitest ends a failure with its code frame and summary, so the failed assertion's
// own message (which check, which value) was cut off (the run of 2026-12-05 that failed in step 8 showed
// only "+ ]"). The stage writes vitest's JSON report; this reads it back.
import { readFileSync } from "node:fs";

/** The part of vitest's JSON report (Jest's format) this reads. */
interface JsonReport {
  readonly testResults?: ReadonlyArray<{
    readonly name?: string;
    readonly message?: string;
    readonly assertionResults?: ReadonlyArray<{
      readonly fullName?: string;
      readonly status?: string;
      readonly failureMessages?: readonly string[];
    }>;
  }>;
}

export interface SummaryLimits {
  /** Lines of each failure's message. */
  readonly lines: number;
  /** Characters of each line. */
  readonly width: number;
}

const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, "g");

function clip(message: string, limits: SummaryLimits): string[] {
  // The message up to vitest's stack: what the assertion said, not where.
  const lines = message
    .replace(ANSI, "")
    .split("\n")
    .filter((line) => !/^\s+at /.test(line) && line.trim() !== "");
  const shown = lines
    .slice(0, limits.lines)
    .map((line) => (line.length > limits.width ? `${line.slice(0, limits.width - 1)}…` : line));
  if (lines.length > limits.lines) shown.push(`… ${lines.length - limits.lines} more lines in the log above`);
  return shown.map((line) => `    ${line}`);
}

/** "failed: <test>" and the start of its message, for each failed test or file in a JSON report. */
export function failureSummary(
  report: JsonReport,
  limits: SummaryLimits = { lines: 12, width: 300 },
): string[] {
  const out: string[] = [];
  for (const file of report.testResults ?? []) {
    const failed = (file.assertionResults ?? []).filter((a) => a.status === "failed");
    for (const test of failed) {
      out.push(`  failed: ${test.fullName ?? "(unnamed test)"}`);
      out.push(...clip((test.failureMessages ?? []).join("\n"), limits));
    }
    // A file that failed outside its tests (an import error, a hook).
    if (failed.length === 0 && file.message)
      out.push(`  failed: ${file.name ?? "(a test file)"}`, ...clip(file.message, limits));
  }
  return out;
}

/** The summary of the report at `path`, or nothing when the stage wrote none (it failed before vitest ran). */
export function failureSummaryOf(path: string): string[] {
  try {
    return failureSummary(JSON.parse(readFileSync(path, "utf8")) as JsonReport);
  } catch {
    return [];
  }
}
