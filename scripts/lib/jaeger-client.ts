// A typed client for Jaeger v2's HTTP query API (the API the Jaeger UI uses), shared by `make verify`
// (against the remote cluster, through a port-forward), `make local-verify` and the end-to-end tests.
//
// API
//   createJaegerClient(baseUrl, { requestTimeoutMs? }) → JaegerClient
//     .services()                          GET /api/services            → string[]
//     .findTraces({ service, tags?, limit?, lookback?, operation? })
//                                          GET /api/traces?service=…&tags={…}&limit=…&lookback=…
//                                                                       → JaegerTrace[] ([] when none)
//       `limit` must stay below the in-memory store's max_traces (JAEGER_MAX_TRACES, 100000), or Jaeger
//       answers HTTP 500 "search depth must be greater than 0 and less than max traces".
//     .getTrace(traceId)                   GET /api/traces/{id}         → JaegerTrace | undefined (404)
//   Helpers on a JaegerTrace: serviceOf(trace, span), processTags(trace, span), spanTags(span),
//     parentOf(trace, span), spanCount(traces).
//   spansTagged(client, service, key, value), spansOfRun(client, service, runId): distinct spans of the
//     service's traces that carry a tag (the trace generator's tracegen.run.id for spansOfRun).
//
// Responses are validated with zod, so an unexpected shape fails with the path of the bad field rather
// than an `undefined` deep inside a check. Tag values keep Jaeger's types (string, number, boolean).
import { z } from "zod";

const keyValueSchema = z.object({
  key: z.string(),
  type: z.string().optional(),
  value: z.union([z.string(), z.number(), z.boolean()]).nullable(),
});
const referenceSchema = z.object({
  refType: z.string(),
  traceID: z.string(),
  spanID: z.string(),
});
const spanSchema = z.object({
  traceID: z.string(),
  spanID: z.string(),
  operationName: z.string(),
  references: z
    .array(referenceSchema)
    .nullish()
    .transform((value) => value ?? []),
  /** Microseconds since the epoch. */
  startTime: z.number(),
  /** Microseconds. */
  duration: z.number(),
  tags: z
    .array(keyValueSchema)
    .nullish()
    .transform((value) => value ?? []),
  processID: z.string(),
});
const processSchema = z.object({
  serviceName: z.string(),
  tags: z
    .array(keyValueSchema)
    .nullish()
    .transform((value) => value ?? []),
});
const traceSchema = z.object({
  traceID: z.string(),
  spans: z.array(spanSchema),
  processes: z.record(z.string(), processSchema),
});
// Jaeger answers `{"data": null}` rather than `[]` when nothing matches.
const servicesResponse = z.object({ data: z.array(z.string()).nullable() });
const tracesResponse = z.object({ data: z.array(traceSchema).nullable() });

export type JaegerKeyValue = z.infer<typeof keyValueSchema>;
export type JaegerSpan = z.infer<typeof spanSchema>;
export type JaegerProcess = z.infer<typeof processSchema>;
export type JaegerTrace = z.infer<typeof traceSchema>;
export type TagValue = string | number | boolean | null;

export interface TraceQuery {
  service: string;
  /** Span or resource attributes every returned trace must have (Jaeger matches either). */
  tags?: Readonly<Record<string, string>>;
  /** Maximum number of traces (Jaeger's default is 20). */
  limit?: number;
  /** How far back to search, e.g. "1h" (Jaeger's default is its whole retention window). */
  lookback?: string;
  operation?: string;
  /** A window in microseconds since the epoch (Jaeger's start/end), instead of the lookback. */
  window?: { startMicros: number; endMicros: number };
}

export interface JaegerClient {
  readonly baseUrl: string;
  services(): Promise<string[]>;
  findTraces(query: TraceQuery): Promise<JaegerTrace[]>;
  getTrace(traceId: string): Promise<JaegerTrace | undefined>;
}

export interface JaegerClientOptions {
  requestTimeoutMs?: number;
}

function describeZodError(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`).join("; ");
}

/** A client for the Jaeger query API at `baseUrl` (e.g. "http://127.0.0.1:16686"). */
export function createJaegerClient(baseUrl: string, options: JaegerClientOptions = {}): JaegerClient {
  let root: URL;
  try {
    root = new URL(baseUrl);
  } catch {
    throw new Error(
      `Jaeger URL ${JSON.stringify(baseUrl)} is not a URL; expected e.g. http://127.0.0.1:16686`,
    );
  }
  const timeoutMs = options.requestTimeoutMs ?? 5000;

  async function get<T>(path: string, schema: z.ZodType<T>): Promise<{ status: number; body?: T }> {
    const url = new URL(path, root);
    let response: Response;
    try {
      response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    } catch (error) {
      // fetch's own error names neither the request nor the reason ("fetch failed"): its cause does.
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      const reason =
        (error as Error).name === "TimeoutError"
          ? `no answer within ${timeoutMs} ms`
          : (cause?.code ?? cause?.message ?? (error as Error).message);
      throw new Error(`GET ${url.href} failed: ${reason}`, { cause: error });
    }
    if (response.status === 404) return { status: 404 };
    const text = await response.text();
    if (!response.ok)
      throw new Error(`GET ${url.href} answered HTTP ${response.status}: ${text.slice(0, 200)}`);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new Error(`GET ${url.href} did not answer JSON: ${text.slice(0, 200)}`);
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success)
      throw new Error(`GET ${url.href} answered an unexpected shape: ${describeZodError(parsed.error)}`);
    return { status: response.status, body: parsed.data };
  }

  return Object.freeze({
    baseUrl: root.href,
    async services() {
      const { body } = await get("/api/services", servicesResponse);
      return [...(body?.data ?? [])].sort();
    },
    async findTraces(query: TraceQuery) {
      const params = new URLSearchParams({ service: query.service });
      if (query.tags && Object.keys(query.tags).length > 0) params.set("tags", JSON.stringify(query.tags));
      if (query.limit !== undefined) params.set("limit", String(query.limit));
      if (query.lookback !== undefined) params.set("lookback", query.lookback);
      if (query.operation !== undefined) params.set("operation", query.operation);
      if (query.window !== undefined) {
        params.set("start", String(query.window.startMicros));
        params.set("end", String(query.window.endMicros));
      }
      // An unknown service is a 404 or an empty list depending on the storage: both mean "nothing yet".
      const { body } = await get(`/api/traces?${params.toString()}`, tracesResponse);
      return body?.data ?? [];
    },
    async getTrace(traceId: string) {
      const { body } = await get(`/api/traces/${encodeURIComponent(traceId)}`, tracesResponse);
      return body?.data?.[0];
    },
  });
}

function toRecord(tags: readonly JaegerKeyValue[]): Record<string, TagValue> {
  return Object.fromEntries(tags.map((tag) => [tag.key, tag.value]));
}

/** The service that emitted `span`. */
export function serviceOf(trace: JaegerTrace, span: JaegerSpan): string {
  return trace.processes[span.processID]?.serviceName ?? `<unknown process ${span.processID}>`;
}

/** Resource attributes of the process that emitted `span` (k8s.cluster.name, service.instance.id, …). */
export function processTags(trace: JaegerTrace, span: JaegerSpan): Record<string, TagValue> {
  return toRecord(trace.processes[span.processID]?.tags ?? []);
}

/** Span attributes (plus what Jaeger adds, such as span.kind and otel.status_code). */
export function spanTags(span: JaegerSpan): Record<string, TagValue> {
  return toRecord(span.tags);
}

/** The span's CHILD_OF parent within the same trace, if it is there. */
export function parentOf(trace: JaegerTrace, span: JaegerSpan): JaegerSpan | undefined {
  const reference = span.references.find((ref) => ref.refType === "CHILD_OF");
  return reference && trace.spans.find((candidate) => candidate.spanID === reference.spanID);
}

/** Number of distinct spans across traces (a trace can be returned by several queries). */
export function spanCount(traces: readonly JaegerTrace[]): number {
  return new Set(traces.flatMap((trace) => trace.spans.map((span) => `${span.traceID}/${span.spanID}`))).size;
}

/** Distinct spans in Jaeger, in `service`'s traces that have a span tagged key=value. */
export async function spansTagged(
  jaeger: JaegerClient,
  service: string,
  key: string,
  value: string,
): Promise<number> {
  // Jaeger's limit must stay below its in-memory store's max_traces (100000 in the config).
  const traces = await jaeger.findTraces({ service, tags: { [key]: value }, limit: 50_000, lookback: "1h" });
  return spanCount(traces);
}

/** Distinct spans in Jaeger carrying the generator's run id (tracegen.run.id), from `service`'s traces. */
export function spansOfRun(jaeger: JaegerClient, service: string, runId: string): Promise<number> {
  return spansTagged(jaeger, service, "tracegen.run.id", runId);
}
