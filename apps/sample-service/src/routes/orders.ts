// GET /api/orders/:id and POST /api/orders: reading and creating orders in the store.
import { trace } from "@opentelemetry/api";
import { Hono } from "hono";
import { badRequest } from "../errors.ts";
import { jsonBody } from "../json-body.ts";
import { OrderId, OrderInput, type OrderStore } from "../orders.ts";

export function orderRoutes(store: OrderStore): Hono {
  return new Hono()
    .get("/api/orders/:id", (c) => {
      const id = OrderId.safeParse(c.req.param("id"));
      if (!id.success) throw badRequest(400, "invalid_order_id", id.error.issues[0]!.message);
      trace.getActiveSpan()?.setAttribute("order.id", id.data);
      const order = store.get(id.data);
      return order
        ? c.json(order)
        : c.json({ error: "order_not_found", message: `no order ${id.data}` }, 404);
    })
    .post("/api/orders", async (c) => {
      const input = await jsonBody(c, OrderInput);
      const order = store.create(input);
      trace.getActiveSpan()?.setAttributes({ "order.id": order.id, "order.item_count": order.items.length });
      return c.json(order, 201);
    });
}
