// Shared by the end-to-end tests: the real binaries (built once by scripts/gobuild and cached), a quiet log
// sink that keeps each process's last lines for failure messages, the figures every test prints, and
// a pid liveness check.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { execa } from "execa";
import type { Binaries } from "../../local/binaries.ts";
import { resolveBinaries } from "../../local/binaries.ts";
import { afterAll, beforeAll } from "vitest";
import { startLocalPipeline, type LocalPipeline, type PipelineOptions } from "../../local/pipeline.ts";
import { generatorSpec } from "../../local/processes.ts";
import { pollUntil } from "../../lib/poll.ts";
import { spansOfRun } from "../../lib/jaeger-client.ts";

let binaries: Promise<Binaries> | undefined;

/** The collector, Jaeger, Traefik and telemetrygen; the first call may build the Go tools (minutes). */
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

export interface LocalSuite {
  /** The running pipeline (from the first test on). */
  readonly pipeline: LocalPipeline;
  /** Its processes' last output lines. */
  readonly output: ReturnType<typeof logTail>;
}

/**
 * Starts the local pipeline before the file's tests, on the file's own port slot with the real binaries,
 * and stops it after them.
 */
export function useLocalPipeline(
  slot: number,
  options: Omit<PipelineOptions, "base" | "binaries" | "log"> = {},
  lines = 600,
): LocalSuite {
  const output = logTail(lines);
  let pipeline: LocalPipeline | undefined;
  beforeAll(async () => {
    pipeline = await startLocalPipeline({
      ...options,
      base: e2ePortBase(slot),
      binaries: await testBinaries(),
      log: output.log,
    });
  }, 10 * 60_000);
  afterAll(async () => {
    await pipeline?.close();
  });
  return {
    output,
    get pipeline() {
      if (!pipeline) throw new Error("the local pipeline is not started yet (use it inside a test)");
      return pipeline;
    },
  };
}

/**
 * A distinct port base per test file, so vitest can run files side by side: LOCAL_PORT_BASE_E2E (default
 * 27000) plus 100 × the file's slot. Every base stays below Linux's ephemeral range (32768–60999): a
 * client connection's TIME-WAIT on a port there refuses a listener's bind (a CI run of 2026-12-05 lost
 * bench-pipeline's base 33100 so, beside the clusters suite's port-forwards).
 */
export function e2ePortBase(slot: number): number {
  const base = Number(process.env.LOCAL_PORT_BASE_E2E ?? 27000) + slot * 100;
  if (base + 100 > 32768) throw new Error(`e2e port base ${base} (slot ${slot}) reaches the ephemeral range`);
  return base;
}

/** Sums of each metric in a Prometheus text exposition (all label sets added up). */
export async function scrapeMetrics(port: number): Promise<Map<string, number>> {
  const response = await fetch(`http://127.0.0.1:${port}/metrics`, { signal: AbortSignal.timeout(3000) });
  const sums = new Map<string, number>();
  for (const line of (await response.text()).split("\n")) {
    if (line.startsWith("#") || line.trim() === "") continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{[^}]*\})?\s+(\S+)/.exec(line);
    if (!match) continue;
    sums.set(match[1]!, (sums.get(match[1]!) ?? 0) + Number(match[2]));
  }
  return sums;
}

/** The trace generator's final summary (apps/trace-generator, --summary-json). */
export interface GeneratorSummary {
  traces: number;
  spans: number;
  exported: number;
  failed: number;
  failedExports: number;
  dropped: number;
  complete: boolean;
  elapsedSeconds: number;
}

/**
 * Runs the trace generator once, to completion (--count or --duration), against the pipeline's edge
 * collector, and returns its summary. Its output goes to the suite's log with a [name] prefix.
 */
export async function runGenerator(
  local: LocalSuite,
  options: { name?: string; scenario: string; rate: number; runId: string; args: readonly string[] },
): Promise<GeneratorSummary> {
  const { pipeline } = local;
  const name = options.name ?? "generator";
  const summaryFile = join(pipeline.session.dir, `${name}-summary.json`);
  const spec = generatorSpec(pipeline.binaries, pipeline.plan, {
    name,
    scenario: options.scenario,
    rate: options.rate,
    runId: options.runId,
    extraArgs: ["--summary-json", summaryFile, ...options.args],
  });
  const child = execa(spec.command, [...spec.args], {
    reject: false,
    stdin: "ignore",
    buffer: false,
    cleanup: true,
  });
  for (const stream of [child.stdout, child.stderr])
    if (stream)
      createInterface({ input: stream }).on("line", (line) => local.output.log(`[${name}] ${line}`));
  const result = await child;
  if (result.exitCode !== 0)
    throw new Error(`the generator ${name} exited ${String(result.exitCode ?? result.signal)}, expected 0`);
  return JSON.parse(readFileSync(summaryFile, "utf8")) as GeneratorSummary;
}

/**
 * How many spans of the run are in the local Jaeger once all `expected` are there, or as many as arrived
 * within the bound: the caller asserts on the count, so a loss shows as a number, not a timeout.
 */
export async function spansInJaeger(
  local: LocalSuite,
  run: { service: string; runId: string; expected: number },
  timeoutMs: number,
): Promise<number> {
  let found = 0;
  await pollUntil(
    `all ${run.expected} spans of run ${run.runId} in Jaeger`,
    async () => {
      found = await spansOfRun(local.pipeline.jaeger, run.service, run.runId);
      return found >= run.expected ? true : undefined;
    },
    { timeoutMs, intervalMs: 1000 },
  ).catch(() => undefined);
  return found;
}
