// Runs a planned trace in real time: synthetic steps wait out their latency, HTTP steps make the real
// request with a W3C traceparent header, so the called service's server span joins the same trace as a
// child of ours.
import { ROOT_CONTEXT, SpanStatusCode, trace } from "@opentelemetry/api";
import type { Context, Span } from "@opentelemetry/api";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import { setTimeout as sleep } from "node:timers/promises";
import type { PlannedHttp, PlannedSpan, PlannedTrace } from "./plan.ts";
import type { Rng } from "./rng.ts";
import { errorEvent, PRE_CHILDREN_SHARE } from "./simulate.ts";
import type { EmitContext } from "./simulate.ts";

export interface LiveContext extends EmitContext {
  /** Base URL the HTTP steps' paths are resolved against (--target-url). */
  readonly targetUrl: URL;
  readonly httpTimeoutMs: number;
  /** A request that got no response: recorded on the span, and counted and logged by the runner. */
  readonly onHttpError: (message: string) => void;
}

const propagator = new W3CTraceContextPropagator();

export async function runLiveTrace(planned: PlannedTrace, rng: Rng, live: LiveContext): Promise<void> {
  await runSpan(planned.root, ROOT_CONTEXT, rng, live);
}

async function runSpan(planned: PlannedSpan, parent: Context, rng: Rng, live: LiveContext): Promise<void> {
  const op = planned.operation;
  // IDs follow the trace's seed; set right before the synchronous startSpan because traces interleave.
  live.ids.current = rng;
  const span = live.tracers
    .tracerFor(op.service)
    .startSpan(
      op.name,
      { kind: planned.kind, attributes: { ...planned.attributes, ...live.runAttributes } },
      parent,
    );
  live.ids.current = undefined;
  const context = trace.setSpan(ROOT_CONTEXT, span);
  try {
    if (planned.http !== undefined) {
      await callHttp(span, context, planned.http, live);
    } else {
      const pre = planned.selfMs * PRE_CHILDREN_SHARE;
      if (pre > 0) await sleep(pre);
      for (const group of planned.groups)
        await Promise.all(group.map((child) => runSpan(child, context, rng, live)));
      for (const event of planned.events) span.addEvent(event.name, event.attributes);
      if (planned.selfMs - pre > 0) await sleep(planned.selfMs - pre);
    }
    if (planned.error && op.error) {
      span.addEvent("exception", errorEvent(op.error.type, op.error.message));
      span.setStatus({ code: SpanStatusCode.ERROR, message: op.error.message });
    }
  } finally {
    span.end();
  }
}

async function callHttp(span: Span, context: Context, http: PlannedHttp, live: LiveContext): Promise<void> {
  const url = new URL(http.path, live.targetUrl);
  const headers: Record<string, string> = { accept: "application/json" };
  propagator.inject(context, headers, {
    set: (carrier, key, value) => ((carrier as Record<string, string>)[key] = value),
  });
  if (http.body !== undefined) headers["content-type"] = "application/json";
  span.setAttributes({
    "http.request.method": http.method,
    "url.full": url.href,
    "server.address": url.hostname,
    "server.port": Number(url.port || (url.protocol === "https:" ? 443 : 80)),
  });
  try {
    const response = await fetch(url, {
      method: http.method,
      headers,
      body: http.body === undefined ? undefined : JSON.stringify(http.body),
      signal: AbortSignal.timeout(live.httpTimeoutMs),
    });
    await response.arrayBuffer(); // drain, so the keep-alive connection is reused
    span.setAttribute("http.response.status_code", response.status);
    if (response.status >= 400) {
      span.setAttribute("error.type", String(response.status));
      span.setStatus({ code: SpanStatusCode.ERROR, message: `HTTP ${response.status}` });
    }
  } catch (error) {
    const cause =
      error instanceof Error ? ((error.cause as Error | undefined)?.message ?? error.message) : String(error);
    span.setAttribute("error.type", error instanceof Error ? error.name : "Error");
    span.addEvent("exception", errorEvent(error instanceof Error ? error.name : "Error", cause));
    span.setStatus({ code: SpanStatusCode.ERROR, message: cause });
    live.onHttpError(`${http.method} ${url.href} failed: ${cause}`);
  }
}
