// The span processor between the SDK and the OTLP exporter. Unlike the SDK's BatchSpanProcessor, its drop
// policy is explicit and every span is accounted for: a bounded queue that refuses new spans when full
// (counted as dropped), batches exported with limited concurrency, and on failure the batch goes back to
// the head of the queue and exporting pauses with exponential backoff — so a collector that is down at
// start or goes away later costs queue space, never a crash, and the outage is logged once, not per span.
import { ExportResultCode } from "@opentelemetry/core";
import type { ReadableSpan, SpanExporter, SpanProcessor } from "@opentelemetry/sdk-trace";
import { formatDuration } from "../duration.ts";

/** From this many failures in a row on, every retry goes through a fresh exporter (see renewExporter). */
const RENEW_AFTER_FAILURES = 2;

/** While flushing at shutdown, retry at least this often: the time left is short. */
const FLUSH_BACKOFF_MS = 1000;

export interface ExportQueueOptions {
  readonly exporter: SpanExporter;
  /**
   * Makes a fresh exporter (a new gRPC channel). After repeated failures each retry uses one, because a
   * channel that has failed for a while waits out gRPC's own reconnect backoff (grpc-js: up to 120 s)
   * before it dials again, which would leave a returning collector unused for minutes.
   */
  readonly renewExporter?: () => SpanExporter;
  /** Spans held at most (waiting + being retried). */
  readonly maxQueueSize: number;
  readonly maxBatchSize: number;
  /** A partial batch waits at most this long. */
  readonly scheduledDelayMs: number;
  readonly maxConcurrentExports: number;
  readonly initialBackoffMs: number;
  readonly maxBackoffMs: number;
  /** Where the spans go, for log lines. */
  readonly destination: string;
  readonly log: (line: string) => void;
}

export interface ExportCounts {
  /** Spans the SDK handed over. */
  readonly generated: number;
  /** Spans the receiver acknowledged. */
  readonly exported: number;
  /** Spans in export attempts that failed (they are retried, so one span can count more than once). */
  readonly failed: number;
  /** Failed export attempts. */
  readonly failedExports: number;
  /** Spans given up on: refused because the queue was full, or still unsent when the flush time ran out. */
  readonly dropped: number;
  /** Spans waiting or in flight right now. */
  readonly pending: number;
}

export class ExportQueue implements SpanProcessor {
  readonly #options: ExportQueueOptions;
  #exporter: SpanExporter;
  #queue: ReadableSpan[] = [];
  #inFlight = 0;
  #inFlightSpans = 0;
  #timer: NodeJS.Timeout | undefined;
  #pausedUntil = 0;
  #resumeTimer: NodeJS.Timeout | undefined;
  #consecutiveFailures = 0;
  #outageStartedAt = 0;
  #droppedInOutage = 0;
  #closed = false;
  #flushing = false;
  #waiters: (() => void)[] = [];
  #counts = { generated: 0, exported: 0, failed: 0, failedExports: 0, dropped: 0 };

  constructor(options: ExportQueueOptions) {
    this.#options = options;
    this.#exporter = options.exporter;
  }

  counts(): ExportCounts {
    return { ...this.#counts, pending: this.#queue.length + this.#inFlightSpans };
  }

  /** Room left in the queue before new spans are dropped. */
  freeCapacity(): number {
    return this.#options.maxQueueSize - this.#queue.length - this.#inFlightSpans;
  }

  /**
   * Resolves when at most `spans` are waiting or in flight (or the queue is closed). Unthrottled
   * generation waits on this with a small backlog target: enough to keep every export slot busy, and no
   * more, so memory stays flat however fast spans are made.
   */
  async waitForBacklog(spans: number): Promise<void> {
    while (!this.#closed && this.#queue.length + this.#inFlightSpans > spans) {
      await new Promise<void>((resolve) => this.#waiters.push(resolve));
    }
  }

  onStart(): void {}

  onEnd(span: ReadableSpan): void {
    if (this.#closed) return;
    this.#counts.generated++;
    if (this.freeCapacity() <= 0) {
      this.#counts.dropped++;
      this.#droppedInOutage++;
      return;
    }
    this.#queue.push(span);
    this.#pump();
  }

  #pump(): void {
    if (this.#closed) return;
    const now = Date.now();
    if (now < this.#pausedUntil) return;
    // While the receiver is failing, probe with one export at a time.
    const concurrency = this.#consecutiveFailures > 0 ? 1 : this.#options.maxConcurrentExports;
    while (this.#inFlight < concurrency && this.#queue.length >= this.#options.maxBatchSize)
      this.#exportBatch();
    if (this.#flushing) {
      while (this.#inFlight < concurrency && this.#queue.length > 0) this.#exportBatch();
      return;
    }
    if (this.#queue.length > 0 && this.#inFlight < concurrency && this.#timer === undefined) {
      this.#timer = setTimeout(() => {
        this.#timer = undefined;
        if (this.#inFlight < concurrency && this.#queue.length > 0) this.#exportBatch();
        this.#pump();
      }, this.#options.scheduledDelayMs);
      this.#timer.unref();
    }
  }

  #exportBatch(): void {
    const batch = this.#queue.splice(0, this.#options.maxBatchSize);
    this.#inFlight++;
    this.#inFlightSpans += batch.length;
    let settled = false;
    const done = (ok: boolean, error?: Error): void => {
      if (settled) return;
      settled = true;
      this.#inFlight--;
      this.#inFlightSpans -= batch.length;
      if (this.#closed) return; // already accounted for as dropped when the flush time ran out
      if (ok) this.#onSuccess(batch.length);
      else this.#onFailure(batch, error);
      this.#notify();
      this.#pump();
    };
    try {
      this.#exporter.export(batch, (result) => done(result.code === ExportResultCode.SUCCESS, result.error));
    } catch (error) {
      done(false, error instanceof Error ? error : new Error(String(error)));
    }
  }

  #onSuccess(spans: number): void {
    this.#counts.exported += spans;
    if (this.#consecutiveFailures > 0) {
      const took = formatDuration(Date.now() - this.#outageStartedAt);
      const dropped =
        this.#droppedInOutage > 0
          ? `; ${this.#droppedInOutage} spans were dropped meanwhile (queue full)`
          : "";
      this.#options.log(`export to ${this.#options.destination} recovered after ${took}${dropped}`);
    }
    this.#consecutiveFailures = 0;
  }

  #onFailure(batch: ReadableSpan[], error: Error | undefined): void {
    this.#counts.failed += batch.length;
    this.#counts.failedExports++;
    if (this.#consecutiveFailures === 0) {
      this.#outageStartedAt = Date.now();
      this.#droppedInOutage = 0;
    }
    this.#consecutiveFailures++;
    // Back to the head of the queue, keeping order; what no longer fits is dropped (newest first).
    this.#queue.unshift(...batch);
    const over = this.#queue.length + this.#inFlightSpans - this.#options.maxQueueSize;
    if (over > 0) {
      this.#queue.splice(this.#queue.length - over, over);
      this.#counts.dropped += over;
      this.#droppedInOutage += over;
    }
    const backoff = Math.min(
      this.#options.initialBackoffMs * 2 ** (this.#consecutiveFailures - 1),
      this.#flushing ? FLUSH_BACKOFF_MS : this.#options.maxBackoffMs,
    );
    this.#pausedUntil = Date.now() + backoff;
    if (this.#consecutiveFailures >= RENEW_AFTER_FAILURES && this.#options.renewExporter !== undefined) {
      const old = this.#exporter;
      this.#exporter = this.#options.renewExporter();
      old.shutdown().catch(() => undefined);
    }
    this.#options.log(
      `export to ${this.#options.destination} failed (${describeError(error)}); ` +
        `${this.#queue.length} spans queued, ${this.#counts.dropped} dropped so far; retrying in ${formatDuration(backoff)} (attempt ${this.#consecutiveFailures})`,
    );
    clearTimeout(this.#resumeTimer);
    this.#resumeTimer = setTimeout(() => this.#pump(), backoff);
    this.#resumeTimer.unref();
  }

  #notify(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const wake of waiters) wake();
  }

  /**
   * Exports everything queued until done or `timeoutMs` has passed. Partial batches go at once and the
   * retry backoff is capped at FLUSH_BACKOFF_MS, so a collector that comes back during the flush is used.
   */
  async flush(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    this.#flushing = true;
    if (this.#pausedUntil > Date.now() + FLUSH_BACKOFF_MS) this.#pausedUntil = Date.now() + FLUSH_BACKOFF_MS;
    try {
      while (this.#queue.length + this.#inFlightSpans > 0 && Date.now() < deadline && !this.#closed) {
        this.#pump();
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, Math.max(1, Math.min(50, deadline - Date.now())));
          this.#waiters.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
    } finally {
      this.#flushing = false;
    }
    return this.#queue.length + this.#inFlightSpans === 0;
  }

  forceFlush(): Promise<void> {
    return this.flush(30_000).then(() => undefined);
  }

  /** Stops accepting spans; whatever is still unsent counts as dropped. Does not wait for the network. */
  close(): void {
    if (this.#closed) return;
    const unsent = this.#queue.length + this.#inFlightSpans;
    this.#counts.dropped += unsent;
    this.#queue = [];
    this.#closed = true;
    clearTimeout(this.#timer);
    clearTimeout(this.#resumeTimer);
    this.#notify();
  }

  async shutdown(): Promise<void> {
    this.close();
    await this.#exporter.shutdown();
  }
}

function describeError(error: Error | undefined): string {
  if (!error) return "unknown error";
  // grpc-js appends an empty "Resolution note:" to connection errors.
  return (error.message.split("\n")[0] ?? error.name).replace(/\.?\s*Resolution note:\s*$/, "");
}
