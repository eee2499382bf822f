// One run: workers draw traces from the scenario at the configured pace, emit them (simulated, or live
// with real HTTP calls), log stats periodically, and on stop (count, duration or a signal) flush within a
// bounded time and return the summary. The exporter is injectable so tests can use an in-memory one.
import type { SpanExporter } from "@opentelemetry/sdk-trace";
import type { Config } from "./config.ts";
import { formatDuration } from "./duration.ts";
import { ExportQueue } from "./export/export-queue.ts";
import { createTraceExporter } from "./export/otlp-exporter.ts";
import { Generation } from "./generation.ts";
import type { LiveContext } from "./live.ts";
import { systemClock } from "./rate.ts";
import type { Clock } from "./rate.ts";
import { SeededIdGenerator } from "./rng.ts";
import { doneLine, summarize } from "./summary.ts";
import type { StopReason, Summary } from "./summary.ts";
import { createServiceTracers } from "./tracers.ts";

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

type Log = RunOptions["log"];

export async function run(options: RunOptions): Promise<Summary> {
  const { config, log } = options;
  const clock = options.clock ?? systemClock;
  const queue = createExportQueue(config, options.exporter, log);
  const ids = new SeededIdGenerator();
  const tracers = createServiceTracers(config.scenario, config.resource, queue, ids);
  const httpErrors = httpErrorLog(clock, log);
  const live: LiveContext = {
    tracers,
    ids,
    runAttributes: { ...config.runAttributes },
    targetUrl: config.targetUrl,
    httpTimeoutMs: config.httpTimeoutMs,
    onHttpError: httpErrors.report,
  };
  logStart(config, tracers.serviceNames, log);

  const started = clock.now();
  const generation = new Generation({
    config,
    clock,
    wallClock: options.wallClock ?? Date.now,
    signal: options.signal,
    queue,
    live,
    started,
  });
  const statsTimer = startStatsTimer(config, clock, log, queue, generation, started);
  // While every worker waits for the collector (unthrottled mode, collector down), nothing else keeps the
  // process alive — the export queue's retry timer is unref'd so a finished run never waits for it — and
  // Node would exit silently mid-run. This timer keeps the run alive; the duration timer ends the wait.
  const keepAlive = setInterval(() => undefined, 60_000);
  const stopReason = await generation.run();
  clearInterval(statsTimer);

  await flushAndClose(queue, config, clock, log, stopReason, generation.stopDeadline);
  clearInterval(keepAlive);
  const elapsedMs = clock.now() - started;
  const summary = summarize({
    config,
    stopReason,
    elapsedMs,
    traces: generation.traces,
    httpErrors: httpErrors.count(),
    counts: queue.counts(),
  });
  log(doneLine(summary, elapsedMs));
  return summary;
}

function createExportQueue(config: Config, exporter: SpanExporter | undefined, log: Log): ExportQueue {
  let channelGeneration = 0;
  return new ExportQueue({
    exporter: exporter ?? createTraceExporter(config.otlp),
    // An injected exporter (tests) is kept; a real one is replaced by a fresh gRPC channel after failures.
    renewExporter:
      exporter === undefined ? () => createTraceExporter(config.otlp, ++channelGeneration) : undefined,
    maxQueueSize: config.maxQueueSize,
    maxBatchSize: config.batchSize,
    scheduledDelayMs: 200,
    maxConcurrentExports: config.exportConcurrency,
    initialBackoffMs: 1000,
    maxBackoffMs: 10_000,
    destination: config.otlp.destination,
    log,
  });
}

/** Counts failed HTTP steps; logs one line per 5 s at most, so a down service does not flood the log. */
function httpErrorLog(clock: Clock, log: Log): { report: (message: string) => void; count: () => number } {
  let failures = 0;
  let lastLogged = -Infinity;
  return {
    report: (message) => {
      failures++;
      if (clock.now() - lastLogged >= 5000) {
        lastLogged = clock.now();
        log(`HTTP step failed (${failures} so far): ${message}`);
      }
    },
    count: () => failures,
  };
}

function logStart(config: Config, serviceNames: readonly string[], log: Log): void {
  const { scenario } = config;
  const rateText = config.rate === 0 ? "unthrottled" : `${config.rate} ${config.rateUnit}/s`;
  const limits = [
    config.count > 0 ? `${config.count} traces` : "",
    config.durationMs > 0 ? formatDuration(config.durationMs) : "",
  ].filter(Boolean);
  log(
    `scenario ${scenario.name} (${scenario.source}): ${serviceNames.length} services [${serviceNames.join(", ")}]` +
      `${scenario.hasHttpSteps ? `, real HTTP calls to ${config.targetUrl.origin}` : ""}; rate ${rateText}; workers ${config.workers}; ` +
      `until ${limits.length > 0 ? limits.join(" or ") : "stopped"}; seed ${config.seed}${config.seedGiven ? "" : " (random; pass --seed to repeat this run)"}`,
  );
  const headerNames = Object.keys(config.otlp.headers);
  log(
    `exporting OTLP/gRPC to ${config.otlp.destination} (${config.otlp.tls ? "TLS" : "plaintext"}${headerNames.length > 0 ? `, headers: ${headerNames.join(", ")}` : ""})`,
  );
}

function startStatsTimer(
  config: Config,
  clock: Clock,
  log: Log,
  queue: ExportQueue,
  generation: Generation,
  started: number,
): ReturnType<typeof setInterval> | undefined {
  if (config.statsIntervalMs <= 0) return undefined;
  let last = { at: started, generated: 0 };
  const stats = (): string => {
    const c = queue.counts();
    const now = clock.now();
    const rate = ((c.generated - last.generated) * 1000) / Math.max(1, now - last.at);
    last = { at: now, generated: c.generated };
    return `traces=${generation.traces} generated=${c.generated} exported=${c.exported} failed=${c.failed} dropped=${c.dropped} queued=${c.pending} spans/s=${Math.round(rate)}`;
  };
  const timer = setInterval(
    () => log(`stats ${formatDuration(clock.now() - started)}: ${stats()}`),
    config.statsIntervalMs,
  );
  timer.unref();
  return timer;
}

/** Flushes within what is left of the shutdown budget, counts the rest as dropped, closes the exporter. */
async function flushAndClose(
  queue: ExportQueue,
  config: Config,
  clock: Clock,
  log: Log,
  reason: StopReason,
  stopDeadline: number,
): Promise<void> {
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
}
