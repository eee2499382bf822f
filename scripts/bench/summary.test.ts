import { describe, expect, it } from "vitest";
import { result } from "./fixtures.ts";
import { spread, summarizeRounds } from "./summary.ts";

describe("spread", () => {
  it.each([
    [[], undefined],
    [[5], { median: 5, min: 5, max: 5 }],
    [[3, 1, 2], { median: 2, min: 1, max: 3 }],
    // An even count takes the lower middle: a median that was measured, never an average of two.
    [[4, 1, 3, 2], { median: 2, min: 1, max: 4 }],
  ])("%j → %j", (values, expected) => {
    expect(spread(values)).toEqual(expected);
  });
});

describe("summarizeRounds: rankings", () => {
  const rounds = (a: number[], b: number[], c: number[]) =>
    a.map((_, i) => [
      result("anchor", "anchor", a[i]),
      result("plaintext", "plaintext", b[i]),
      result("tls-basic", "TLS + basic", c[i]),
    ]);

  it.each([
    ["an order that held in every round", rounds([60, 61, 59], [44, 45, 43], [40, 41, 42]), [true, true]],
    [
      "medians apart, but one round reversed them",
      rounds([60, 61, 59], [44, 40, 45], [42, 43, 41]),
      [true, false],
    ],
    ["a tie is no ranking", rounds([60, 61, 59], [44, 44, 44], [44, 43, 44]), [true, false]],
  ])("%s", (_, data, expected) => {
    const summary = summarizeRounds(data);
    expect(summary.rankings.map((r) => [r.higher, r.lower])).toEqual([
      ["anchor", "plaintext"],
      ["plaintext", "tls-basic"],
    ]);
    expect(summary.rankings.map((r) => r.inEveryRound)).toEqual(expected);
  });

  it("a round where a configuration found no rate counts against it", () => {
    const summary = summarizeRounds([
      [result("anchor", "anchor", 60), result("mtls", "mTLS", 40)],
      [result("anchor", "anchor", 60), result("mtls", "mTLS", undefined)],
      [result("anchor", "anchor", 60), result("mtls", "mTLS", 50)],
    ]);
    const mtls = summary.configurations.find((s) => s.id === "mtls")!;
    expect(mtls.bests).toEqual([40, null, 50]);
    expect(mtls.maxRate).toEqual({ median: 40, min: 40, max: 50 });
    expect(summary.rankings).toEqual([{ higher: "anchor", lower: "mtls", inEveryRound: true }]);
  });
});
