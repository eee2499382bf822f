import { SpanKind, SpanStatusCode } from "@opentelemetry/api";
import { hrTimeToMilliseconds } from "@opentelemetry/core";
import { InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace";
import type { ReadableSpan } from "@opentelemetry/sdk-trace";
import { describe, expect, it } from "vitest";
import { planTrace } from "./plan.ts";
import { rngFor, SeededIdGenerator } from "./rng.ts";
import { loadScenario, parseScenario } from "./scenario/load.ts";
import type { Scenario } from "./scenario/load.ts";
import { simulateTrace } from "./simulate.ts";
import { createServiceTracers } from "./tracers.ts";

const NOW = Date.UTC(2026, 0, 2, 3, 4, 5);

function emit(
  scenario: Scenario,
  seed: number,
  indexes: readonly number[],
  runAttributes = {},
): ReadableSpan[] {
  const exporter = new InMemorySpanExporter();
  const ids = new SeededIdGenerator();
  const tracers = createServiceTracers(
    scenario,
    { attributes: { "k8s.pod.ip": "10.1.2.3" }, serviceName: undefined },
    new SimpleSpanProcessor({ exporter }),
    ids,
  );
  for (const index of indexes) {
    const rng = rngFor(seed, index);
    simulateTrace(planTrace(rng, scenario), rng, { tracers, ids, runAttributes }, NOW);
  }
  return exporter.getFinishedSpans();
}

/** What a span looks like, minus object identity: for comparing runs. */
const shape = (s: ReadableSpan) => ({
  name: s.name,
  traceId: s.spanContext().traceId,
  spanId: s.spanContext().spanId,
  parent: s.parentSpanContext?.spanId,
  kind: s.kind,
  service: s.resource.attributes["service.name"],
  attributes: s.attributes,
  start: s.startTime,
  end: s.endTime,
  status: s.status.code,
  events: s.events.map((e) => e.name),
});

describe("simulated traces (in-memory exporter)", () => {
  const shop = loadScenario("shop");

  it("forms one tree per trace: one root, every parent present, children inside their parent's time", () => {
    const spans = emit(shop, 42, [0, 1, 2, 3, 4, 5, 6, 7]);
    const byTrace = Map.groupBy(spans, (s) => s.spanContext().traceId);
    expect(byTrace.size).toBe(8);
    for (const trace of byTrace.values()) {
      const ids = new Map(trace.map((s) => [s.spanContext().spanId, s]));
      const roots = trace.filter((s) => s.parentSpanContext === undefined);
      expect(roots).toHaveLength(1);
      expect(roots[0]?.name).toMatch(/^(GET \/products|POST \/checkout)$/);
      expect(roots[0]?.kind).toBe(SpanKind.SERVER);
      // The trace ends "now": it was simulated backwards from the moment it was emitted.
      expect(hrTimeToMilliseconds(roots[0]!.endTime)).toBeCloseTo(NOW, 3);
      for (const span of trace) {
        if (span.parentSpanContext === undefined) continue;
        const parent = ids.get(span.parentSpanContext.spanId);
        expect(parent, `parent of ${span.name}`).toBeDefined();
        expect(hrTimeToMilliseconds(span.startTime)).toBeGreaterThanOrEqual(
          hrTimeToMilliseconds(parent!.startTime) - 1e-6,
        );
        expect(hrTimeToMilliseconds(span.endTime)).toBeLessThanOrEqual(
          hrTimeToMilliseconds(parent!.endTime) + 1e-6,
        );
      }
    }
  });

  it("gives every service its own resource, with the scenario's and OTEL_RESOURCE_ATTRIBUTES' attributes", () => {
    const spans = emit(
      shop,
      1,
      Array.from({ length: 40 }, (_, i) => i),
    );
    const services = new Map(spans.map((s) => [s.resource.attributes["service.name"], s.resource]));
    expect([...services.keys()].sort()).toEqual(["checkout", "database", "frontend", "inventory", "payment"]);
    expect(services.get("payment")?.attributes["service.version"]).toBe("3.0.2");
    expect(services.get("database")?.attributes["db.system.name"]).toBe("postgresql");
    for (const resource of services.values()) expect(resource.attributes["k8s.pod.ip"]).toBe("10.1.2.3");
    // A call into another service is a SERVER span of that service, parented by the caller's span.
    const charge = spans.find((s) => s.name === "Charge")!;
    const parent = spans.find((s) => s.spanContext().spanId === charge.parentSpanContext?.spanId)!;
    expect(parent.name).toBe("PlaceOrder");
    expect(parent.resource.attributes["service.name"]).toBe("checkout");
  });

  it("sets error status and an exception event where the scenario says so", () => {
    const scenario = parseScenario(
      [
        'entrypoints: [{operation: "api:get"}]',
        "services:",
        "  api:",
        "    operations:",
        "      get:",
        "        error: {probability: 1, type: TimeoutError, message: upstream timed out}",
        "        attributes: {http.route: /get, retries: {range: [2, 2]}, tier: {oneOf: [gold]}}",
        "        events: [{name: cache.miss, attributes: {cache.key: k1}}]",
      ].join("\n"),
      "inline.yaml",
    );
    const [span] = emit(scenario, 3, [0], { "tracegen.run.id": "run-1" });
    expect(span?.status).toEqual({ code: SpanStatusCode.ERROR, message: "upstream timed out" });
    expect(span?.events.map((e) => [e.name, e.attributes])).toEqual([
      ["cache.miss", { "cache.key": "k1" }],
      ["exception", { "exception.type": "TimeoutError", "exception.message": "upstream timed out" }],
    ]);
    expect(span?.attributes).toEqual({
      "http.route": "/get",
      retries: 2,
      tier: "gold",
      "tracegen.run.id": "run-1",
    });
  });

  it("stamps the run attributes on every span", () => {
    const spans = emit(shop, 5, [0, 1, 2], { "tracegen.run.id": "abc" });
    expect(spans.length).toBeGreaterThan(3);
    for (const span of spans) expect(span.attributes["tracegen.run.id"]).toBe("abc");
  });

  it("is deterministic: the same seed gives the same traces, IDs included; another seed does not", () => {
    const first = emit(shop, 1234, [0, 1, 2, 3]).map(shape);
    const again = emit(shop, 1234, [0, 1, 2, 3]).map(shape);
    expect(again).toEqual(first);
    // Trace N does not depend on the traces before it (workers may interleave).
    const alone = emit(shop, 1234, [2]).map(shape);
    expect(first.filter((s) => s.traceId === alone[0]?.traceId)).toEqual(alone);
    const other = emit(shop, 1235, [0, 1, 2, 3]).map(shape);
    expect(other.map((s) => s.traceId)).not.toEqual(first.map((s) => s.traceId));
  });

  it("blog: a wrapper span with nested spans of random depth, bounded by maxDepth", () => {
    const blog = loadScenario("blog");
    const spans = emit(
      blog,
      9,
      Array.from({ length: 200 }, (_, i) => i),
    );
    const depths = [...Map.groupBy(spans, (s) => s.spanContext().traceId).values()].map((t) => t.length);
    expect(Math.min(...depths)).toBe(2);
    expect(Math.max(...depths)).toBeLessThanOrEqual(blog.maxDepth);
    expect(new Set(depths).size).toBeGreaterThanOrEqual(4);
    expect(spans.filter((s) => s.parentSpanContext === undefined).every((s) => s.name === "wrapper")).toBe(
      true,
    );
  });
});
