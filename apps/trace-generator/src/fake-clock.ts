// Test support for the pacing tests (rate.test.ts, runner.test.ts): time that passes only when code sleeps
// or a test says work took some, so that a minute of pacing runs in milliseconds.
import type { Clock } from "./rate.ts";

/** A clock that starts at `start` ms and moves only when someone sleeps or calls advance(). */
export function fakeClock(start = 0): Clock & { advance(ms: number): void } {
  let now = start;
  return {
    now: () => now,
    sleep: (ms: number) => {
      now += ms;
      return Promise.resolve();
    },
    advance: (ms: number) => {
      now += ms;
    },
  };
}
