import { describe, expect, it } from "vitest";
import { testApp } from "../test-app.ts";

const app = () => testApp();

const json = (body: unknown) => ({
  method: "POST",
  headers: { "content-type": "application/json" },
  body: JSON.stringify(body),
});

describe("inventory", () => {
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
