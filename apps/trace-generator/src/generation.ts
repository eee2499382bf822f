// The generating half of a run: workers draw trace n from (seed, n), keep the configured pace (or, when
// unthrottled, wait for room in the exporter), and emit each trace simulated or live, until a stop
// condition holds: a signal, the duration or the count.
import { setImmediate as yieldToEventLoop } from "node:timers/promises";
import type { Config } from "./config.ts";
import type { ExportQueue } from "./export/export-queue.ts";
import { runLiveTrace } from "./live.ts";
import type { LiveContext } from "./live.ts";
import { planTrace } from "./plan.ts";
import type { PlannedTrace } from "./plan.ts";
import { Pacer } from "./rate.ts";
import type { Clock } from "./rate.ts";
import { rngFor } from "./rng.ts";
import { simulateTrace } from "./simulate.ts";
import type { StopReason } from "./summary.ts";

/** Synchronous generation gives the event loop a turn this often, so exports and timers keep running. */
const BUSY_SLICE_MS = 8;

export interface GenerationOptions {
  readonly config: Config;
  readonly clock: Clock;
  /** Wall clock for span timestamps (ms since the epoch). */
  readonly wallClock: () => number;
  readonly signal: AbortSignal | undefined;
  readonly queue: ExportQueue;
  readonly live: LiveContext;
  /** clock.now() when the run started: --duration counts from here. */
  readonly started: number;
}

export class Generation {
  readonly #o: GenerationOptions;
  readonly #aborted: Promise<void>;
  readonly #pacer: Pacer | undefined;
  /** Unthrottled: keep every export slot busy plus one batch ready, never more (and never a drop). */
  readonly #unthrottledBacklog: number;
  /** Set by run(): until then there is no duration to be over. */
  #durationOver: Promise<void> = new Promise<void>(() => undefined);
  #nextIndex = 0;
  #traces = 0;
  #stopDeadline = Infinity;
  #stopReason: StopReason | undefined;

  constructor(options: GenerationOptions) {
    const { config, clock, signal } = options;
    this.#o = options;
    this.#aborted = new Promise<void>((resolve) => {
      if (signal?.aborted) resolve();
      signal?.addEventListener("abort", () => resolve(), { once: true });
    });
    this.#pacer = config.rate > 0 ? new Pacer(config.rate, clock) : undefined;
    this.#unthrottledBacklog = Math.min(
      config.batchSize * (config.exportConcurrency + 1),
      config.maxQueueSize,
    );
  }

  /** Traces started so far, across all workers. */
  get traces(): number {
    return this.#traces;
  }

  /** After a signal, traces in progress (live HTTP steps) and the flush share one shutdown budget. */
  get stopDeadline(): number {
    return this.#stopDeadline;
  }

  /** Runs the workers until a stop condition holds (or the shutdown budget is half spent after a signal). */
  async run(): Promise<StopReason> {
    const { config, clock } = this.#o;
    let durationTimer: ReturnType<typeof setTimeout> | undefined;
    this.#durationOver = new Promise<void>((resolve) => {
      if (config.durationMs > 0) durationTimer = setTimeout(resolve, config.durationMs);
    });
    const workers = Array.from({ length: config.workers }, () => this.#worker());
    void this.#aborted.then(() => (this.#stopDeadline = clock.now() + config.shutdownTimeoutMs));
    await Promise.race([
      Promise.all(workers),
      this.#aborted.then(() => clock.sleep(config.shutdownTimeoutMs / 2)),
    ]);
    this.#shouldStop();
    clearTimeout(durationTimer);
    return this.#stopReason ?? "signal";
  }

  #shouldStop(): boolean {
    if (this.#stopReason !== undefined) return true;
    const { config, clock, signal, started } = this.#o;
    if (signal?.aborted) this.#stopReason = "signal";
    else if (config.durationMs > 0 && clock.now() - started >= config.durationMs)
      this.#stopReason = "duration";
    else if (config.count > 0 && this.#nextIndex >= config.count) this.#stopReason = "count";
    return this.#stopReason !== undefined;
  }

  async #worker(): Promise<void> {
    const { config, clock, live, wallClock } = this.#o;
    const scenario = config.scenario;
    let sliceStart = clock.now();
    while (!this.#shouldStop()) {
      const index = this.#nextIndex++;
      const rng = rngFor(config.seed, index);
      const planned = planTrace(rng, scenario);
      // No await unless there is something to wait for: synchronous generation runs in slices.
      const waiting = this.#waitForTurn(planned);
      if (waiting !== undefined) {
        const turn = await waiting;
        if (turn === "stop") break;
        if (turn === "paced") sliceStart = clock.now();
      }
      this.#traces++;
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
  }

  /**
   * Undefined when the trace may go at once; otherwise the wait: the pacer's when paced, until the
   * exporter has room when unthrottled. Either ends early on a signal.
   */
  #waitForTurn(planned: PlannedTrace): Promise<"paced" | "unthrottled" | "stop"> | undefined {
    const { config, clock, queue, signal } = this.#o;
    if (this.#pacer !== undefined) {
      const wait = this.#pacer.reserve(config.rateUnit === "spans" ? planned.spanCount : 1);
      if (wait <= 0) return undefined;
      return Promise.race([clock.sleep(wait), this.#aborted]).then(() => {
        if (!signal?.aborted) return "paced";
        this.#stopReason = "signal";
        return "stop";
      });
    }
    if (queue.counts().pending <= this.#unthrottledBacklog) return undefined;
    return Promise.race([
      queue.waitForBacklog(this.#unthrottledBacklog),
      this.#aborted,
      this.#durationOver,
    ]).then(() => (signal?.aborted || this.#shouldStop() ? "stop" : "unthrottled"));
  }
}
