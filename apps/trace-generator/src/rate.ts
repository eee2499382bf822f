// Pacing by virtual scheduling: each unit (a trace, or a span) is due 1/rate after the previous one.
// reserve() books the next `units` and says how long to wait for them, so the long-run count after T
// seconds is rate × T however uneven the trace sizes are. After a stall (a long GC, a slow HTTP call) the
// schedule may run at most `burstMs` behind the clock: the generator catches up that much, not a flood.

export interface Clock {
  /** Milliseconds on a monotonic clock. */
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = Object.freeze({
  now: () => performance.now(),
  sleep: (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
});

export class Pacer {
  readonly #intervalMs: number;
  readonly #burstMs: number;
  readonly #clock: Clock;
  #next: number;

  /** `ratePerSecond` > 0 units per second. */
  constructor(ratePerSecond: number, clock: Clock, burstMs = 100) {
    this.#intervalMs = 1000 / ratePerSecond;
    this.#burstMs = burstMs;
    this.#clock = clock;
    this.#next = clock.now();
  }

  /** Books `units` and returns how many milliseconds to wait before using them (0: go now). */
  reserve(units: number): number {
    const now = this.#clock.now();
    if (this.#next < now - this.#burstMs) this.#next = now - this.#burstMs;
    const due = this.#next;
    this.#next += units * this.#intervalMs;
    return Math.max(0, due - now);
  }
}
