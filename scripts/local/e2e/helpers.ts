// Shared by the end-to-end tests: the real binaries (built once by go-tools.sh and cached), a quiet log
// sink that keeps each process's last lines for failure messages, and the figures every test prints.
import type { Binaries } from "../binaries.ts";
import { resolveBinaries } from "../binaries.ts";

let binaries: Promise<Binaries> | undefined;

/** The collector, Jaeger, telemetrygen and nginx; the first call may build the Go tools (minutes). */
export function testBinaries(): Promise<Binaries> {
  binaries ??= resolveBinaries();
  return binaries;
}

/** Keeps the last lines of the topology's prefixed output; printed when a test fails. */
export function logTail(limit = 400): {
  log: (line: string) => void;
  lines: () => string[];
  dump: () => string;
} {
  const kept: string[] = [];
  return {
    log(line) {
      kept.push(line);
      if (kept.length > limit) kept.shift();
      if (process.env.E2E_VERBOSE) console.log(line);
    },
    lines: () => [...kept],
    dump: () => kept.join("\n"),
  };
}

/** Prints one test's figures in a form that is easy to grep from CI logs. */
export function figures(test: string, values: Record<string, string | number>): void {
  const text = Object.entries(values)
    .map(([key, value]) => `${key}=${value}`)
    .join("  ");
  console.log(`[e2e figures] ${test}: ${text}`);
}

export function seconds(since: number): string {
  return ((performance.now() - since) / 1000).toFixed(1);
}

/**
 * A distinct port base per test file, so vitest can run files side by side: LOCAL_PORT_BASE_E2E (default
 * 31000) plus 100 × the file's slot.
 */
export function e2ePortBase(slot: number): number {
  return Number(process.env.LOCAL_PORT_BASE_E2E ?? 31000) + slot * 100;
}
