// The SDK as the service configures it, with an in-memory exporter instead of OTLP: the app's own spans
// (names, kinds, attributes, error status and exception events) and the resource it reports.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import { InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace";
import {
  ATTR_EXCEPTION_MESSAGE,
  ATTR_EXCEPTION_TYPE,
  ATTR_SERVICE_NAME,
  ATTR_SERVICE_VERSION,
  ATTR_TELEMETRY_SDK_LANGUAGE,
} from "@opentelemetry/semantic-conventions";
import { createApp } from "./app.ts";
import { baseResource, createTelemetry, isProbe } from "./telemetry.ts";
import { SERVICE_VERSION } from "./version.ts";
import type { NodeSDK } from "@opentelemetry/sdk-node";
import { TEST_CONFIG } from "./test-app.ts";

const memory = new InMemorySpanExporter();
const processor = new SimpleSpanProcessor({ exporter: memory });
let sdk: NodeSDK;

beforeAll(() => {
  sdk = createTelemetry({ podIdentity: {} }, { spanProcessors: [processor] });
  sdk.start();
});
afterAll(() => sdk.shutdown());
beforeEach(() => memory.reset());

const checkout = (app: ReturnType<typeof createApp>) =>
  app.request("/api/checkout", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ orderId: "ord-1001", paymentMethod: "card" }),
  });
const spans = () => memory.getFinishedSpans();
/** Exports wait for the resource's detectors, which can be slower than a request on a busy machine. */
const exported = () => processor.forceFlush();
const span = (name: string) => {
  const found = spans().find((s) => s.name === name);
  expect(
    found,
    `span ${name} among ${spans()
      .map((s) => s.name)
      .join(", ")}`,
  ).toBeDefined();
  return found!;
};

describe("the service's own spans", () => {
  it("checkout produces three internal child spans of the request's span with business attributes", async () => {
    // app.request() has no http server, so this span stands in for the instrumentation's server span
    // (main.integration.test.ts shows the real one).
    const parent = await trace.getTracer("test").startActiveSpan("request", async (request) => {
      expect((await checkout(createApp({ config: TEST_CONFIG }))).status).toBe(200);
      request.end();
      return request.spanContext();
    });
    await exported();
    const names = ["checkout.validate_order", "checkout.reserve_inventory", "checkout.charge_payment"];
    const steps = names.map(span);
    for (const step of steps) {
      expect(step.kind).toBe(SpanKind.INTERNAL);
      expect(step.status.code).toBe(SpanStatusCode.UNSET);
      expect(step.spanContext().traceId).toBe(parent.traceId);
      expect(step.parentSpanContext?.spanId).toBe(parent.spanId);
      expect(step.instrumentationScope).toMatchObject({ name: "sample-service", version: SERVICE_VERSION });
    }
    expect(steps[0]!.attributes).toEqual({ "order.id": "ord-1001", "order.found": true });
    expect(steps[1]!.attributes).toEqual({ "order.id": "ord-1001", "inventory.source": "local" });
    expect(steps[2]!.attributes).toEqual({
      "order.id": "ord-1001",
      "payment.method": "card",
      "order.total": 89.9,
    });
  });

  it("an unreachable upstream marks the reservation span ERROR with an exception event", async () => {
    const app = createApp({ config: { ...TEST_CONFIG, upstreamUrl: "http://127.0.0.1:9/reserve" } });
    expect((await checkout(app)).status).toBe(502);
    await exported();
    const reserve = span("checkout.reserve_inventory");
    expect(reserve.status).toMatchObject({ code: SpanStatusCode.ERROR });
    expect(reserve.status.message).toMatch(/^upstream http:\/\/127\.0\.0\.1:9\/reserve unreachable/);
    const exception = reserve.events.find((e) => e.name === "exception");
    expect(exception?.attributes).toMatchObject({ [ATTR_EXCEPTION_TYPE]: "UpstreamError" });
    expect(exception?.attributes?.[ATTR_EXCEPTION_MESSAGE]).toMatch(/unreachable/);
    expect(spans().find((s) => s.name === "checkout.charge_payment")).toBeUndefined();
  });

  it("injected latency and failure appear as their own spans", async () => {
    const res = await createApp({ config: TEST_CONFIG }).request(
      "/api/orders/ord-1001?injectLatencyMs=5&injectFailure=true",
    );
    expect(res.status).toBe(500);
    await exported();
    expect(span("inject.latency").attributes).toEqual({ "inject.latency_ms": 5 });
    const failure = span("inject.failure");
    expect(failure.status.code).toBe(SpanStatusCode.ERROR);
    expect(failure.events[0]?.attributes).toMatchObject({ [ATTR_EXCEPTION_TYPE]: "InjectedFailure" });
  });

  it("bad input creates no error spans", async () => {
    // The request's span stands in for the server span, which the error mapping would mark.
    const res = await trace.getTracer("test").startActiveSpan("request", async (request) => {
      const answer = await createApp({ config: TEST_CONFIG }).request("/api/checkout", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: "{",
      });
      request.end();
      return answer;
    });
    expect(res.status).toBe(400);
    await exported();
    // Named after the matched route by the middleware, as the real server span would be.
    expect(spans().map((s) => s.name)).toEqual(["POST /api/checkout"]);
    expect(spans().filter((s) => s.status.code === SpanStatusCode.ERROR)).toEqual([]);
  });
});

describe("resource and sampling hooks", () => {
  it("defaults service name and version, and adds pod identity from K8S_* variables", () => {
    const resource = baseResource({
      podIdentity: { "k8s.pod.ip": "10.244.0.9", "k8s.node.name": "edge-worker" },
    });
    expect(resource.attributes).toMatchObject({
      [ATTR_SERVICE_NAME]: "sample-service",
      [ATTR_SERVICE_VERSION]: SERVICE_VERSION,
      [ATTR_TELEMETRY_SDK_LANGUAGE]: "nodejs",
      "k8s.pod.ip": "10.244.0.9",
      "k8s.node.name": "edge-worker",
    });
  });

  it("treats exactly the probe paths as probes", () => {
    expect(isProbe({ url: "/healthz" })).toBe(true);
    expect(isProbe({ url: "/readyz?verbose=1" })).toBe(true);
    expect(isProbe({ url: "/api/orders/ord-1001" })).toBe(false);
    expect(isProbe({ url: "/healthz/../api" })).toBe(false);
  });
});
