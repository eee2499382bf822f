// 6. Overload far beyond capacity: both collectors run with a tiny memory limit (MEMORY_LIMIT_MIB, the same
// knob the manifests set from the pod's limit) and the generator sends as fast as it can. The edge
// collector's memory_limiter refuses data, both collectors stay up and healthy, and the generator counts
// the refused exports instead of crashing.
import { describe, expect, it } from "vitest";
import { figures, runGenerator, scrapeMetrics, seconds, useLocalPipeline } from "./helpers.ts";
import { alive } from "../../local/session-file.ts";

const MEMORY_LIMIT_MIB = 10;

describe("local pipeline under overload", () => {
  const local = useLocalPipeline(3, {
    sampleService: false,
    memoryLimitMib: MEMORY_LIMIT_MIB,
  });

  it("refuses data at the memory limit, keeps both collectors up, and the generator reports the refusals", async () => {
    const pids: Record<string, number> = {
      edge: local.pipeline.supervisor.get("edge")!.pid,
      remote: local.pipeline.supervisor.get("remote")!.pid,
    };
    const started = performance.now();
    const summary = await runGenerator(local, {
      scenario: "shop",
      // Traces per second — some 12,000 spans/s, far more than a collector held to 10 MiB absorbs.
      rate: 3000,
      runId: `overload-${Date.now()}`,
      args: ["--duration", "15s", "--workers", "8", "--export-concurrency", "4", "--stats-interval", "5s"],
    });
    const edge = await scrapeMetrics(local.pipeline.plan.edgeMetrics);
    const refusedByLimiter = edge.get("otelcol_processor_memory_limiter_refused_spans") ?? 0;
    const refusedAtReceiver = edge.get("otelcol_receiver_refused_spans") ?? 0;

    const health = async (port: number) => (await fetch(`http://127.0.0.1:${port}/`)).status;
    const edgeHealth = await health(local.pipeline.plan.edgeHealth);
    const remoteHealth = await health(local.pipeline.plan.remoteHealth);
    figures("overload", {
      "memory limit MiB": MEMORY_LIMIT_MIB,
      "spans generated": summary.spans,
      "spans exported": summary.exported,
      "failed export attempts (reported by the generator)": summary.failedExports,
      "spans in failed exports": summary.failed,
      "spans dropped by the generator": summary.dropped,
      "spans refused by the edge memory_limiter": refusedByLimiter,
      "spans refused at the edge receiver": refusedAtReceiver,
      "edge health": edgeHealth,
      "remote health": remoteHealth,
      seconds: seconds(started),
    });
    expect(refusedByLimiter, local.output.dump()).toBeGreaterThan(0);
    expect(summary.failedExports).toBeGreaterThan(0);
    // Still up: the very processes started before the overload (no restart), and healthy.
    for (const name of ["edge", "remote"]) expect(alive(pids[name]!), `${name} is alive`).toBe(true);
    expect(edgeHealth).toBe(200);
    expect(remoteHealth).toBe(200);
  }, 120_000);
});
