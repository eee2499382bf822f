// One trial of the pipeline benchmark: the trace generator (two spans a trace, the fastest shape it has)
// at a fixed spans/s for a fixed time on its own CPU, latency probes alongside, then a wait until what it
// sent is stored in Jaeger. It passes when nothing was dropped, refused or failed anywhere and Jaeger
// stored exactly what was sent. CPU and memory of every process over the trial come from /proc.
import { join } from "node:path";
import { summaryFromOutput, type Summary } from "../../apps/trace-generator/src/summary.ts";
import { execa } from "execa";
import { imageNodeOptions } from "@otel-e2r/testkit/image-node-options.ts";
import { REPO_ROOT } from "../lib/topology.ts";
import { pollUntil } from "../lib/poll.ts";
import type { LocalPipeline } from "../local/pipeline.ts";
import { startProbes, type ProbeResult } from "./latency-probe.ts";
import { difference, readCounters, type SpanCounters } from "./pipeline-counters.ts";
import { sampleProcess, type ProcessSample } from "./proc-stats.ts";

/** The processes a trial measures (the supervisor's names), and the load. */
export const MEASURED = Object.freeze(["edge", "gateway", "remote", "jaeger"] as const);
export type Measured = (typeof MEASURED)[number] | "load";

const GENERATOR = join(REPO_ROOT, "apps/trace-generator/src/main.ts");
export const TWO_SPANS = join(REPO_ROOT, "apps/trace-generator/bench/two-spans.yaml");
/** The trace generator's heap settings in its image, so the load behaves as the deployed one. */
const NODE_OPTIONS = imageNodeOptions(join(REPO_ROOT, "apps/trace-generator/Dockerfile"));

export interface TrialOptions {
  readonly pipeline: LocalPipeline;
  /** host:port the load and probes send to (the edge, or Jaeger for the anchor). */
  readonly address: string;
  readonly rate: number;
  readonly seconds: number;
  readonly loadCpu: string;
  /** Probe loops (0: no latency probes). */
  readonly probeLoops: number;
}

/** What the trial keeps of the generator's summary (apps/trace-generator/src/summary.ts). */
export type GeneratorSummary = Pick<Summary, "spans" | "exported" | "failed" | "dropped">;

export interface TrialResult {
  readonly rate: number;
  readonly seconds: number;
  readonly load: GeneratorSummary;
  readonly probes: ProbeResult;
  /** What the pipeline's counters moved by, from before the load to the end of the drain. */
  readonly counters: SpanCounters;
  readonly passed: boolean;
  /** Why it failed, in words ("12 dropped by the generator, Jaeger stored 998 of 1000"). */
  readonly shortfall: string;
  /** CPU seconds per process over the trial; resident memory at its highest sample. */
  readonly cpuSeconds: Readonly<Record<Measured, number>>;
  readonly rssMiB: Readonly<Record<Measured, number>>;
  /** Bytes each process read over the trial, sockets included (/proc/<pid>/io). */
  readonly readBytes: Readonly<Record<Measured, number>>;
  /** Seconds from the load's end until Jaeger had every span; undefined if it never did. */
  readonly completeAfterS: number | undefined;
}

function pids(pipeline: LocalPipeline): Record<(typeof MEASURED)[number], number> {
  return Object.fromEntries(
    MEASURED.map((name) => {
      const running = pipeline.supervisor.get(name);
      if (!running) throw new Error(`the local pipeline has no running "${name}"`);
      return [name, running.pid];
    }),
  ) as Record<(typeof MEASURED)[number], number>;
}

/** Samples every measured process once a second; `stop()` returns CPU deltas and peak RSS. */
function watchProcesses(targets: Readonly<Record<Measured, number>>) {
  const first = new Map<Measured, ProcessSample>();
  const last = new Map<Measured, ProcessSample>();
  const peak = new Map<Measured, number>();
  const sample = () => {
    for (const [name, pid] of Object.entries(targets) as [Measured, number][]) {
      const now = sampleProcess(pid);
      if (!now) continue;
      if (!first.has(name)) first.set(name, now);
      last.set(name, now);
      peak.set(name, Math.max(peak.get(name) ?? 0, now.rssMiB));
    }
  };
  sample();
  const timer = setInterval(sample, 1000);
  return {
    stop() {
      clearInterval(timer);
      sample();
      const names = Object.keys(targets) as Measured[];
      const round = (n: number) => Math.round(n * 100) / 100;
      return {
        cpuSeconds: Object.fromEntries(
          names.map((n) => [n, round((last.get(n)?.cpuSeconds ?? 0) - (first.get(n)?.cpuSeconds ?? 0))]),
        ) as Record<Measured, number>,
        rssMiB: Object.fromEntries(names.map((n) => [n, peak.get(n) ?? 0])) as Record<Measured, number>,
        readBytes: Object.fromEntries(
          names.map((n) => [n, (last.get(n)?.readBytes ?? 0) - (first.get(n)?.readBytes ?? 0)]),
        ) as Record<Measured, number>,
      };
    },
  };
}

/** "" when every span sent is stored and nothing was lost on the way; else what went wrong. */
export function shortfallOf(load: GeneratorSummary, probes: ProbeResult, counters: SpanCounters): string {
  const expected = load.spans + probes.sent;
  return [
    load.dropped > 0 ? `${load.dropped} dropped by the generator` : "",
    load.failed > 0 ? `${load.failed} in failed exports` : "",
    load.exported < load.spans ? `${load.spans - load.exported} never exported` : "",
    counters.refused > 0 ? `${counters.refused} refused by a receiver` : "",
    counters.failed > 0 ? `${counters.failed} failed in an exporter` : "",
    counters.stored !== expected ? `Jaeger stored ${counters.stored} of ${expected}` : "",
    probes.missing > 0 ? `${probes.missing} probes never found` : "",
  ]
    .filter(Boolean)
    .join(", ");
}

export async function runTrial(options: TrialOptions): Promise<TrialResult> {
  const { pipeline } = options;
  const before = await readCounters(pipeline.prometheus);
  const load = execa(
    "taskset",
    [
      "--cpu-list",
      options.loadCpu,
      pipeline.binaries.node,
      ...NODE_OPTIONS,
      GENERATOR,
      ...["--scenario", TWO_SPANS, "--rate", String(options.rate), "--rate-unit", "spans"],
      ...["--duration", `${options.seconds}s`, "--stats-interval", "0"],
      ...["--otlp-endpoint", `http://${options.address}`],
    ],
    { reject: false, all: true },
  );
  const watcher = watchProcesses({ ...pids(pipeline), load: load.pid! });
  const probes =
    options.probeLoops > 0
      ? startProbes({
          address: options.address,
          jaeger: pipeline.jaeger,
          loops: options.probeLoops,
          gapMs: 100,
        })
      : undefined;
  const finished = await load;
  const loadEnded = performance.now();
  const probeResult = (await probes?.stop()) ?? { sent: 0, latenciesMs: [], missing: 0 };
  if (finished.exitCode !== 0)
    throw new Error(`the trace generator exited ${finished.exitCode}:\n${String(finished.all).slice(-1500)}`);
  const printed = summaryFromOutput(String(finished.stdout));
  if (!printed)
    throw new Error(`the trace generator printed no summary: ${String(finished.all).slice(-500)}`);
  const { spans, exported, failed, dropped } = printed;
  const summary: GeneratorSummary = { spans, exported, failed, dropped };
  const { counters, completeAfterS } = await drain(
    pipeline,
    before,
    summary.spans + probeResult.sent,
    loadEnded,
  );
  const usage = watcher.stop();
  const shortfall = [
    shortfallOf(summary, probeResult, counters),
    completeAfterS !== undefined && completeAfterS > KEPT_UP_WITHIN_S
      ? `fell behind: Jaeger had it all ${completeAfterS} s after the load ended (over ${KEPT_UP_WITHIN_S} s)`
      : "",
  ]
    .filter(Boolean)
    .join(", ");
  return Object.freeze({
    rate: options.rate,
    seconds: options.seconds,
    load: summary,
    probes: probeResult,
    counters,
    passed: shortfall === "",
    shortfall,
    ...usage,
    completeAfterS,
  });
}

/**
 * A rate is sustained only if the pipeline kept up: everything sent is in Jaeger within this long after the
 * load's last export. Keeping up, a span waits at most the edge's and the remote's flush timeouts (10 ms;
 * 1 s when this bound was set) and Jaeger's 200 ms batch, and the counters lag one 1 s push; past that,
 * spans were piling up in a queue, which a 30 s trial can hide but an hour cannot.
 */
export const KEPT_UP_WITHIN_S = 6;

/**
 * Waits until Jaeger has stored `expected` spans more than `before`, or its count has not moved for 10 s
 * (then the rest is lost or stuck), then one more push interval so that every hop's counters are in.
 * Returns the counters and how long after the load's end Jaeger had it all (undefined: never).
 */
async function drain(
  pipeline: LocalPipeline,
  before: SpanCounters,
  expected: number,
  loadEnded: number,
): Promise<{ counters: SpanCounters; completeAfterS: number | undefined }> {
  let lastStored = -1;
  let stillSince = Date.now();
  let completeAfterS: number | undefined;
  await pollUntil(
    `Jaeger to store ${expected} spans`,
    async () => {
      const now = difference(await readCounters(pipeline.prometheus), before);
      if (now.stored >= expected) {
        completeAfterS = Math.round((performance.now() - loadEnded) / 100) / 10;
        return true;
      }
      if (now.stored !== lastStored) {
        lastStored = now.stored;
        stillSince = Date.now();
      }
      return Date.now() - stillSince > 10_000 ? true : undefined;
    },
    { timeoutMs: 180_000, intervalMs: 500 },
  );
  await new Promise((resolve) => setTimeout(resolve, 2500));
  return { counters: difference(await readCounters(pipeline.prometheus), before), completeAfterS };
}
