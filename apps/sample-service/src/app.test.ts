// The composed app through app.request() (no socket, no instrumentation): what only the composition
// guarantees — every kind of bad input is a 4xx JSON answer, unknown routes are JSON 404s, and
// injection applies to the API routes only. Each route group's own behaviour: routes/*.test.ts.
import { describe, expect, it } from "vitest";
import { postJson, testApp as app } from "./test-app.ts";

const order = { customerId: "cust-1", items: [{ sku: "SKU-42", quantity: 2, unitPrice: 10.25 }] };

describe("bad input is always a 4xx with a JSON body", () => {
  it.each([
    ["malformed JSON", postJson("{not json"), 400, "invalid_json"],
    ["wrong types", postJson({ customerId: 7, items: "many" }), 400, "invalid_body"],
    ["unknown fields", postJson({ ...order, admin: true }), 400, "invalid_body"],
    ["empty items", postJson({ customerId: "c", items: [] }), 400, "invalid_body"],
    [
      "not JSON at all",
      { method: "POST", headers: { "content-type": "text/plain" }, body: "hi" },
      415,
      "unsupported_media_type",
    ],
    ["an oversize body", postJson({ ...order, customerId: "x".repeat(2000) }), 413, "body_too_large"],
    ["a bad injection header", postJson(order, { "x-inject-latency-ms": "soon" }), 400, "invalid_injection"],
  ])("%s", async (_name, init, status, error) => {
    const res = await app().request("/api/orders", init);
    expect(res.status).toBe(status);
    expect(res.headers.get("content-type")).toMatch(/application\/json/);
    expect(await res.json()).toMatchObject({ error });
  });

  it("lists every problem of an invalid body", async () => {
    const res = await app().request(
      "/api/orders",
      postJson({ customerId: "", items: [{ sku: "bad sku", quantity: 0, unitPrice: -1 }] }),
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

describe("where injection applies", () => {
  it("leaves unknown routes as plain 404s", async () => {
    const res = await app().request("/api/nope", { headers: { "x-inject-failure": "true" } });
    expect(res.status).toBe(404);
  });

  it("leaves the probes alone", async () => {
    const res = await app({ injectFailureRate: 1 }, () => 0).request("/healthz");
    expect(res.status).toBe(200);
  });

  it("applies to every API route group", async () => {
    const failing = app({ injectFailureRate: 1 }, () => 0);
    for (const [path, init] of [
      ["/api/orders/ord-1001", undefined],
      ["/api/orders", postJson(order)],
      ["/api/checkout", postJson({ orderId: "ord-1001", paymentMethod: "card" })],
      ["/api/inventory/reserve", postJson({ orderId: "ord-1001", items: [{ sku: "SKU-1", quantity: 1 }] })],
    ] as const) {
      const res = await failing.request(path, init);
      expect(res.status, path).toBe(500);
      expect(await res.json()).toMatchObject({ error: "injected_failure" });
    }
  });
});
