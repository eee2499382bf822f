import { describe, expect, it } from "vitest";
import { findMaxRate } from "./rate-search.ts";

/** A pipeline that carries anything up to `limit` spans/s. */
const upTo = (limit: number) => (rate: number) => Promise.resolve(rate <= limit);
const options = { start: 4000, max: 100_000, refine: 3, step: 500 };

describe("findMaxRate", () => {
  it.each([
    // limit, best found, rates tried in order
    [11_000, 11_000, [4000, 8000, 16_000, 12_000, 10_000, 11_000]],
    [5000, 5000, [4000, 8000, 6000, 5000, 5500]],
    // Descends from a failing start; refining stops when the halves round onto a rate already tried.
    [1700, 1500, [4000, 2000, 1000, 1500]],
  ] as const)("limit %i spans/s → %i", async (limit, best, rates) => {
    const result = await findMaxRate(upTo(limit), options);
    expect(result.tried.map((t) => t.rate)).toEqual(rates);
    expect(result.best).toBe(best);
  });

  it("stops climbing at the load source's maximum", async () => {
    const result = await findMaxRate(upTo(1e9), { ...options, max: 20_000 });
    expect(result.tried.map((t) => t.rate)).toEqual([4000, 8000, 16_000, 20_000]);
    expect(result.best).toBe(20_000);
  });

  it("ends at a maximum that is not a multiple of the step (rounded down onto one)", async () => {
    const result = await findMaxRate(upTo(1e9), { ...options, max: 10_200 });
    expect(result.tried.map((t) => t.rate)).toEqual([4000, 8000, 10_000]);
  });

  it("reports no rate when even the smallest step fails", async () => {
    const result = await findMaxRate(upTo(100), options);
    expect(result.best).toBeUndefined();
    expect(result.tried.at(-1)).toEqual({ rate: 500, passed: false });
  });
});
