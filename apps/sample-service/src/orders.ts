// The orders domain: request schemas and an in-memory store. Enough state to make traces interesting
// (lookups that hit or miss, totals computed from items), nothing that needs a database.
import { randomUUID } from "node:crypto";
import { z } from "zod";

export const OrderId = z.string().regex(/^ord-[0-9a-z-]{1,40}$/, 'expected an order id like "ord-1001"');

export const OrderInput = z.strictObject({
  customerId: z.string().trim().min(1).max(64),
  currency: z.enum(["EUR", "USD", "GBP"]).default("EUR"),
  items: z
    .array(
      z.strictObject({
        sku: z.string().regex(/^[A-Z0-9-]{2,32}$/, 'expected a SKU like "SKU-42"'),
        quantity: z.number().int().min(1).max(100),
        unitPrice: z.number().min(0).max(1_000_000),
      }),
    )
    .min(1)
    .max(50),
});
export type OrderInput = z.infer<typeof OrderInput>;

export const CheckoutInput = z.strictObject({
  orderId: OrderId,
  paymentMethod: z.enum(["card", "invoice"]),
});

export const ReservationInput = z.strictObject({
  orderId: OrderId,
  items: z
    .array(z.strictObject({ sku: z.string().min(1).max(32), quantity: z.number().int().min(1) }))
    .min(1),
});

export interface Order extends OrderInput {
  readonly id: string;
  readonly total: number;
  readonly status: "created" | "confirmed";
  readonly createdAt: string;
}

const round = (amount: number) => Math.round(amount * 100) / 100;

export class OrderStore {
  readonly #orders = new Map<string, Order>();
  readonly #limit: number;

  /** `limit` bounds memory under load tests: the oldest orders are forgotten first. */
  constructor(seed: readonly OrderInput[] = SEED_ORDERS, limit = 10_000) {
    this.#limit = limit;
    seed.forEach((input, index) => this.#put(`ord-${1001 + index}`, input));
  }

  create(input: OrderInput): Order {
    return this.#put(`ord-${randomUUID()}`, input);
  }

  get(id: string): Order | undefined {
    return this.#orders.get(id);
  }

  confirm(id: string): Order | undefined {
    const order = this.#orders.get(id);
    if (!order) return undefined;
    const confirmed = Object.freeze({ ...order, status: "confirmed" as const });
    this.#orders.set(id, confirmed);
    return confirmed;
  }

  #put(id: string, input: OrderInput): Order {
    const order: Order = Object.freeze({
      ...input,
      id,
      total: round(input.items.reduce((sum, item) => sum + item.quantity * item.unitPrice, 0)),
      status: "created",
      createdAt: new Date().toISOString(),
    });
    this.#orders.set(id, order);
    if (this.#orders.size > this.#limit) this.#orders.delete(this.#orders.keys().next().value!);
    return order;
  }
}

/** Known orders so GET and checkout work on a fresh instance (ord-1001 … ord-1003). */
export const SEED_ORDERS: readonly OrderInput[] = Object.freeze([
  { customerId: "cust-ada", currency: "EUR", items: [{ sku: "SKU-KEYBOARD", quantity: 1, unitPrice: 89.9 }] },
  {
    customerId: "cust-grace",
    currency: "EUR",
    items: [
      { sku: "SKU-MOUSE", quantity: 2, unitPrice: 24.5 },
      { sku: "SKU-CABLE", quantity: 3, unitPrice: 7.99 },
    ],
  },
  { customerId: "cust-linus", currency: "USD", items: [{ sku: "SKU-MONITOR", quantity: 1, unitPrice: 249 }] },
]);
