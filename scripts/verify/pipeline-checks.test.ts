// The pass/fail logic on traces shaped like Jaeger's API answers. Against a real Jaeger it runs in
// scripts/suites/local/happy-path.test.ts.
import { describe, expect, it } from "vitest";
import type { JaegerTrace } from "../lib/jaeger-client.ts";
import { evaluatePipeline, expectations, formatRows } from "./pipeline-checks.ts";

type Tags = Record<string, string>;
const kv = (tags: Tags) => Object.entries(tags).map(([key, value]) => ({ key, type: "string", value }));

/** A trace: generator client span → sample-service server span, each from its own process. */
function joinedTrace(id: string, generatorTags: Tags, serviceTags: Tags): JaegerTrace {
  return {
    traceID: id,
    processes: {
      p1: { serviceName: "trace-generator", tags: kv(generatorTags) },
      p2: { serviceName: "sample-service", tags: kv(serviceTags) },
    },
    spans: [
      {
        traceID: id,
        spanID: "a1",
        operationName: "POST",
        references: [],
        startTime: 1,
        duration: 5,
        tags: [],
        processID: "p1",
      },
      {
        traceID: id,
        spanID: "b2",
        operationName: "POST /api/checkout",
        references: [{ refType: "CHILD_OF", traceID: id, spanID: "a1" }],
        startTime: 2,
        duration: 3,
        tags: [],
        processID: "p2",
      },
    ],
  };
}

const edge = { "k8s.cluster.name": "edge" };

describe("evaluatePipeline", () => {
  it("passes when both apps, the cluster name and the generator → sample-service edge are there", () => {
    const trace = joinedTrace("t1", edge, edge);
    const rows = evaluatePipeline(expectations({ podMetadata: false }), {
      services: ["sample-service", "trace-generator"],
      traces: new Map([
        ["sample-service", [trace]],
        ["trace-generator", [trace]],
      ]),
    });
    console.log(formatRows(rows));
    expect(rows.every((row) => row.ok)).toBe(true);
    expect(rows.map((row) => row.check)).toEqual([
      "service sample-service in Jaeger",
      "service trace-generator in Jaeger",
      "sample-service: k8s.cluster.name=edge",
      "trace-generator: k8s.cluster.name=edge",
      "edge trace-generator → sample-service",
    ]);
    expect(rows.at(-1)!.detail).toBe('trace t1: "POST" → "POST /api/checkout"');
  });

  it("fails each row for its own reason: missing service, wrong cluster, missing pod metadata, no edge", () => {
    const unlinked = joinedTrace("t2", { "k8s.cluster.name": "remote" }, edge);
    unlinked.spans[1]!.references = [];
    const rows = evaluatePipeline(expectations({ podMetadata: true, syntheticServices: ["frontend"] }), {
      services: ["sample-service", "trace-generator"],
      traces: new Map([
        ["sample-service", [unlinked]],
        ["trace-generator", [unlinked]],
      ]),
    });
    console.log(formatRows(rows));
    const byCheck = Object.fromEntries(rows.map((row) => [row.check, row]));
    expect(byCheck["service frontend in Jaeger"]).toMatchObject({
      ok: false,
      detail: "not in /api/services",
    });
    expect(byCheck["trace-generator: k8s.cluster.name=edge"]).toMatchObject({
      ok: false,
      detail: "1 spans, 1 wrong: remote ×1",
    });
    expect(byCheck["sample-service: k8s.cluster.name=edge"]!.ok).toBe(true);
    expect(byCheck["sample-service: k8s.pod.name present"]).toMatchObject({
      ok: false,
      detail: "1 spans, 1 wrong: <missing> ×1",
    });
    expect(byCheck["edge trace-generator → sample-service"]!.ok).toBe(false);
  });

  it("does not pass a service that is listed but has no traces in the window", () => {
    const rows = evaluatePipeline(expectations({ podMetadata: false }), {
      services: ["sample-service", "trace-generator"],
      traces: new Map(),
    });
    expect(rows[0]).toMatchObject({ ok: false, detail: "0 recent traces" });
    expect(rows.find((row) => row.check.startsWith("sample-service: k8s.cluster.name"))?.detail).toBe(
      "no spans of this service yet",
    );
  });

  it("with a fleet: every edge's name is accepted, another is not, and each edge must have sent its own", () => {
    const fleet = expectations({ podMetadata: false, edgeNames: ["edge", "edge-2"] });
    const fromEdge2 = joinedTrace("t3", { "k8s.cluster.name": "edge-2" }, { "k8s.cluster.name": "edge-2" });
    const forged = joinedTrace("t4", { "k8s.cluster.name": "remote" }, edge);
    const rows = evaluatePipeline(fleet, {
      services: ["sample-service", "trace-generator"],
      traces: new Map([
        ["sample-service", [fromEdge2]],
        ["trace-generator", [fromEdge2, forged]],
      ]),
      senderTraces: new Map([
        ["edge", 0],
        ["edge-2", 3],
      ]),
    });
    console.log(formatRows(rows));
    const byCheck = Object.fromEntries(rows.map((row) => [row.check, row]));
    expect(byCheck["sample-service: k8s.cluster.name in {edge, edge-2}"]!.ok).toBe(true);
    expect(byCheck["trace-generator: k8s.cluster.name in {edge, edge-2}"]).toMatchObject({
      ok: false,
      detail: "2 spans, 1 wrong: edge-2 ×1, remote ×1",
    });
    expect(byCheck["trace-generator traces from edge"]).toMatchObject({ ok: false, detail: "none yet" });
    expect(byCheck["trace-generator traces from edge-2"]!.ok).toBe(true);
  });
});
