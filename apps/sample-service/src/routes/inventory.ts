// POST /api/inventory/reserve: the upstream role. A second instance (or this one) answers checkout's
// reservation call; SKUs starting with SKU-OUT-OF-STOCK are refused so failures can be demonstrated.
import { trace } from "@opentelemetry/api";
import { Hono } from "hono";
import { jsonBody } from "../json-body.ts";
import { ReservationInput } from "../orders.ts";

export function inventoryRoutes(): Hono {
  return new Hono().post("/api/inventory/reserve", async (c) => {
    const input = await jsonBody(c, ReservationInput);
    const unavailable = input.items.filter((item) => item.sku.startsWith("SKU-OUT-OF-STOCK"));
    trace
      .getActiveSpan()
      ?.setAttributes({ "order.id": input.orderId, "inventory.item_count": input.items.length });
    if (unavailable.length > 0)
      return c.json(
        { error: "out_of_stock", message: `out of stock: ${unavailable.map((i) => i.sku).join(", ")}` },
        409,
      );
    return c.json({ reservationId: `res-${input.orderId.slice(4)}`, items: input.items });
  });
}
