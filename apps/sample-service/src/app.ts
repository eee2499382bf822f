// The HTTP API. The server and client spans come from auto-instrumentation (http, undici); this module
// adds what only the app knows: the matched route (http.route, span name), business child spans with
// attributes, and errors recorded where they happen. Bad input is always a 4xx JSON answer.
import { setTimeout as sleep } from "node:timers/promises";
import { SpanStatusCode, trace, type Span } from "@opentelemetry/api";
import { ATTR_HTTP_ROUTE } from "@opentelemetry/semantic-conventions";
import { Hono, type Context } from "hono";
import { bodyLimit } from "hono/body-limit";
import { HTTPException } from "hono/http-exception";
import { matchedRoutes } from "hono/route";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { z } from "zod";
import type { Config } from "./config.ts";
import { InjectionError, resolveInjection } from "./injection.ts";
import { CheckoutInput, OrderId, OrderInput, OrderStore, ReservationInput } from "./orders.ts";
import { SERVICE_VERSION } from "./version.ts";

const tracer = trace.getTracer("sample-service", SERVICE_VERSION);

/** A failure the service really has (injected or upstream), as opposed to bad input: 5xx, span ERROR. */
export class ServiceFailure extends Error {
  override readonly name: string;
  readonly status: 500 | 502;
  /** The JSON body's `error`. (Not `code`: the SDK would record that as exception.type instead of the name.) */
  readonly errorCode: string;
  constructor(name: string, errorCode: string, status: 500 | 502, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = name;
    this.errorCode = errorCode;
    this.status = status;
  }
}

export type AppConfig = Pick<
  Config,
  "upstreamUrl" | "upstreamTimeoutMs" | "injectLatencyMs" | "injectFailureRate" | "maxBodyBytes"
>;

export interface AppOptions {
  readonly config: AppConfig;
  readonly store?: OrderStore;
  /** Source of randomness for the failure rate (tests pin it). */
  readonly random?: () => number;
  /** True once shutdown began: /readyz answers 503 so Kubernetes stops routing here. */
  readonly isDraining?: () => boolean;
}

function recordFailure(span: Span | undefined, error: Error): void {
  span?.recordException(error);
  span?.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
}

/** Runs `work` in an active child span that records any thrown error and always ends. */
async function inSpan<T>(
  name: string,
  attributes: Record<string, string | number | boolean>,
  work: (span: Span) => T | Promise<T>,
): Promise<T> {
  return tracer.startActiveSpan(name, { attributes }, async (span) => {
    try {
      return await work(span);
    } catch (error) {
      recordFailure(span, error as Error);
      throw error;
    } finally {
      span.end();
    }
  });
}

const problemsOf = (error: z.ZodError) =>
  error.issues.map((issue) => ({ path: issue.path.join(".") || "(body)", message: issue.message }));

function badRequest(status: ContentfulStatusCode, code: string, message: string, extra: object = {}) {
  return new HTTPException(status, {
    res: Response.json({ error: code, message, ...extra }, { status }),
  });
}

/** Reads and validates a JSON body; every failure is a 4xx with a JSON explanation. */
async function jsonBody<T>(c: Context, schema: z.ZodType<T>): Promise<T> {
  const type = c.req.header("content-type") ?? "";
  if (!/^application\/([a-z.+-]*\+)?json\b/i.test(type))
    throw badRequest(
      415,
      "unsupported_media_type",
      `content-type ${JSON.stringify(type)}; expected application/json`,
    );
  let body: unknown;
  try {
    body = await c.req.json();
  } catch (error) {
    throw badRequest(400, "invalid_json", `the body is not valid JSON: ${(error as Error).message}`);
  }
  const result = schema.safeParse(body);
  if (!result.success)
    throw badRequest(400, "invalid_body", "the body does not match the expected shape", {
      problems: problemsOf(result.error),
    });
  return result.data;
}

export function createApp(options: AppOptions): Hono {
  const { config } = options;
  const store = options.store ?? new OrderStore();
  const random = options.random ?? Math.random;
  const app = new Hono();

  // Name the server span after the matched route (semantic conventions: "{method} {http.route}").
  app.use(async (c, next) => {
    await next();
    // While draining, close each connection after its response so the server can finish closing.
    if (options.isDraining?.()) c.header("connection", "close");
    const route = matchedRoutes(c).findLast((r) => r.method !== "ALL")?.path;
    const span = trace.getActiveSpan();
    if (route && span) {
      span.setAttribute(ATTR_HTTP_ROUTE, route);
      span.updateName(`${c.req.method} ${route}`);
    }
  });

  app.get("/healthz", (c) => c.json({ status: "ok" }));
  app.get("/readyz", (c) =>
    options.isDraining?.() ? c.json({ status: "draining" }, 503) : c.json({ status: "ready" }),
  );

  app.use(
    "/api/*",
    bodyLimit({
      maxSize: config.maxBodyBytes,
      onError: (c) =>
        c.json({ error: "body_too_large", message: `the body exceeds ${config.maxBodyBytes} bytes` }, 413),
    }),
  );

  app.use("/api/*", async (c, next) => {
    // Unknown routes stay plain 404s, whatever the injection headers say.
    if (!matchedRoutes(c as Context).some((r) => r.method !== "ALL")) return next();
    let injection;
    try {
      injection = resolveInjection(
        { header: (name) => c.req.header(name), query: (name) => c.req.query(name) },
        config,
        random,
      );
    } catch (error) {
      if (error instanceof InjectionError) throw badRequest(400, "invalid_injection", error.message);
      throw error;
    }
    if (injection.latencyMs > 0)
      await inSpan("inject.latency", { "inject.latency_ms": injection.latencyMs }, () =>
        sleep(injection.latencyMs),
      );
    if (injection.fail)
      await inSpan("inject.failure", {}, () => {
        throw new ServiceFailure(
          "InjectedFailure",
          "injected_failure",
          500,
          "injected failure (x-inject-failure or INJECT_FAILURE_RATE)",
        );
      });
    await next();
  });

  app.get("/api/orders/:id", (c) => {
    const id = OrderId.safeParse(c.req.param("id"));
    if (!id.success) throw badRequest(400, "invalid_order_id", id.error.issues[0]!.message);
    trace.getActiveSpan()?.setAttribute("order.id", id.data);
    const order = store.get(id.data);
    return order ? c.json(order) : c.json({ error: "order_not_found", message: `no order ${id.data}` }, 404);
  });

  app.post("/api/orders", async (c) => {
    const input = await jsonBody(c, OrderInput);
    const order = store.create(input);
    trace.getActiveSpan()?.setAttributes({ "order.id": order.id, "order.item_count": order.items.length });
    return c.json(order, 201);
  });

  app.post("/api/checkout", async (c) => {
    const input = await jsonBody(c, CheckoutInput);
    const order = await inSpan("checkout.validate_order", { "order.id": input.orderId }, (span) => {
      const found = store.get(input.orderId);
      span.setAttribute("order.found", found !== undefined);
      return found;
    });
    if (!order) return c.json({ error: "order_not_found", message: `no order ${input.orderId}` }, 404);

    const reservation = await inSpan(
      "checkout.reserve_inventory",
      { "order.id": order.id, "inventory.source": config.upstreamUrl ? "upstream" : "local" },
      () => reserveInventory(config, { orderId: order.id, items: order.items }),
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

  // The upstream role: a second instance (or this one) answers checkout's reservation call.
  app.post("/api/inventory/reserve", async (c) => {
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

  app.notFound((c) =>
    c.json({ error: "not_found", message: `no route for ${c.req.method} ${c.req.path}` }, 404),
  );

  app.onError((error, c) => {
    if (error instanceof HTTPException) return error.getResponse();
    const failure =
      error instanceof ServiceFailure
        ? error
        : new ServiceFailure("UnexpectedError", "internal_error", 500, error.message, { cause: error });
    // The server span (from the http instrumentation) gets the exception too, not only the child span.
    recordFailure(trace.getActiveSpan(), failure);
    return c.json({ error: failure.errorCode, message: failure.message }, failure.status);
  });

  return app;
}

async function reserveInventory(
  config: AppConfig,
  reservation: { orderId: string; items: readonly { sku: string; quantity: number }[] },
): Promise<{ reservationId: string }> {
  if (!config.upstreamUrl) return { reservationId: `local-${reservation.orderId.slice(4)}` };
  let response: Response;
  try {
    response = await fetch(config.upstreamUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        orderId: reservation.orderId,
        items: reservation.items.map(({ sku, quantity }) => ({ sku, quantity })),
      }),
      signal: AbortSignal.timeout(config.upstreamTimeoutMs),
    });
  } catch (error) {
    throw new ServiceFailure(
      "UpstreamError",
      "upstream_unreachable",
      502,
      `upstream ${config.upstreamUrl} unreachable: ${(error as Error).message}`,
      { cause: error },
    );
  }
  const body = (await response.json().catch(() => ({}))) as { reservationId?: unknown; message?: unknown };
  if (!response.ok || typeof body.reservationId !== "string")
    throw new ServiceFailure(
      "UpstreamError",
      "upstream_failed",
      502,
      `upstream ${config.upstreamUrl} answered ${response.status}${typeof body.message === "string" ? `: ${body.message}` : ""}`,
    );
  return { reservationId: body.reservationId };
}
