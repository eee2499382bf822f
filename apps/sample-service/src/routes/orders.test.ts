import { describe, expect, it } from "vitest";
import { testApp } from "../test-app.ts";

const app = () => testApp();

const order = { customerId: "cust-1", items: [{ sku: "SKU-42", quantity: 2, unitPrice: 10.25 }] };

describe("orders", () => {
  it("creates an order and reads it back", async () => {
    const service = app();
    const created = await service.request("/api/orders", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(order),
    });
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
