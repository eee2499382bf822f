// "Did the traces cross?" — the positive half of `make verify` (clusters) and `make local-verify` (loopback),
// in the style of opentelemetry-demo's telemetry tests: a table of expected services, resource attributes
// and parent→child edges, checked against Jaeger's HTTP API, one pass/fail row each.
//
// API
//   expectations({ podMetadata, syntheticServices?, attributes? }) → PipelineExpectations
//       podMetadata: true in the clusters (k8s_attributes adds k8s.pod.name, k8s.namespace.name,
//       k8s.deployment.name); false off-cluster, where k8s_attributes runs in passthrough mode.
//   evaluatePipeline(expectations, observed) → CheckRow[]       pure: rows from what Jaeger returned
//   observePipeline(client, expectations) → Observation          one round of Jaeger queries
//   checkPipeline(client, expectations, { timeoutMs }) → CheckRow[]
//       polls (bounded) until every row passes or time runs out, and returns the last rows either way.
//   formatRows(rows) → string                                    a fixed-width table for the terminal
//   CheckRow = { check, ok, detail } (types.ts), shared with gateway-checks.ts.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { REPO_ROOT } from "../lib/topology.ts";
import type { JaegerClient, JaegerTrace } from "../lib/jaeger-client.ts";
import { parentOf, processTags, serviceOf } from "../lib/jaeger-client.ts";
import type { CheckRow } from "./types.ts";

/** A resource attribute every span of the app services must carry: an exact value, one of some, or any. */
export type ExpectedValue =
  { readonly equals: string } | { readonly oneOf: readonly string[] } | { readonly present: true };

export interface PipelineExpectations {
  /** Services whose spans must be in Jaeger; the apps are also checked for `attributes`. */
  readonly appServices: readonly string[];
  readonly syntheticServices: readonly string[];
  readonly attributes: Readonly<Record<string, ExpectedValue>>;
  /** A trace must contain a span of `child` whose CHILD_OF parent is a span of `parent`. */
  readonly edges: readonly { readonly parent: string; readonly child: string }[];
  /**
   * With more than one edge cluster: each must have sent the generator's traces under its own name
   * (k8s.cluster.name, which the remote sets from the edge's credential). Empty for one edge.
   */
  readonly senders: readonly string[];
  /** Traces fetched per service and round; the edge and attribute checks look at these. */
  readonly tracesPerService: number;
  readonly lookback: string;
}

/** The service every edge runs whose traces name their sender. */
const SENDER_SERVICE = "trace-generator";
/** The two apps, by the service names they report (their defaults). */
export const APP_SERVICES = Object.freeze(["sample-service", "trace-generator"]);
/** The services of the trace generator's built-in `shop` scenario, read from the scenario file itself. */
export const SHOP_SCENARIO_SERVICES: readonly string[] = Object.freeze(
  Object.keys(
    (
      parse(readFileSync(join(REPO_ROOT, "apps/trace-generator/scenarios/shop.yaml"), "utf8")) as {
        services: Record<string, unknown>;
      }
    ).services,
  ),
);

export interface ExpectationOptions {
  podMetadata: boolean;
  /** The edge clusters' names (default: the one edge, "edge"). */
  edgeNames?: readonly string[];
  syntheticServices?: readonly string[];
  /** Extra or overriding attribute expectations (e.g. a per-run id). */
  attributes?: Readonly<Record<string, ExpectedValue>>;
  tracesPerService?: number;
  lookback?: string;
}

export function expectations(options: ExpectationOptions): PipelineExpectations {
  const edges = options.edgeNames ?? ["edge"];
  const attributes: Record<string, ExpectedValue> = {
    "k8s.cluster.name": edges.length === 1 ? { equals: edges[0]! } : { oneOf: Object.freeze([...edges]) },
  };
  if (options.podMetadata)
    for (const key of ["k8s.pod.name", "k8s.namespace.name", "k8s.deployment.name"])
      attributes[key] = { present: true };
  return Object.freeze({
    appServices: APP_SERVICES,
    syntheticServices: Object.freeze([...(options.syntheticServices ?? [])]),
    attributes: Object.freeze({ ...attributes, ...options.attributes }),
    edges: Object.freeze([Object.freeze({ parent: "trace-generator", child: "sample-service" })]),
    senders: Object.freeze(edges.length > 1 ? [...edges] : []),
    tracesPerService: options.tracesPerService ?? 50,
    lookback: options.lookback ?? "1h",
  });
}

/** What one round of queries saw. */
export interface Observation {
  readonly services: readonly string[];
  readonly traces: ReadonlyMap<string, readonly JaegerTrace[]>;
  /** Per expected sender: how many of its generator's traces the tag search found. */
  readonly senderTraces?: ReadonlyMap<string, number>;
}

function describeExpected(expected: ExpectedValue): string {
  if ("equals" in expected) return `=${expected.equals}`;
  return "oneOf" in expected ? ` in {${expected.oneOf.join(", ")}}` : " present";
}

function isWrong(expected: ExpectedValue, value: string): boolean {
  if ("equals" in expected) return value !== expected.equals;
  return "oneOf" in expected ? !expected.oneOf.includes(value) : value === "<missing>";
}

function attributeRow(
  service: string,
  key: string,
  expected: ExpectedValue,
  traces: readonly JaegerTrace[],
): CheckRow {
  const check = `${service}: ${key}${describeExpected(expected)}`;
  const values = new Map<string, number>();
  let spans = 0;
  for (const trace of traces)
    for (const span of trace.spans) {
      if (serviceOf(trace, span) !== service) continue;
      spans += 1;
      const value = processTags(trace, span)[key];
      const label = value === undefined ? "<missing>" : String(value);
      values.set(label, (values.get(label) ?? 0) + 1);
    }
  if (spans === 0) return { check, ok: false, detail: "no spans of this service yet" };
  const bad = [...values].filter(([value]) => isWrong(expected, value));
  const seen = [...values].map(([value, count]) => `${value} ×${count}`).join(", ");
  return bad.length === 0
    ? { check, ok: true, detail: `${spans} spans: ${seen}` }
    : { check, ok: false, detail: `${spans} spans, ${bad.reduce((n, [, c]) => n + c, 0)} wrong: ${seen}` };
}

function edgeRow(parent: string, child: string, observation: Observation): CheckRow {
  const check = `edge ${parent} → ${child}`;
  const candidates = [...(observation.traces.get(child) ?? []), ...(observation.traces.get(parent) ?? [])];
  for (const trace of candidates)
    for (const span of trace.spans) {
      if (serviceOf(trace, span) !== child) continue;
      const up = parentOf(trace, span);
      if (up && serviceOf(trace, up) === parent)
        return {
          check,
          ok: true,
          detail: `trace ${trace.traceID}: "${up.operationName}" → "${span.operationName}"`,
        };
    }
  return {
    check,
    ok: false,
    detail: `none of ${candidates.length} traces has a ${child} span whose parent is a ${parent} span`,
  };
}

/** Pure: the pass/fail rows for what Jaeger returned. */
export function evaluatePipeline(expected: PipelineExpectations, observation: Observation): CheckRow[] {
  const rows: CheckRow[] = [];
  for (const service of [...expected.appServices, ...expected.syntheticServices]) {
    const traces = observation.traces.get(service) ?? [];
    const listed = observation.services.includes(service);
    rows.push({
      check: `service ${service} in Jaeger`,
      ok: listed && traces.length > 0,
      detail: listed ? `${traces.length} recent traces` : "not in /api/services",
    });
  }
  for (const service of expected.appServices)
    for (const [key, value] of Object.entries(expected.attributes))
      rows.push(attributeRow(service, key, value, observation.traces.get(service) ?? []));
  for (const { parent, child } of expected.edges) rows.push(edgeRow(parent, child, observation));
  for (const sender of expected.senders) {
    const found = observation.senderTraces?.get(sender) ?? 0;
    rows.push({
      check: `${SENDER_SERVICE} traces from ${sender}`,
      ok: found > 0,
      detail: found > 0 ? `${found} recent traces with k8s.cluster.name=${sender}` : "none yet",
    });
  }
  return rows;
}

/** One round of queries: the service list, then recent traces of every expected service. */
export async function observePipeline(
  client: JaegerClient,
  expected: PipelineExpectations,
): Promise<Observation> {
  const services = await client.services();
  const traces = new Map<string, JaegerTrace[]>();
  for (const service of [...expected.appServices, ...expected.syntheticServices])
    traces.set(
      service,
      services.includes(service)
        ? await client.findTraces({ service, limit: expected.tracesPerService, lookback: expected.lookback })
        : [],
    );
  const senderTraces = new Map<string, number>();
  for (const sender of expected.senders)
    senderTraces.set(
      sender,
      (
        await client.findTraces({
          service: SENDER_SERVICE,
          tags: { "k8s.cluster.name": sender },
          limit: 5,
          lookback: expected.lookback,
        })
      ).length,
    );
  return { services, traces, senderTraces };
}

export interface CheckPipelineOptions {
  timeoutMs: number;
  intervalMs?: number;
}

/** Polls until every row passes or `timeoutMs` runs out; returns the last round's rows either way. */
export async function checkPipeline(
  client: JaegerClient,
  expected: PipelineExpectations,
  options: CheckPipelineOptions,
): Promise<CheckRow[]> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    let rows: CheckRow[];
    try {
      rows = evaluatePipeline(expected, await observePipeline(client, expected));
    } catch (error) {
      rows = [{ check: `Jaeger API at ${client.baseUrl}`, ok: false, detail: (error as Error).message }];
    }
    if (rows.every((row) => row.ok) || Date.now() >= deadline) return rows;
    await new Promise((resolve) =>
      setTimeout(resolve, Math.min(options.intervalMs ?? 1000, deadline - Date.now())),
    );
  }
}

/** A fixed-width table: PASS/FAIL, the check, and what was seen. */
export function formatRows(rows: readonly CheckRow[]): string {
  const width = Math.max(5, ...rows.map((row) => row.check.length));
  return rows
    .map((row) => `${row.ok ? "PASS" : "FAIL"}  ${row.check.padEnd(width)}  ${row.detail}`)
    .join("\n");
}
