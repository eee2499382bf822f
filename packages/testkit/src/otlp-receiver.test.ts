// The receiver is tested against the real OTLP/gRPC trace exporter of the OpenTelemetry JS SDK: if these
// pass, what the receiver decodes is what a real exporter put on the wire.
import http2 from "node:http2";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { afterEach, describe, expect, it } from "vitest";
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-grpc";
import { resourceFromAttributes } from "@opentelemetry/resources";
import {
  InMemorySpanExporter,
  SimpleSpanProcessor,
  TracerProvider,
  type ReadableSpan,
} from "@opentelemetry/sdk-trace";
import { startOtlpReceiver, type OtlpReceiver } from "./otlp-receiver.ts";
import { createCa } from "@otel-e2r/pki/ca.ts";
import { issueServerCertificate } from "@otel-e2r/pki/issue.ts";
import { loopbackPki } from "@otel-e2r/pki/loopback.ts";

/** One attribute of each OTLP value type the receiver decodes. */
const ORDER_ATTRIBUTES = {
  "order.id": "o-42",
  "order.items": 3,
  "order.total": 12.5,
  "order.gift": true,
  "order.tags": ["a", "b"],
};

const open: OtlpReceiver[] = [];
const providers: TracerProvider[] = [];

async function receiver(options: Parameters<typeof startOtlpReceiver>[0] = {}): Promise<OtlpReceiver> {
  const started = await startOtlpReceiver(options);
  open.push(started);
  return started;
}

afterEach(async () => {
  await Promise.all(providers.splice(0).map((p) => p.shutdown()));
  await Promise.all(open.splice(0).map((r) => r.close()));
});

function provider(exporter: OTLPTraceExporter | InMemorySpanExporter): TracerProvider {
  const created = new TracerProvider({
    resource: resourceFromAttributes({ "service.name": "receiver-test", "k8s.pod.ip": "10.244.0.7" }),
    spanProcessors: [new SimpleSpanProcessor({ exporter })],
  });
  providers.push(created);
  return created;
}

/** Two finished spans (parent and child) as the SDK hands them to an exporter. */
function finishedSpans(): ReadableSpan[] {
  const memory = new InMemorySpanExporter();
  const tracer = provider(memory).getTracer("receiver-test");
  const parent = tracer.startSpan("parent", { kind: SpanKind.SERVER });
  tracer.startSpan("child", {}, trace.setSpan(ROOT_CONTEXT, parent)).end();
  parent.end();
  return memory.getFinishedSpans();
}

function exportOnce(exporter: OTLPTraceExporter, spans: ReadableSpan[]) {
  return new Promise<{ code: number; error?: Error }>((resolve) => exporter.export(spans, resolve));
}

const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;

describe("startOtlpReceiver", () => {
  it("decodes what the real OTLP gRPC exporter sends in plaintext", async () => {
    const otlp = await receiver();
    expect(otlp.endpoint).toBe(`http://127.0.0.1:${otlp.port}`);
    const tracer = provider(new OTLPTraceExporter({ url: otlp.endpoint })).getTracer("test-scope", "1.2.3");

    const parentSpan = tracer.startSpan("GET /orders", { kind: SpanKind.SERVER });
    const parentIds = parentSpan.spanContext();
    const childSpan = tracer.startSpan(
      "load order",
      {
        kind: SpanKind.CLIENT,
        attributes: ORDER_ATTRIBUTES,
      },
      trace.setSpan(ROOT_CONTEXT, parentSpan),
    );
    childSpan.recordException(new Error("boom"));
    childSpan.setStatus({ code: SpanStatusCode.ERROR, message: "upstream failed" });
    childSpan.end();
    parentSpan.end();

    const [child] = await otlp.waitForSpans((span) => span.name === "load order");
    const [parent] = await otlp.waitForSpans((span) => span.name === "GET /orders");
    expect(parent).toMatchObject({
      traceId: parentIds.traceId,
      spanId: parentIds.spanId,
      parentSpanId: undefined,
      kind: "SERVER",
      status: { code: "UNSET", message: "" },
      scope: { name: "test-scope", version: "1.2.3" },
    });
    expect(parent!.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(parent!.endTimeUnixNano).toBeGreaterThanOrEqual(parent!.startTimeUnixNano);
    expect(child).toMatchObject({
      traceId: parentIds.traceId,
      parentSpanId: parentIds.spanId,
      kind: "CLIENT",
      attributes: ORDER_ATTRIBUTES,
      status: { code: "ERROR", message: "upstream failed" },
      resource: { "service.name": "receiver-test", "k8s.pod.ip": "10.244.0.7" },
    });
    expect(child!.events).toHaveLength(1);
    expect(child!.events[0]).toMatchObject({
      name: "exception",
      attributes: { "exception.type": "Error", "exception.message": "boom" },
    });
    expect(otlp.requests.every((r) => r.outcome.code === grpc.status.OK)).toBe(true);
  });

  it("decompresses gzip-compressed messages, as the collector's otlp_grpc exporter sends by default", async () => {
    const otlp = await receiver();
    // A hand-built gRPC call (HTTP/2, 5-byte frame header with the compressed flag set), because grpc-js
    // hides from both ends whether a message really was compressed.
    const definition = protoLoader.loadSync(
      fileURLToPath(new URL("./otlp/trace_service.proto", import.meta.url)),
      {
        longs: String,
        defaults: true,
      },
    );
    const service = definition[
      "opentelemetry.proto.collector.trace.v1.TraceService"
    ] as grpc.ServiceDefinition;
    const message = service.Export!.requestSerialize({
      resourceSpans: [
        {
          resource: { attributes: [{ key: "service.name", value: { stringValue: "collector" } }] },
          scopeSpans: [
            {
              spans: [
                {
                  traceId: Buffer.alloc(16, 1),
                  spanId: Buffer.alloc(8, 2),
                  name: "compressed",
                  kind: 2,
                  startTimeUnixNano: "1",
                  endTimeUnixNano: "2",
                },
              ],
            },
          ],
        },
      ],
    });
    const compressed = gzipSync(message);
    const frame = Buffer.concat([Buffer.from([1]), Buffer.alloc(4), compressed]);
    frame.writeUInt32BE(compressed.length, 1);

    const session = http2.connect(otlp.endpoint);
    try {
      const status = await new Promise<string | undefined>((resolve, reject) => {
        const stream = session.request({
          ":method": "POST",
          ":path": "/opentelemetry.proto.collector.trace.v1.TraceService/Export",
          "content-type": "application/grpc",
          "grpc-encoding": "gzip",
          te: "trailers",
        });
        stream.on("trailers", (trailers: http2.IncomingHttpHeaders) =>
          resolve(trailers["grpc-status"] as string | undefined),
        );
        stream.on("error", reject);
        stream.resume();
        stream.end(frame);
      });
      expect(status).toBe("0");
    } finally {
      session.close();
    }
    expect(otlp.spans).toHaveLength(1);
    expect(otlp.spans[0]).toMatchObject({
      name: "compressed",
      kind: "SERVER",
      traceId: "01".repeat(16),
      spanId: "02".repeat(8),
      resource: { "service.name": "collector" },
    });
  });

  it("accepts TLS with the right basic-auth credentials and records the authorization metadata", async () => {
    const { ca, server } = await loopbackPki("receiver test CA");
    const otlp = await receiver({
      tls: { cert: server.certPem, key: server.keyPem },
      basicAuth: { username: "edge", password: "s3cret:with-colon" },
    });
    expect(otlp.endpoint).toBe(`https://127.0.0.1:${otlp.port}`);

    const exporterWith = (authorization: string | undefined) => {
      const metadata = new grpc.Metadata();
      if (authorization !== undefined) metadata.set("authorization", authorization);
      return new OTLPTraceExporter({
        url: otlp.endpoint,
        credentials: grpc.credentials.createSsl(Buffer.from(ca.certPem)),
        metadata,
      });
    };

    const spans = finishedSpans();
    const good = await exportOnce(exporterWith(basic("edge", "s3cret:with-colon")), spans);
    expect(good.error).toBeUndefined();
    const arrived = await otlp.waitForSpans(2, { description: "spans over TLS" });
    expect(arrived.map((s) => s.name).sort()).toEqual(["child", "parent"]);
    expect(otlp.requests[0]!.authorization).toBe(basic("edge", "s3cret:with-colon"));

    const wrong = await exportOnce(exporterWith(basic("edge", "nope")), spans);
    const missing = await exportOnce(exporterWith(undefined), spans);
    expect(wrong.error?.message).toMatch(/invalid credentials/);
    expect(missing.error?.message).toMatch(/missing or empty authorization header/);
    expect(otlp.requests.map((r) => r.outcome.code)).toEqual([
      grpc.status.OK,
      grpc.status.UNAUTHENTICATED,
      grpc.status.UNAUTHENTICATED,
    ]);
    expect(otlp.spans).toHaveLength(2);
  });

  it("refuses a plaintext client on its TLS port", async () => {
    const ca = await createCa({ commonName: "receiver test CA", validityDays: 2 });
    const server = await issueServerCertificate(ca, { dnsNames: ["localhost"], validityDays: 1 });
    const otlp = await receiver({ tls: { cert: server.certPem, key: server.keyPem } });
    const result = await exportOnce(
      new OTLPTraceExporter({ url: `http://${otlp.address}`, timeoutMillis: 2_000 }),
      finishedSpans(),
    );
    // The TLS listener ends the plaintext HTTP/2 session: no connection, rather than a refused port
    // ("connect ECONNREFUSED") or a call that was answered.
    expect(result.error?.message).toMatch(
      /^14 UNAVAILABLE: No connection established\. Last error: Failed to connect\b/,
    );
    expect(otlp.requests).toHaveLength(0);
  });

  it("fails calls as `respond` says, so exporters' error paths can be tested", async () => {
    const otlp = await receiver({
      respond: ({ index }) =>
        index === 0 ? { code: grpc.status.UNAVAILABLE, details: "collector restarting" } : undefined,
    });
    const exporter = new OTLPTraceExporter({ url: otlp.endpoint });
    const spans = finishedSpans();
    // The JS gRPC exporter does not retry (its transport never reports "retryable"): the failure surfaces.
    const failed = await exportOnce(exporter, spans);
    expect(failed.error).toMatchObject({ code: grpc.status.UNAVAILABLE, details: "collector restarting" });
    const retried = await exportOnce(exporter, spans);
    expect(retried.error).toBeUndefined();
    expect(otlp.requests.map((r) => [r.outcome.code, r.outcome.details])).toEqual([
      [grpc.status.UNAVAILABLE, "collector restarting"],
      [grpc.status.OK, ""],
    ]);
    // Rejected calls' spans are not recorded: the batch counts once.
    expect(otlp.spans).toHaveLength(2);
    expect(otlp.spans.every((s) => s.requestIndex === 1)).toBe(true);
  });

  it("times out with a message saying what it waited for and what arrived", async () => {
    const otlp = await receiver();
    await exportOnce(new OTLPTraceExporter({ url: otlp.endpoint }), finishedSpans());
    await expect(
      otlp.waitForSpans((s) => s.name === "never", { timeoutMs: 200, description: "a span named never" }),
    ).rejects.toThrow(/timed out after 200 ms waiting for 1 a span named never; 0 matched\. Received 2 span/);
    otlp.clear();
    expect(otlp.spans).toHaveLength(0);
    await expect(otlp.waitForRequests(1, { timeoutMs: 100 })).rejects.toThrow(/0 arrived/);
  });
});
