// The HTTP API, composed. The server and client spans come from auto-instrumentation (http, undici); the
// parts mounted here add what only the app knows: the matched route (http.route, span name), business
// child spans with attributes, and errors recorded where they happen. Bad input is always a 4xx JSON
// answer.
import { Hono } from "hono";
import type { Config } from "./config.ts";
import { handleError, notFound } from "./errors.ts";
import { injectFaults, limitBody, nameServerSpan } from "./middleware.ts";
import { OrderStore } from "./orders.ts";
import { checkoutRoutes } from "./routes/checkout.ts";
import { inventoryRoutes } from "./routes/inventory.ts";
import { orderRoutes } from "./routes/orders.ts";
import { probeRoutes } from "./routes/probes.ts";

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

export function createApp(options: AppOptions): Hono {
  const { config } = options;
  const store = options.store ?? new OrderStore();
  const app = new Hono();
  app.use(nameServerSpan(options.isDraining));
  app.route("/", probeRoutes(options.isDraining));
  // Hono runs matching handlers in the order they were added: the /api middleware before the API routes.
  app.use("/api/*", limitBody(config.maxBodyBytes));
  app.use("/api/*", injectFaults(config, options.random ?? Math.random));
  app.route("/", orderRoutes(store));
  app.route("/", checkoutRoutes(store, config));
  app.route("/", inventoryRoutes());
  app.notFound(notFound);
  app.onError(handleError);
  return app;
}
