import { describe, expect, it } from "vitest";
import { postJson, testApp as app } from "../test-app.ts";

describe("inventory", () => {
  it("serves the inventory reservation an upstream caller makes", async () => {
    const ok = await app().request(
      "/api/inventory/reserve",
      postJson({ orderId: "ord-1001", items: [{ sku: "SKU-1", quantity: 1 }] }),
    );
    expect(await ok.json()).toEqual({ reservationId: "res-1001", items: [{ sku: "SKU-1", quantity: 1 }] });
    const out = await app().request(
      "/api/inventory/reserve",
      postJson({ orderId: "ord-1001", items: [{ sku: "SKU-OUT-OF-STOCK", quantity: 1 }] }),
    );
    expect(out.status).toBe(409);
  });
});
