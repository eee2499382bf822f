// Routes through app.request(): no socket, no instrumentation — the HTTP contract on its own.
import { describe, expect, it } from "vitest";
import { createApp, type AppConfig } from "./app.ts";

const config: AppConfig = {
  upstreamUrl: undefined,
  upstreamTimeoutMs: 1000,
  injectLatencyMs: 0,
  injectFailureRate: 0,
  maxBodyBytes: 1024,
};
const app = (overrides: Partial<AppConfig> = {}, random = () => 0.99) =>
  createApp({ config: { ...config, ...overrides }, random });

const json = (body: unknown, headers: Record<string, string> = {}) => ({
  method: "POST",
  headers: { "content-type": "application/json", ...headers },
  body: typeof body === "string" ? body : JSON.stringify(body),
});

const order = { customerId: "cust-1", items: [{ sku: "SKU-42", quantity: 2, unitPrice: 10.25 }] };

describe("probes", () => {
  it("answers /healthz and /readyz", async () => {
    const res = await app().request("/healthz");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "ok" });
    expect(await (await app().request("/readyz")).json()).toEqual({ status: "ready" });
  });

  it("reports not-ready while draining", async () => {
    const draining = createApp({ config, isDraining: () => true });
    const res = await draining.request("/readyz");
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ status: "draining" });
  });
});

describe("orders", () => {
  it("creates an order and reads it back", async () => {
    const service = app();
    const created = await service.request("/api/orders", json(order));
    expect(created.status).toBe(201);
    const body = (await created.json()) as { id: string; total: number; currency: string };
    expect(body).toMatchObject({ total: 20.5, currency: "EUR", status: "created" });
    const read = await service.request(`/api/orders/${body.id}`);
    expect(read.status).toBe(200);
    expect(await read.json()).toMatchObject({ id: body.id, customerId: "cust-1" });
  });

  it("serves the seeded orders and 404s unknown ones as JSON", async () => {
    expect((await app().request("/api/orders/ord-1001")).status).toBe(200);
    const missing = await app().request("/api/orders/ord-9999");
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: "order_not_found", message: "no order ord-9999" });
  });

  it("rejects a malformed order id", async () => {
    const res = await app().request("/api/orders/DROP%20TABLE");
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: "invalid_order_id" });
  });
});

describe("bad input is always a 4xx with a JSON body", () => {
  it.each([
    ["malformed JSON", json("{not json"), 400, "invalid_json"],
    ["wrong types", json({ customerId: 7, items: "many" }), 400, "invalid_body"],
    ["unknown fields", json({ ...order, admin: true }), 400, "invalid_body"],
    ["empty items", json({ customerId: "c", items: [] }), 400, "invalid_body"],
    [
      "not JSON at all",
      { method: "POST", headers: { "content-type": "text/plain" }, body: "hi" },
      415,
      "unsupported_media_type",
    ],
    ["an oversize body", json({ ...order, customerId: "x".repeat(2000) }), 413, "body_too_large"],
    ["a bad injection header", json(order, { "x-inject-latency-ms": "soon" }), 400, "invalid_injection"],
  ])("%s", async (_name, init, status, error) => {
    const res = await app().request("/api/orders", init);
    expect(res.status).toBe(status);
    expect(res.headers.get("content-type")).toMatch(/application\/json/);
    expect(await res.json()).toMatchObject({ error });
  });

  it("lists every problem of an invalid body", async () => {
    const res = await app().request(
      "/api/orders",
      json({ customerId: "", items: [{ sku: "bad sku", quantity: 0, unitPrice: -1 }] }),
    );
    const body = (await res.json()) as { problems: { path: string }[] };
    expect(body.problems.map((p) => p.path)).toEqual([
      "customerId",
      "items.0.sku",
      "items.0.quantity",
      "items.0.unitPrice",
    ]);
  });

  it("unknown routes and methods are JSON 404s", async () => {
    for (const [path, method] of [
      ["/nope", "GET"],
      ["/api/orders", "DELETE"],
    ] as const) {
      const res = await app().request(path, { method });
      expect(res.status).toBe(404);
      expect(await res.json()).toEqual({ error: "not_found", message: `no route for ${method} ${path}` });
    }
  });
});

describe("checkout", () => {
  it("confirms a known order, reserving locally without an upstream", async () => {
    const res = await app().request("/api/checkout", json({ orderId: "ord-1002", paymentMethod: "invoice" }));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      orderId: "ord-1002",
      status: "confirmed",
      total: 72.97,
      currency: "EUR",
      reservationId: "local-1002",
    });
  });

  it("404s an unknown order", async () => {
    const res = await app().request("/api/checkout", json({ orderId: "ord-0", paymentMethod: "card" }));
    expect(res.status).toBe(404);
  });

  it("answers 502 when the upstream is unreachable", async () => {
    const res = await app({ upstreamUrl: "http://127.0.0.1:9/reserve", upstreamTimeoutMs: 2000 }).request(
      "/api/checkout",
      json({ orderId: "ord-1001", paymentMethod: "card" }),
    );
    expect(res.status).toBe(502);
    expect(await res.json()).toMatchObject({ error: "upstream_unreachable" });
  });

  it("serves the inventory reservation an upstream caller makes", async () => {
    const ok = await app().request(
      "/api/inventory/reserve",
      json({ orderId: "ord-1001", items: [{ sku: "SKU-1", quantity: 1 }] }),
    );
    expect(await ok.json()).toEqual({ reservationId: "res-1001", items: [{ sku: "SKU-1", quantity: 1 }] });
    const out = await app().request(
      "/api/inventory/reserve",
      json({ orderId: "ord-1001", items: [{ sku: "SKU-OUT-OF-STOCK", quantity: 1 }] }),
    );
    expect(out.status).toBe(409);
  });
});

describe("injection", () => {
  it("fails a request on demand with a 500 JSON body", async () => {
    const res = await app().request("/api/orders/ord-1001", { headers: { "x-inject-failure": "true" } });
    expect(res.status).toBe(500);
    expect(await res.json()).toMatchObject({ error: "injected_failure" });
  });

  it("fails at the configured rate, and a request can opt out", async () => {
    const always = app({ injectFailureRate: 0.5 }, () => 0.1);
    expect((await always.request("/api/orders/ord-1001")).status).toBe(500);
    expect((await always.request("/api/orders/ord-1001?injectFailure=false")).status).toBe(200);
    const never = app({ injectFailureRate: 0.5 }, () => 0.9);
    expect((await never.request("/api/orders/ord-1001")).status).toBe(200);
  });

  it("delays a request by env plus requested latency", async () => {
    const started = performance.now();
    const res = await app({ injectLatencyMs: 20 }).request("/api/orders/ord-1001?injectLatencyMs=30");
    expect(res.status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(45);
  });

  it("leaves unknown routes as plain 404s", async () => {
    const res = await app().request("/api/nope", { headers: { "x-inject-failure": "true" } });
    expect(res.status).toBe(404);
  });

  it("leaves the probes alone", async () => {
    const res = await app({ injectFailureRate: 1 }, () => 0).request("/healthz");
    expect(res.status).toBe(200);
  });
});
