import { describe, expect, it } from "vitest";
import type { JaegerTrace } from "./jaeger-client.ts";
import { milliseconds, renderTrace } from "./trace-tree.ts";

const tag = (key: string, value: string | number) => ({ key, value });
const edge = (deployment: string) => [
  tag("k8s.cluster.name", "edge"),
  tag("k8s.namespace.name", "demo"),
  tag("k8s.deployment.name", deployment),
  tag("service.version", "1"),
];

/** A two-service trace as Jaeger's API returns it, its spans out of order. */
const trace: JaegerTrace = {
  traceID: "4bf92f3577b34da6a3ce929d0e0e4736",
  processes: {
    p1: { serviceName: "trace-generator", tags: edge("trace-generator") },
    p2: { serviceName: "sample-service", tags: edge("sample-service") },
  },
  spans: [
    {
      traceID: "t",
      spanID: "c",
      operationName: "GET /api/orders/:id",
      references: [{ refType: "CHILD_OF", traceID: "t", spanID: "b" }],
      startTime: 1_764_900_000_002_000,
      duration: 800,
      tags: [tag("http.route", "/api/orders/:id"), tag("http.response.status_code", 200)],
      processID: "p2",
    },
    {
      traceID: "t",
      spanID: "a",
      operationName: "browse order",
      references: [],
      startTime: 1_764_900_000_000_000,
      duration: 5100,
      tags: [],
      processID: "p1",
    },
    {
      traceID: "t",
      spanID: "b",
      operationName: "GET /api/orders/{id}",
      references: [{ refType: "CHILD_OF", traceID: "t", spanID: "a" }],
      startTime: 1_764_900_000_001_000,
      duration: 3100,
      tags: [tag("http.request.method", "GET")],
      processID: "p1",
    },
  ],
};

describe("renderTrace", () => {
  it("draws the spans as a tree, each service's Kubernetes attributes where the service starts", () => {
    expect(renderTrace(trace).split("\n")).toEqual([
      "trace 4bf92f3577b34da6a3ce929d0e0e4736  3 spans, 2 services, 5.1 ms, 2025-12-05 02:00:00 UTC",
      "└─ trace-generator  browse order  5.1 ms",
      "      k8s.cluster.name=edge k8s.namespace.name=demo k8s.deployment.name=trace-generator",
      "   └─ trace-generator  GET /api/orders/{id}  3.1 ms  http.request.method=GET",
      "      └─ sample-service  GET /api/orders/:id  0.8 ms  http.route=/api/orders/:id http.response.status_code=200",
      "            k8s.cluster.name=edge k8s.namespace.name=demo k8s.deployment.name=sample-service",
    ]);
  });

  it("shows a span whose parent is not in the trace as a root of its own", () => {
    const orphan = { ...trace, spans: trace.spans.filter((s) => s.spanID !== "b") };
    expect(
      renderTrace(orphan)
        .split("\n")
        .filter((line) => /^[└├]─/.test(line)),
    ).toHaveLength(2);
  });

  it("writes durations in milliseconds, whole above 100", () => {
    expect([milliseconds(800), milliseconds(12_345), milliseconds(123_456)]).toEqual([
      "0.8 ms",
      "12.3 ms",
      "123 ms",
    ]);
  });
});
