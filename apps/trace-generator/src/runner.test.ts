// The run loop with an injected clock and the SDK's in-memory exporter: pacing as configured, the stop
// conditions, and the summary's accounting. (The real exporter and receiver: export.integration.test.ts.)
import { ExportResultCode } from "@opentelemetry/core";
import type { ReadableSpan, SpanExporter } from "@opentelemetry/sdk-trace";
import { describe, expect, it } from "vitest";
import { parseConfig } from "./config.ts";
import type { Config } from "./config.ts";
import { fakeClock } from "./fake-clock.ts";
import { run } from "./runner.ts";

function config(argv: string[]): Config {
  const parsed = parseConfig(["--stats-interval", "0", "--seed", "21", ...argv], {});
  if (parsed.kind !== "run") throw new Error(JSON.stringify(parsed));
  return parsed.config;
}

/** Keeps what it is given (the SDK's InMemorySpanExporter forgets everything on shutdown). */
function collectingExporter(): SpanExporter & { spans: ReadableSpan[] } {
  const spans: ReadableSpan[] = [];
  return {
    spans,
    export: (batch, done) => {
      spans.push(...batch);
      done({ code: ExportResultCode.SUCCESS });
    },
    shutdown: () => Promise.resolve(),
  };
}

describe("run (virtual clock, in-memory exporter)", () => {
  it.each([
    [5, "60s"],
    [200, "30s"],
  ])("%d traces/s for %s: within 1 percent of rate × duration", async (rate, duration) => {
    const exporter = collectingExporter();
    const summary = await run({
      config: config(["--rate", String(rate), "--duration", duration]),
      exporter,
      clock: fakeClock(),
      log: () => undefined,
    });
    const expected = rate * Number.parseInt(duration, 10);
    expect(Math.abs(summary.traces - expected)).toBeLessThanOrEqual(expected * 0.01 + 1);
    expect(summary).toMatchObject({ stopReason: "duration", dropped: 0, complete: true });
    expect(exporter.spans).toHaveLength(summary.spans);
  });

  it("--rate-unit spans paces spans, whatever the trace sizes", async () => {
    const summary = await run({
      config: config(["--rate", "1000", "--rate-unit", "spans", "--duration", "20s"]),
      exporter: collectingExporter(),
      clock: fakeClock(),
      log: () => undefined,
    });
    // The last trace may overshoot by its own size (at most a handful of spans).
    expect(Math.abs(summary.spans - 20_000)).toBeLessThanOrEqual(200 + 20);
    expect(summary.traces).toBeLessThan(summary.spans);
  });

  it("--count stops after exactly that many traces, with every span exported", async () => {
    const exporter = collectingExporter();
    const summary = await run({
      config: config(["--rate", "0", "--count", "777", "--workers", "3"]),
      exporter,
      log: () => undefined,
    });
    expect(summary).toMatchObject({
      traces: 777,
      stopReason: "count",
      dropped: 0,
      failedExports: 0,
      complete: true,
    });
    expect(new Set(exporter.spans.map((s) => s.spanContext().traceId)).size).toBe(777);
  });

  it("an abort signal stops it and the summary says why", async () => {
    const stop = new AbortController();
    const running = run({
      config: config(["--rate", "100"]),
      exporter: collectingExporter(),
      signal: stop.signal,
      log: () => undefined,
    });
    setTimeout(() => stop.abort(), 300);
    const summary = await running;
    expect(summary.stopReason).toBe("signal");
    expect(summary.traces).toBeGreaterThan(5);
    expect(summary.complete).toBe(true);
  });
});
