import { describe, expect, it } from "vitest";
import { result } from "./fixtures.ts";
import { rankingLines, summaryTable, trialLines } from "./report.ts";
import { summarizeRounds } from "./summary.ts";

describe("summaryTable", () => {
  it("gives medians with their range, ratios to the same round's anchor, CPU per million spans, and pooled latency", () => {
    const summary = summarizeRounds([
      [
        result("anchor", "anchor", 40_000, [300, 400, 500]),
        result("tls-basic", "TLS + basic", 20_000, [1000, 1200, 1450]),
        result("mtls", "mTLS", undefined),
      ],
      [
        result("anchor", "anchor", 50_000, [350]),
        result("tls-basic", "TLS + basic", 30_000, [1100]),
        result("mtls", "mTLS", undefined),
      ],
      [
        result("anchor", "anchor", 40_000, [450]),
        result("tls-basic", "TLS + basic", 24_000, [900]),
        result("mtls", "mTLS", undefined),
      ],
    ]);
    const table = summaryTable(summary).split("\n");
    expect(table[0]).toContain("median of 3 rounds (min–max)");
    expect(table[0]).toContain("latency p50 / p99 ms at 5000 spans/s");
    expect(table[1]).toBe("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    expect(table[2]).toBe(
      "| anchor | 40000 (40000–50000) | 1.00 | 12.5 / 1.3 / 7.5 / 10.0 | – / 120 | 60 / 85 / 58 / 300 | 400 / 500 (n=5) | – |",
    );
    // Ratios per round: 0.5, 0.6, 0.6. 15 CPU s over 24000 × 30 spans → 20.8 s per million (the median).
    // Pooled probes 900, 1000, 1100, 1200, 1450: p99 1450 over the anchor's 500.
    expect(table[3]).toBe(
      "| TLS + basic | 24000 (20000–30000) | 0.60 (0.50–0.60) | 20.8 / 2.1 / 12.5 / 16.7 | 90 / 120 | 60 / 85 / 58 / 300 | 1100 / 1450 (n=5) | 2.90× |",
    );
    expect(table[4]).toBe("| mTLS | none | – | – | – | – | – | – |");
    expect(rankingLines(summary)).toEqual(["anchor carried more than TLS + basic in every round"]);
  });

  it("says in how many rounds a rate was found, and what the latency trials lost", () => {
    const lossy = { ...result("tls-basic", "TLS + basic", 20_000, [1000]) };
    const failed = {
      ...lossy,
      latency: { ...lossy.latency!, passed: false, probes: { ...lossy.latency!.probes, missing: 2 } },
    };
    const summary = summarizeRounds([
      [result("anchor", "anchor", 40_000, [300]), failed],
      [result("anchor", "anchor", 40_000, [300]), result("tls-basic", "TLS + basic", undefined)],
    ]);
    const row = summaryTable(summary).split("\n")[3]!;
    expect(row).toContain("| 20000, found in 1 of 2 rounds | 0.50 |");
    // A latency trial that lost spans keeps its probes, but no ratio to the anchor is claimed from it.
    expect(row.endsWith("| 1000 / 1000 (n=1, 2 missing, 1 trial(s) lost spans) | – |")).toBe(true);
  });

  it("says one round when there is one", () => {
    expect(summaryTable(summarizeRounds([[result("anchor", "anchor", 40_000)]]))).toContain(
      "with zero loss, one round |",
    );
  });

  it("lists every trial of the search, with why a rate failed", () => {
    expect(trialLines([result("mtls", "mTLS", undefined)], 2)).toEqual([
      "round 2, mtls: 8000 ✗ (12 dropped by the generator)",
    ]);
  });
});
