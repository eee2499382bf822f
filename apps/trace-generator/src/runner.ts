// One run: workers draw traces from the scenario at the configured pace, emit them (simulated, or live
// with real HTTP calls), log stats periodically, and on stop (count, duration or a signal) flush within a
// bounded time and return the summary. The exporter is injectable so tests can use an in-memory one.
import type { Attributes } from "@opentelemetry/api";
import type { SpanExporter } from "@opentelemetry/sdk-trace";
import { setImmediate as yieldToEventLoop } from "node:timers/promises";
import type { Config } from "./config.ts";
import { formatDuration } from "./duration.ts";
import { ExportQueue } from "./export/export-queue.ts";
import { createTraceExporter } from "./export/otlp-settings.ts";
import { runLiveTrace } from "./live.ts";
import { planTrace } from "./plan.ts";
import { Pacer, systemClock } from "./rate.ts";
import type { Clock } from "./rate.ts";
import { rngFor, SeededIdGenerator } from "./rng.ts";
import { simulateTrace } from "./simulate.ts";
import { createServiceTracers } from "./tracers.ts";

export type StopReason = "count" | "duration" | "signal";

/** The final summary: printed as the last stdout line (JSON) and written to --summary-json. */
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

export interface RunOptions {
  readonly config: Config;
  readonly log: (line: string) => void;
  /** Stops generating when aborted (SIGTERM/SIGINT). */
  readonly signal?: AbortSignal;
  readonly exporter?: SpanExporter;
  readonly clock?: Clock;
  /** Wall clock for span timestamps (ms since the epoch). */
  readonly wallClock?: () => number;
}

/** Synchronous generation gives the event loop a turn this often, so exports and timers keep running. */
const BUSY_SLICE_MS = 8;

export async function run(options: RunOptions): Promise<Summary> {
  const { config, log } = options;
  const clock = options.clock ?? systemClock;
  const wallClock = options.wallClock ?? Date.now;
  const scenario = config.scenario;
  let channelGeneration = 0;
  const queue = new ExportQueue({
    exporter: options.exporter ?? createTraceExporter(config.otlp),
    renewExporter:
      options.exporter === undefined
        ? () => createTraceExporter(config.otlp, ++channelGeneration)
        : undefined,
    maxQueueSize: config.maxQueueSize,
    maxBatchSize: config.batchSize,
    scheduledDelayMs: 200,
    maxConcurrentExports: config.exportConcurrency,
    initialBackoffMs: 1000,
    maxBackoffMs: 10_000,
    destination: config.otlp.destination,
    log,
  });
  const ids = new SeededIdGenerator();
  const tracers = createServiceTracers(scenario, config.resource, queue, ids);
  const runAttributes: Attributes = { ...config.runAttributes };
  let httpErrors = 0;
  let lastHttpErrorLog = -Infinity;
  const live = {
    tracers,
    ids,
    runAttributes,
    targetUrl: config.targetUrl,
    httpTimeoutMs: config.httpTimeoutMs,
    onHttpError: (message: string) => {
      httpErrors++;
      // One line per 5 s at most: a down service must not flood the log.
      if (clock.now() - lastHttpErrorLog >= 5000) {
        lastHttpErrorLog = clock.now();
        log(`HTTP step failed (${httpErrors} so far): ${message}`);
      }
    },
  };

  const rateText = config.rate === 0 ? "unthrottled" : `${config.rate} ${config.rateUnit}/s`;
  const limits = [
    config.count > 0 ? `${config.count} traces` : "",
    config.durationMs > 0 ? formatDuration(config.durationMs) : "",
  ].filter(Boolean);
  log(
    `scenario ${scenario.name} (${scenario.source}): ${tracers.serviceNames.length} services [${tracers.serviceNames.join(", ")}]` +
      `${scenario.hasHttpSteps ? `, real HTTP calls to ${config.targetUrl.origin}` : ""}; rate ${rateText}; workers ${config.workers}; ` +
      `until ${limits.length > 0 ? limits.join(" or ") : "stopped"}; seed ${config.seed}${config.seedGiven ? "" : " (random; pass --seed to repeat this run)"}`,
  );
  const headerNames = Object.keys(config.otlp.headers);
  log(
    `exporting OTLP/gRPC to ${config.otlp.destination} (${config.otlp.tls ? "TLS" : "plaintext"}${headerNames.length > 0 ? `, headers: ${headerNames.join(", ")}` : ""})`,
  );

  const started = clock.now();
  let traces = 0;
  let nextIndex = 0;
  let stopReason: StopReason | undefined;
  const aborted = new Promise<void>((resolve) => {
    if (options.signal?.aborted) resolve();
    options.signal?.addEventListener("abort", () => resolve(), { once: true });
  });
  const shouldStop = (): boolean => {
    if (stopReason !== undefined) return true;
    if (options.signal?.aborted) stopReason = "signal";
    else if (config.durationMs > 0 && clock.now() - started >= config.durationMs) stopReason = "duration";
    else if (config.count > 0 && nextIndex >= config.count) stopReason = "count";
    return stopReason !== undefined;
  };
  const pacer = config.rate > 0 ? new Pacer(config.rate, clock) : undefined;
  // Unthrottled: keep every export slot busy plus one batch ready, never more (and never a drop).
  const unthrottledBacklog = Math.min(config.batchSize * (config.exportConcurrency + 1), config.maxQueueSize);

  let lastStats = { at: started, generated: 0 };
  const stats = (): string => {
    const c = queue.counts();
    const now = clock.now();
    const rate = ((c.generated - lastStats.generated) * 1000) / Math.max(1, now - lastStats.at);
    lastStats = { at: now, generated: c.generated };
    return `traces=${traces} generated=${c.generated} exported=${c.exported} failed=${c.failed} dropped=${c.dropped} queued=${c.pending} spans/s=${Math.round(rate)}`;
  };
  const statsTimer =
    config.statsIntervalMs > 0
      ? setInterval(
          () => log(`stats ${formatDuration(clock.now() - started)}: ${stats()}`),
          config.statsIntervalMs,
        )
      : undefined;
  statsTimer?.unref();

  // While every worker waits for the collector (unthrottled mode, collector down), nothing else keeps the
  // process alive — the export queue's retry timer is unref'd so a finished run never waits for it — and
  // Node would exit silently mid-run. This timer keeps the run alive; the duration timer ends the wait.
  const keepAlive = setInterval(() => undefined, 60_000);
  let durationTimer: ReturnType<typeof setTimeout> | undefined;
  const durationOver = new Promise<void>((resolve) => {
    if (config.durationMs > 0) durationTimer = setTimeout(resolve, config.durationMs);
  });

  const worker = async (): Promise<void> => {
    let sliceStart = clock.now();
    while (!shouldStop()) {
      const index = nextIndex++;
      const rng = rngFor(config.seed, index);
      const planned = planTrace(rng, scenario);
      if (pacer !== undefined) {
        const wait = pacer.reserve(config.rateUnit === "spans" ? planned.spanCount : 1);
        if (wait > 0) {
          await Promise.race([clock.sleep(wait), aborted]);
          sliceStart = clock.now();
          if (options.signal?.aborted) {
            stopReason = "signal";
            break;
          }
        }
      } else if (queue.counts().pending > unthrottledBacklog) {
        await Promise.race([queue.waitForBacklog(unthrottledBacklog), aborted, durationOver]);
        if (options.signal?.aborted || shouldStop()) break;
      }
      traces++;
      if (scenario.hasHttpSteps) {
        await runLiveTrace(planned, rng, live);
        sliceStart = clock.now();
      } else {
        simulateTrace(planned, rng, live, wallClock());
        if (clock.now() - sliceStart >= BUSY_SLICE_MS) {
          await yieldToEventLoop();
          sliceStart = clock.now();
        }
      }
    }
  };
  const workers = Array.from({ length: config.workers }, () => worker());
  // After a signal, traces in progress (live HTTP steps) and the flush share one shutdown budget.
  let stopDeadline = Infinity;
  void aborted.then(() => (stopDeadline = clock.now() + config.shutdownTimeoutMs));
  await Promise.race([Promise.all(workers), aborted.then(() => clock.sleep(config.shutdownTimeoutMs / 2))]);
  shouldStop();
  const reason: StopReason = stopReason ?? "signal";
  clearInterval(statsTimer);
  clearTimeout(durationTimer);

  const before = queue.counts();
  const flushBudgetMs = Math.max(0, Math.min(config.shutdownTimeoutMs, stopDeadline - clock.now()));
  log(
    `stopping (${reason === "signal" ? "signal received" : `${reason} reached`}): flushing ${before.pending} spans, for at most ${formatDuration(flushBudgetMs)}`,
  );
  const flushed = await queue.flush(flushBudgetMs);
  if (!flushed) log(`flush time ran out with ${queue.counts().pending} spans unsent: counted as dropped`);
  queue.close();
  // The exporter's own shutdown waits for in-flight calls; don't let a dead collector hold the exit.
  await Promise.race([queue.shutdown().catch(() => undefined), clock.sleep(2000)]);

  clearInterval(keepAlive);
  const elapsedMs = clock.now() - started;
  const c = queue.counts();
  const summary: Summary = Object.freeze({
    scenario: scenario.name,
    seed: config.seed,
    runAttributes: config.runAttributes,
    stopReason: reason,
    elapsedSeconds: Math.round(elapsedMs) / 1000,
    traces,
    spans: c.generated,
    exported: c.exported,
    failed: c.failed,
    failedExports: c.failedExports,
    dropped: c.dropped,
    httpErrors,
    spansPerSecond: Math.round((c.generated * 1000) / Math.max(1, elapsedMs)),
    complete: c.exported === c.generated,
    maxRssMiB: Math.round(process.resourceUsage().maxRSS / 102.4) / 10,
  });
  log(
    `done in ${formatDuration(elapsedMs)}: ${summary.traces} traces, ${summary.spans} spans generated, ${summary.exported} exported, ` +
      `${summary.failed} in failed exports (${summary.failedExports} attempts), ${summary.dropped} dropped` +
      `${httpErrors > 0 ? `, ${httpErrors} HTTP steps failed` : ""}; ${summary.spansPerSecond} spans/s`,
  );
  return summary;
}
