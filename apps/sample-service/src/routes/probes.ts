// Kubernetes' probes: liveness always answers; readiness turns 503 once shutdown begins, so the Service
// stops routing new requests here while in-flight ones finish.
import { Hono } from "hono";

export function probeRoutes(isDraining?: () => boolean): Hono {
  return new Hono()
    .get("/healthz", (c) => c.json({ status: "ok" }))
    .get("/readyz", (c) =>
      isDraining?.() ? c.json({ status: "draining" }, 503) : c.json({ status: "ready" }),
    );
}
