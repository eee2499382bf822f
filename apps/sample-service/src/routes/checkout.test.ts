import { describe, expect, it } from "vitest";
import { postJson, testApp as app } from "../test-app.ts";

describe("checkout", () => {
  it("confirms a known order, reserving locally without an upstream", async () => {
    const res = await app().request(
      "/api/checkout",
      postJson({ orderId: "ord-1002", paymentMethod: "invoice" }),
    );
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
    const res = await app().request("/api/checkout", postJson({ orderId: "ord-0", paymentMethod: "card" }));
    expect(res.status).toBe(404);
  });

  it("answers 502 when the upstream is unreachable", async () => {
    const res = await app({ upstreamUrl: "http://127.0.0.1:9/reserve", upstreamTimeoutMs: 2000 }).request(
      "/api/checkout",
      postJson({ orderId: "ord-1001", paymentMethod: "card" }),
    );
    expect(res.status).toBe(502);
    expect(await res.json()).toMatchObject({ error: "upstream_unreachable" });
  });
});
