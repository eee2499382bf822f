// Draws one trace from a scenario: which calls happen, how often, how long each step takes, which steps
// fail and the attribute values. Pure and deterministic for a given Rng; emitting is someone else's job.
import { SpanKind } from "@opentelemetry/api";
import type { Attributes } from "@opentelemetry/api";
import { chance, normal, uniformInt } from "./rng.ts";
import type { Rng } from "./rng.ts";
import type { AttributeValue, Latency } from "./scenario/schema.ts";
import type { OperationKind, Scenario, ScenarioOperation } from "./scenario/load.ts";

export interface PlannedEvent {
  readonly name: string;
  readonly attributes: Attributes;
  /** Where in the span's own time the event happens, 0..1. */
  readonly at: number;
}

export interface PlannedHttp {
  readonly method: string;
  /** Path with its placeholders filled in. */
  readonly path: string;
  readonly body: unknown;
}

export interface PlannedSpan {
  readonly operation: ScenarioOperation;
  readonly kind: SpanKind;
  /** Time spent in the span itself, excluding children (ms). */
  readonly selfMs: number;
  readonly error: boolean;
  readonly attributes: Attributes;
  readonly events: readonly PlannedEvent[];
  /** Groups run one after another; the spans inside a group run side by side. */
  readonly groups: readonly (readonly PlannedSpan[])[];
  readonly http: PlannedHttp | undefined;
}

export interface PlannedTrace {
  readonly root: PlannedSpan;
  readonly spanCount: number;
}

const KINDS: Readonly<Record<OperationKind, SpanKind>> = Object.freeze({
  server: SpanKind.SERVER,
  client: SpanKind.CLIENT,
  internal: SpanKind.INTERNAL,
  producer: SpanKind.PRODUCER,
  consumer: SpanKind.CONSUMER,
});

/** z for the 99th percentile of the standard normal: p99 = p50 * e^(sigma * Z99). */
const Z99 = 2.3263478740408408;

export function sampleLatency(rng: Rng, latency: Latency): number {
  if (latency.fixed !== undefined) return latency.fixed;
  if (latency.p50 !== undefined && latency.p99 !== undefined) {
    if (latency.p50 <= 0) return 0;
    const sigma = Math.log(Math.max(latency.p99, latency.p50) / latency.p50) / Z99;
    return latency.p50 * Math.exp(sigma * normal(rng));
  }
  const min = latency.min ?? 0;
  return min + rng.next() * ((latency.max ?? min) - min);
}

export function sampleValue(rng: Rng, value: AttributeValue): string | number | boolean {
  if (value.oneOf !== undefined)
    return value.oneOf[Math.floor(rng.next() * value.oneOf.length)] as string | number | boolean;
  if (value.range !== undefined) return uniformInt(rng, value.range[0], value.range[1]);
  return value.value as string | number | boolean;
}

function sampleAttributes(rng: Rng, entries: readonly (readonly [string, AttributeValue])[]): Attributes {
  const out: Attributes = {};
  for (const [key, value] of entries) out[key] = sampleValue(rng, value);
  return out;
}

function pickEntrypoint(rng: Rng, scenario: Scenario): ScenarioOperation {
  const total = scenario.entrypoints.reduce((sum, e) => sum + e.weight, 0);
  let point = rng.next() * total;
  for (const entry of scenario.entrypoints) {
    point -= entry.weight;
    if (point < 0) return entry.operation;
  }
  return (scenario.entrypoints.at(-1) as Scenario["entrypoints"][number]).operation;
}

export function planTrace(rng: Rng, scenario: Scenario): PlannedTrace {
  let spanCount = 0;
  const plan = (op: ScenarioOperation, caller: ScenarioOperation | undefined, depth: number): PlannedSpan => {
    spanCount++;
    const kind =
      op.http !== undefined
        ? SpanKind.CLIENT
        : op.kind !== undefined
          ? KINDS[op.kind]
          : caller === undefined || caller.service !== op.service
            ? SpanKind.SERVER
            : SpanKind.INTERNAL;
    const selfMs = op.http === undefined ? sampleLatency(rng, op.latency) : 0;
    const error = op.error !== undefined && chance(rng, op.error.probability);
    const attributes = sampleAttributes(rng, op.attributes);
    const events: PlannedEvent[] = [];
    for (const event of op.events) {
      if (chance(rng, event.probability))
        events.push({
          name: event.name,
          attributes: sampleAttributes(rng, event.attributes),
          at: rng.next(),
        });
    }
    const groups: PlannedSpan[][] = [];
    if (depth < scenario.maxDepth) {
      for (const call of op.calls) {
        if (!chance(rng, call.probability)) continue;
        const times = uniformInt(rng, call.repeat.min, call.repeat.max);
        if (call.parallel) groups.push(Array.from({ length: times }, () => plan(call.target, op, depth + 1)));
        else for (let i = 0; i < times; i++) groups.push([plan(call.target, op, depth + 1)]);
      }
    }
    let http: PlannedHttp | undefined;
    if (op.http !== undefined) {
      const params = sampleAttributes(rng, Object.entries(op.http.params));
      const path = fillText(op.http.path, params, encodeURIComponent);
      http = {
        method: op.http.method,
        path,
        body: op.http.body === undefined ? undefined : fillBody(op.http.body, params),
      };
    }
    return { operation: op, kind, selfMs, error, attributes, events, groups, http };
  };
  const root = plan(pickEntrypoint(rng, scenario), undefined, 1);
  return { root, spanCount };
}

/** Total simulated duration: own time plus the groups one after another (a group lasts as long as its slowest span). */
export function plannedDuration(span: PlannedSpan): number {
  let total = span.selfMs;
  for (const group of span.groups) total += Math.max(0, ...group.map(plannedDuration));
  return total;
}

const PLACEHOLDER = /\{([^{}]+)\}/g;

function fillText(text: string, params: Attributes, encode: (s: string) => string = String): string {
  return text.replace(PLACEHOLDER, (whole, name: string) =>
    name in params ? encode(String(params[name])) : whole,
  );
}

/** Fills placeholders in a JSON body: "{name}" alone keeps the value's type, inside text it is substituted. */
function fillBody(value: unknown, params: Attributes): unknown {
  if (typeof value === "string") {
    const whole = /^\{([^{}]+)\}$/.exec(value)?.[1];
    return whole !== undefined && whole in params ? params[whole] : fillText(value, params);
  }
  if (Array.isArray(value)) return value.map((v) => fillBody(v, params));
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fillBody(v, params)]));
  }
  return value;
}
