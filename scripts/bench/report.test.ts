import { describe, expect, it } from "vitest";
import { reportTable, trialLines, type ConfigurationResult } from "./report.ts";
import type { TrialResult } from "./trial.ts";

const trial = (rate: number, stored: number, latenciesMs: number[] = []): TrialResult => ({
  rate,
  seconds: 30,
  load: { spans: stored, exported: stored, failed: 0, dropped: 0 },
  probes: { sent: latenciesMs.length, latenciesMs, missing: 0 },
  counters: { stored, edgeAccepted: stored, refused: 0, failed: 0 },
  passed: true,
  shortfall: "",
  cpuSeconds: { edge: 15, gateway: 1.5, remote: 9, jaeger: 12, load: 8 },
  rssMiB: { edge: 60, gateway: 85, remote: 58, jaeger: 300, load: 150 },
  completeAfterS: 2.5,
});

const result = (
  id: string,
  title: string,
  best: number | undefined,
  latency?: number[],
): ConfigurationResult => ({
  id,
  title,
  best,
  bestTrial: best === undefined ? undefined : trial(best, best * 30),
  tried:
    best === undefined
      ? [{ rate: 8000, passed: false, shortfall: "12 dropped by the generator" }]
      : [{ rate: best, passed: true, shortfall: "" }],
  latency: latency && trial(5000, 150_000, latency),
  profiles: {},
});

describe("reportTable", () => {
  it("gives ratios to the plaintext baseline, CPU per million spans, and p99 added over the anchor", () => {
    const table = reportTable([
      result("anchor", "anchor", 40_000, [300, 400, 500]),
      result("plaintext", "plaintext", 25_000, [900, 1000, 1100]),
      result("tls-basic", "TLS + basic", 20_000, [1000, 1200, 1450]),
      result("mtls", "mTLS", undefined),
    ]).split("\n");
    expect(table[0]).toContain("latency p50 / p99 ms at 5000 spans/s");
    expect(table[1]).toBe("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
    // 15 CPU s over 20000 × 30 = 600000 spans → 25 s per million.
    expect(table[4]).toBe(
      "| TLS + basic | 20000 | 0.80 | 25.0 / 2.5 / 15.0 / 20.0 | 60 / 85 / 58 / 300 | 1200 / 1450 (n=3) | 950 |",
    );
    expect(table[2]).toContain("| 1.60 |");
    expect(table[2]?.endsWith("| 400 / 500 (n=3) | – |")).toBe(true);
    expect(table[5]).toBe("| mTLS | none | – | – | – | – | – |");
  });

  it("lists every trial of the search, with why a rate failed", () => {
    expect(trialLines([result("mtls", "mTLS", undefined)])).toEqual([
      "mtls: 8000 ✗ (12 dropped by the generator)",
    ]);
  });
});
