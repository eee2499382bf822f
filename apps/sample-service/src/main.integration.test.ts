// The real service process — `node --import ./src/instrumentation.ts ./src/main.ts`, exactly as the
// container runs it — exporting over real OTLP/gRPC to a real in-process receiver. Proves the export path,
// W3C propagation in and out, the resource, graceful shutdown and start-up validation end to end.
import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
  ATTR_SERVICE_INSTANCE_ID,
  ATTR_SERVICE_NAME,
  ATTR_SERVICE_VERSION,
  ATTR_URL_FULL,
  ATTR_URL_PATH,
} from "@opentelemetry/semantic-conventions";
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from "@otel-e2r/testkit/otlp-receiver.ts";
import { postJson } from "./test-app.ts";
import { SERVICE_VERSION } from "./version.ts";

const APP_DIR = fileURLToPath(new URL("..", import.meta.url));

interface ServiceProcess {
  readonly child: ChildProcess;
  readonly url: string;
  readonly stdout: () => string;
  readonly stderr: () => string;
  readonly exited: Promise<number | null>;
}

const running: ServiceProcess[] = [];

/** Polls `check` until it returns a value; fails after `timeoutMs` with `what` in the message. */
async function until<T>(what: string, check: () => T | undefined, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

function spawnService(env: Record<string, string>): ServiceProcess {
  const child = spawn(process.execPath, ["--import", "./src/instrumentation.ts", "./src/main.ts"], {
    cwd: APP_DIR,
    // A clean environment: only what the test sets (plus PATH), so the developer's OTEL_* cannot leak in.
    env: { PATH: process.env.PATH ?? "", HOST: "127.0.0.1", PORT: "0", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const service: ServiceProcess = { child, url: "", stdout: () => out, stderr: () => err, exited };
  running.push(service);
  return service;
}

async function startService(env: Record<string, string>): Promise<ServiceProcess> {
  const service = spawnService(env);
  const port = await until(
    `the service to log "listening" (stdout: ${service.stdout()} stderr: ${service.stderr()})`,
    () => {
      const line = service
        .stdout()
        .split("\n")
        .find((l) => l.includes('"message":"listening"'));
      return line ? (JSON.parse(line) as { port: number }).port : undefined;
    },
  );
  return { ...service, url: `http://127.0.0.1:${port}` };
}

afterEach(async () => {
  for (const service of running.splice(0)) {
    if (service.child.exitCode === null) service.child.kill("SIGKILL");
    await service.exited;
  }
});

describe("the service process exporting to a real OTLP/gRPC receiver", () => {
  let receiver: OtlpReceiver;
  beforeAll(async () => {
    receiver = await startOtlpReceiver();
  });
  afterAll(() => receiver.close());
  afterEach(() => receiver.clear());

  const exportTo = () => ({
    OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
    // Export batches quickly so tests wait ~100 ms, not the 5 s default.
    OTEL_BSP_SCHEDULE_DELAY: "100",
  });

  it("forms one trace across two services: server span, manual children, client span, upstream server span", async () => {
    const inventory = await startService({ ...exportTo(), OTEL_SERVICE_NAME: "inventory" });
    const checkout = await startService({
      ...exportTo(),
      OTEL_SERVICE_NAME: "checkout",
      OTEL_RESOURCE_ATTRIBUTES: "k8s.pod.ip=10.244.0.12,k8s.namespace.name=demo",
      K8S_NODE_NAME: "edge-control-plane",
      K8S_POD_IP: "10.0.0.1",
      UPSTREAM_URL: `${inventory.url}/api/inventory/reserve`,
    });

    const res = await fetch(
      `${checkout.url}/api/checkout`,
      postJson({ orderId: "ord-1001", paymentMethod: "card" }),
    );
    expect(res.status).toBe(200);

    const [server] = await receiver.waitForSpans((s) => s.name === "POST /api/checkout", {
      description: "the checkout server span",
    });
    const trace = await receiver.waitForSpans((s) => s.traceId === server!.traceId, {
      count: 6,
      description: "the whole checkout trace (3 manual, 1 client, 2 server spans)",
    });
    const named = (name: string, kind?: ReceivedSpan["kind"]) => {
      const span = trace.find((s) => s.name === name && (kind === undefined || s.kind === kind));
      expect(span, `span ${name}`).toBeDefined();
      return span!;
    };

    expect(server).toMatchObject({ kind: "SERVER", parentSpanId: undefined, status: { code: "UNSET" } });
    expect(server!.attributes).toMatchObject({
      [ATTR_HTTP_REQUEST_METHOD]: "POST",
      [ATTR_HTTP_ROUTE]: "/api/checkout",
      [ATTR_URL_PATH]: "/api/checkout",
      [ATTR_HTTP_RESPONSE_STATUS_CODE]: 200,
      "order.id": "ord-1001",
    });
    for (const step of ["checkout.validate_order", "checkout.reserve_inventory", "checkout.charge_payment"])
      expect(named(step, "INTERNAL").parentSpanId).toBe(server!.spanId);
    expect(named("checkout.charge_payment").attributes).toMatchObject({
      "payment.method": "card",
      "order.total": 89.9,
    });

    const client = named("POST", "CLIENT");
    expect(client.parentSpanId).toBe(named("checkout.reserve_inventory").spanId);
    expect(client.attributes[ATTR_URL_FULL]).toBe(`${inventory.url}/api/inventory/reserve`);
    expect(client.attributes[ATTR_HTTP_RESPONSE_STATUS_CODE]).toBe(200);

    const upstream = named("POST /api/inventory/reserve", "SERVER");
    expect(upstream.parentSpanId).toBe(client.spanId);
    expect(upstream.resource[ATTR_SERVICE_NAME]).toBe("inventory");

    expect(server!.resource).toMatchObject({
      [ATTR_SERVICE_NAME]: "checkout",
      [ATTR_SERVICE_VERSION]: SERVICE_VERSION,
      // OTEL_RESOURCE_ATTRIBUTES wins over K8S_POD_IP; K8S_NODE_NAME fills what it does not set.
      "k8s.pod.ip": "10.244.0.12",
      "k8s.namespace.name": "demo",
      "k8s.node.name": "edge-control-plane",
    });
    expect(server!.resource[ATTR_SERVICE_INSTANCE_ID]).toMatch(/^[0-9a-f-]{36}$/);
    expect(upstream.resource[ATTR_SERVICE_INSTANCE_ID]).not.toBe(server!.resource[ATTR_SERVICE_INSTANCE_ID]);
  });

  it("continues an incoming W3C trace and keeps probes out of traces", async () => {
    const service = await startService(exportTo());
    for (const probe of ["/healthz", "/readyz"])
      expect((await fetch(`${service.url}${probe}`)).status).toBe(200);
    const traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    const parentId = "00f067aa0ba902b7";
    const res = await fetch(`${service.url}/api/orders/ord-1002`, {
      headers: { traceparent: `00-${traceId}-${parentId}-01` },
    });
    expect(res.status).toBe(200);
    const [span] = await receiver.waitForSpans((s) => s.name === "GET /api/orders/:id");
    expect(span).toMatchObject({ traceId, parentSpanId: parentId, kind: "SERVER" });
    expect(span!.resource[ATTR_SERVICE_NAME]).toBe("sample-service");
    expect(
      receiver.spans.filter((s) => `${s.attributes[ATTR_URL_PATH] as string}`.match(/^\/(healthz|readyz)/)),
    ).toEqual([]);
  });

  it("marks real failures ERROR with an exception event, and bad input not", async () => {
    const service = await startService(exportTo());
    expect(
      (await fetch(`${service.url}/api/orders/ord-1001`, { headers: { "x-inject-failure": "true" } })).status,
    ).toBe(500);
    expect((await fetch(`${service.url}/api/orders`, { ...postJson({}), body: "{oops" })).status).toBe(400);

    const [failed] = await receiver.waitForSpans(
      (s) => s.kind === "SERVER" && s.attributes[ATTR_HTTP_RESPONSE_STATUS_CODE] === 500,
    );
    expect(failed!.status.code).toBe("ERROR");
    expect(failed!.events.find((e) => e.name === "exception")?.attributes).toMatchObject({
      "exception.type": "InjectedFailure",
    });
    const [inject] = await receiver.waitForSpans((s) => s.name === "inject.failure");
    expect(inject).toMatchObject({ parentSpanId: failed!.spanId, status: { code: "ERROR" } });

    const [rejected] = await receiver.waitForSpans((s) => s.name === "POST /api/orders");
    expect(rejected!.attributes[ATTR_HTTP_RESPONSE_STATUS_CODE]).toBe(400);
    expect(rejected!.status.code).toBe("UNSET");
  });

  it("on SIGTERM finishes the in-flight request, flushes its spans and exits 0", async () => {
    // A real upstream the test controls: while it holds the reservation, the checkout is in flight.
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    let arrived = false;
    const upstream = createServer((req, res) => {
      arrived = true;
      void held.then(() => {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify({ reservationId: "res-held" }));
      });
    });
    await new Promise<void>((resolve) => upstream.listen(0, "127.0.0.1", resolve));
    const { port } = upstream.address() as AddressInfo;
    try {
      // Batches would wait a minute: only the shutdown flush can deliver the spans in time.
      const service = await startService({
        ...exportTo(),
        OTEL_BSP_SCHEDULE_DELAY: "60000",
        UPSTREAM_URL: `http://127.0.0.1:${port}/reserve`,
      });
      const inFlight = fetch(
        `${service.url}/api/checkout`,
        postJson({ orderId: "ord-1003", paymentMethod: "card" }),
      );
      await until("the checkout to call the held upstream", () => (arrived ? true : undefined));
      service.child.kill("SIGTERM");
      await until("the service to start shutting down", () =>
        service.stdout().includes('"message":"shutting down"') ? true : undefined,
      );
      release();
      const res = await inFlight;
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ reservationId: "res-held" });
      expect(await service.exited).toBe(0);
      expect(service.stdout()).toMatch(/"message":"stopped"/);
      const names = receiver.spans.map((s) => s.name);
      expect(names).toEqual(
        expect.arrayContaining(["POST /api/checkout", "checkout.charge_payment", "POST"]),
      );
    } finally {
      release();
      upstream.close();
    }
  });
});

describe("start-up validation", () => {
  it("exits 2 before listening, naming every bad variable, without a stack trace", async () => {
    const service = spawnService({
      PORT: "eighty",
      INJECT_FAILURE_RATE: "2",
      OTEL_EXPORTER_OTLP_ENDPOINT: "collector:4317",
      OTEL_EXPORTER_OTLP_HEADERS: "authorization",
    });
    expect(await service.exited).toBe(2);
    const stderr = service.stderr();
    expect(stderr).toContain("invalid configuration (4 problem(s))");
    expect(stderr).toContain('PORT="eighty"');
    expect(stderr).toContain('INJECT_FAILURE_RATE="2"');
    expect(stderr).toContain('OTEL_EXPORTER_OTLP_ENDPOINT="collector:4317"');
    expect(stderr).toContain("OTEL_EXPORTER_OTLP_HEADERS=(value hidden");
    expect(stderr).not.toMatch(/\n\s+at /);
    expect(service.stdout()).not.toContain("listening");
  });

  it("exits 1 with a clear message when the port is taken", async () => {
    const first = await startService({ OTEL_SDK_DISABLED: "true" });
    const second = spawnService({ OTEL_SDK_DISABLED: "true", PORT: new URL(first.url).port });
    expect(await second.exited).toBe(1);
    expect(second.stderr()).toMatch(/cannot listen on 127\.0\.0\.1:\d+: EADDRINUSE/);
    expect(second.stderr()).not.toMatch(/\n\s+at /);
  });
});
