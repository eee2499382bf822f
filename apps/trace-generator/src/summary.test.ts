import { describe, expect, it } from "vitest";
import { parseConfig } from "./config.ts";
import { doneLine, summarize, summaryFromOutput } from "./summary.ts";

const parsed = parseConfig(["--seed", "5", "--run-id", "r"], {});
if (parsed.kind !== "run") throw new Error(JSON.stringify(parsed));
const counts = { generated: 300, exported: 290, failed: 20, failedExports: 2, dropped: 10, pending: 0 };

describe("summarize", () => {
  it("accounts from the queue's counts: complete only when every generated span was exported", () => {
    const summary = summarize({
      config: parsed.config,
      stopReason: "count",
      elapsedMs: 1500,
      traces: 30,
      httpErrors: 1,
      counts,
    });
    expect(summary).toMatchObject({
      scenario: "shop",
      seed: 5,
      runAttributes: { "tracegen.run.id": "r" },
      stopReason: "count",
      elapsedSeconds: 1.5,
      traces: 30,
      spans: 300,
      exported: 290,
      failed: 20,
      failedExports: 2,
      dropped: 10,
      httpErrors: 1,
      spansPerSecond: 200,
      complete: false,
    });
    expect(Object.isFrozen(summary)).toBe(true);
    expect(
      summarize({
        config: parsed.config,
        stopReason: "signal",
        elapsedMs: 0,
        traces: 1,
        httpErrors: 0,
        counts: { ...counts, exported: 300 },
      }),
    ).toMatchObject({ complete: true, spansPerSecond: 300_000 });
    expect(doneLine(summary, 1500)).toBe(
      "done in 1.5s: 30 traces, 300 spans generated, 290 exported, 20 in failed exports (2 attempts), 10 dropped, 1 HTTP steps failed; 200 spans/s",
    );
  });
});

describe("summaryFromOutput", () => {
  it("reads the last JSON line after log lines, and nothing from output without one", () => {
    const output = 'log line\n{"spans":1}\nmore log\n{"spans":10,"dropped":0}\n';
    expect(summaryFromOutput(output)).toMatchObject({ spans: 10, dropped: 0 });
    expect(summaryFromOutput("no summary here\n")).toBeUndefined();
  });
});
