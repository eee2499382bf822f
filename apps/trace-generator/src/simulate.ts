// Emits a planned trace instantly with computed timestamps, ending now: no waiting, so one core can
// produce tens of thousands of spans per second while every span still carries its simulated latency.
import { ROOT_CONTEXT, SpanStatusCode, trace } from "@opentelemetry/api";
import type { Attributes, Context, HrTime } from "@opentelemetry/api";
import type { PlannedSpan, PlannedTrace } from "./plan.ts";
import { plannedDuration } from "./plan.ts";
import type { Rng, SeededIdGenerator } from "./rng.ts";
import type { ServiceTracers } from "./tracers.ts";

/** Share of a span's own time spent before its first child (the rest comes after the last). */
export const PRE_CHILDREN_SHARE = 0.2;

export function toHrTime(epochMs: number): HrTime {
  const seconds = Math.floor(epochMs / 1000);
  return [seconds, Math.round((epochMs - seconds * 1000) * 1e6)];
}

export interface EmitContext {
  readonly tracers: ServiceTracers;
  readonly ids: SeededIdGenerator;
  /** Stamped on every span (--attribute, --run-id). */
  readonly runAttributes: Attributes;
}

export function errorEvent(type: string, message: string): Attributes {
  return { "exception.type": type, "exception.message": message };
}

export function simulateTrace(planned: PlannedTrace, rng: Rng, emit: EmitContext, nowMs: number): void {
  emit.ids.current = rng;
  try {
    emitSpan(planned.root, nowMs - plannedDuration(planned.root), ROOT_CONTEXT, emit);
  } finally {
    emit.ids.current = undefined;
  }
}

function emitSpan(planned: PlannedSpan, startMs: number, parent: Context, emit: EmitContext): number {
  const op = planned.operation;
  const span = emit.tracers.tracerFor(op.service).startSpan(
    op.name,
    {
      kind: planned.kind,
      attributes: { ...planned.attributes, ...emit.runAttributes },
      startTime: toHrTime(startMs),
    },
    parent,
  );
  const context = trace.setSpan(ROOT_CONTEXT, span);
  const pre = planned.selfMs * PRE_CHILDREN_SHARE;
  let cursor = startMs + pre;
  for (const group of planned.groups) {
    let groupEnd = cursor;
    for (const child of group) groupEnd = Math.max(groupEnd, emitSpan(child, cursor, context, emit));
    cursor = groupEnd;
  }
  const endMs = cursor + planned.selfMs - pre;
  for (const event of planned.events)
    span.addEvent(event.name, event.attributes, toHrTime(startMs + event.at * (endMs - startMs)));
  if (planned.error && op.error) {
    span.addEvent("exception", errorEvent(op.error.type, op.error.message), toHrTime(endMs));
    span.setStatus({ code: SpanStatusCode.ERROR, message: op.error.message });
  }
  span.end(toHrTime(endMs));
  return endMs;
}
