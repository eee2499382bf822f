// POST /api/checkout: validate the order, reserve its items (upstream or locally), charge, confirm —
// each step a child span with business attributes, so a checkout trace shows where time went.
import { setTimeout as sleep } from "node:timers/promises";
import { trace } from "@opentelemetry/api";
import { Hono } from "hono";
import { jsonBody } from "../json-body.ts";
import { CheckoutInput, type OrderStore } from "../orders.ts";
import { inSpan } from "../spans.ts";
import { reserveInventory, type UpstreamConfig } from "../upstream.ts";

export function checkoutRoutes(store: OrderStore, upstream: UpstreamConfig): Hono {
  return new Hono().post("/api/checkout", async (c) => {
    const input = await jsonBody(c, CheckoutInput);
    const order = await inSpan("checkout.validate_order", { "order.id": input.orderId }, (span) => {
      const found = store.get(input.orderId);
      span.setAttribute("order.found", found !== undefined);
      return found;
    });
    if (!order) return c.json({ error: "order_not_found", message: `no order ${input.orderId}` }, 404);

    const reservation = await inSpan(
      "checkout.reserve_inventory",
      { "order.id": order.id, "inventory.source": upstream.upstreamUrl ? "upstream" : "local" },
      () => reserveInventory(upstream, { orderId: order.id, items: order.items }),
    );
    await inSpan(
      "checkout.charge_payment",
      { "order.id": order.id, "payment.method": input.paymentMethod, "order.total": order.total },
      // Stands in for a payment provider round trip, so the span has a visible duration.
      () => sleep(input.paymentMethod === "card" ? 5 : 1),
    );
    const confirmed = store.confirm(order.id)!;
    trace.getActiveSpan()?.setAttributes({ "order.id": order.id, "order.total": order.total });
    return c.json({
      orderId: confirmed.id,
      status: confirmed.status,
      total: confirmed.total,
      currency: confirmed.currency,
      reservationId: reservation.reservationId,
    });
  });
}
