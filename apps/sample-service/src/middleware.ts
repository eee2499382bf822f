// The middleware around the routes: naming the server span after the matched route, the body size limit,
// and latency/failure injection. Each is a factory taking only what it needs, so it can be tested alone.
import { setTimeout as sleep } from "node:timers/promises";
import { trace } from "@opentelemetry/api";
import { ATTR_HTTP_ROUTE } from "@opentelemetry/semantic-conventions";
import type { MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { matchedRoutes } from "hono/route";
import type { Config } from "./config.ts";
import { badRequest, ServiceFailure } from "./errors.ts";
import { InjectionError, resolveInjection } from "./injection.ts";
import { inSpan } from "./spans.ts";

/** Semantic conventions: the server span is named "{method} {http.route}" and carries http.route. */
export function nameServerSpan(isDraining?: () => boolean): MiddlewareHandler {
  return async (c, next) => {
    await next();
    // While draining, close each connection after its response so the server can finish closing.
    if (isDraining?.()) c.header("connection", "close");
    const route = matchedRoutes(c).findLast((r) => r.method !== "ALL")?.path;
    const span = trace.getActiveSpan();
    if (route && span) {
      span.setAttribute(ATTR_HTTP_ROUTE, route);
      span.updateName(`${c.req.method} ${route}`);
    }
  };
}

export function limitBody(maxBodyBytes: number): MiddlewareHandler {
  return bodyLimit({
    maxSize: maxBodyBytes,
    onError: (c) =>
      c.json({ error: "body_too_large", message: `the body exceeds ${maxBodyBytes} bytes` }, 413),
  });
}

export type InjectionConfig = Pick<Config, "injectLatencyMs" | "injectFailureRate">;

/** Latency and failure injection, each visible as its own span (inject.latency, inject.failure). */
export function injectFaults(config: InjectionConfig, random: () => number): MiddlewareHandler {
  return async (c, next) => {
    // Unknown routes stay plain 404s, whatever the injection headers say.
    if (!matchedRoutes(c).some((r) => r.method !== "ALL")) return next();
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
  };
}
