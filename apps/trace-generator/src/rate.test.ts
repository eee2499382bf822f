import { describe, expect, it } from "vitest";
import { fakeClock } from "./fake-clock.ts";
import { Pacer } from "./rate.ts";
import type { Clock } from "./rate.ts";

async function drive(
  pacer: Pacer,
  clock: Clock,
  seconds: number,
  unitsPerItem: () => number,
  workMs = 0,
): Promise<number> {
  const end = clock.now() + seconds * 1000;
  let units = 0;
  for (;;) {
    const n = unitsPerItem();
    const wait = pacer.reserve(n);
    if (wait > 0) await clock.sleep(wait);
    if (clock.now() >= end) return units;
    units += n;
    if (workMs > 0) await clock.sleep(workMs);
  }
}

// Tolerance: within 1 % of rate × time (plus one item) over the measured span.
describe("Pacer", () => {
  it.each([1, 10, 333, 5000, 50_000])("holds %d units/s over 60 s of fake time within 1 %%", async (rate) => {
    const clock = fakeClock(1_000);
    const units = await drive(new Pacer(rate, clock), clock, 60, () => 1);
    expect(Math.abs(units - rate * 60)).toBeLessThanOrEqual(rate * 60 * 0.01 + 1);
  });

  it("counts spans, not traces, when traces vary in size", async () => {
    const clock = fakeClock(1_000);
    const sizes = [1, 7, 3, 12, 5];
    let i = 0;
    const spans = await drive(new Pacer(2000, clock), clock, 30, () => sizes[i++ % sizes.length]!);
    expect(Math.abs(spans - 60_000)).toBeLessThanOrEqual(600 + 12);
  });

  it("catches up at most burstMs after a stall instead of flooding", () => {
    const clock = fakeClock(1_000);
    const pacer = new Pacer(100, clock, 100);
    pacer.reserve(1);
    clock.advance(5_000); // a 5 s stall: 500 units "owed"
    let immediate = 0;
    while (pacer.reserve(1) === 0) immediate++;
    expect(immediate).toBe(11); // 100 ms worth at 100/s (+ the one due now)
  });

  it("goes no faster than the rate when work takes time", async () => {
    const clock = fakeClock(1_000);
    const units = await drive(new Pacer(100, clock), clock, 10, () => 1, 5);
    expect(Math.abs(units - 1000)).toBeLessThanOrEqual(11);
  });
});
