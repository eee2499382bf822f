// A real OTLP/gRPC trace receiver for tests, started in-process: it speaks the same wire protocol as the
// collector's otlp receiver (TraceService/Export over HTTP/2, optionally TLS), checks basic auth the way
// the collector's basicauth/server extension does, and decodes what arrives into plain JS values so tests
// can assert on spans without a collector binary. It is the ground truth for "the export path works".
import { timingSafeEqual } from "node:crypto";
import { fileURLToPath } from "node:url";
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";

const PROTO_FILE = fileURLToPath(new URL("./otlp/trace_service.proto", import.meta.url));
const SERVICE_PATH = "opentelemetry.proto.collector.trace.v1.TraceService";

/** A decoded OTLP AnyValue: ints become numbers (bigint beyond 2^53), kvlists become objects. */
export type AttributeValue =
  | string
  | number
  | bigint
  | boolean
  | Uint8Array
  | null
  | readonly AttributeValue[]
  | { readonly [key: string]: AttributeValue };
export type Attributes = Readonly<Record<string, AttributeValue>>;

/** OTLP span kinds by name. (Not @opentelemetry/api's SpanKind numbers, which are shifted by one.) */
export type SpanKindName = "UNSPECIFIED" | "INTERNAL" | "SERVER" | "CLIENT" | "PRODUCER" | "CONSUMER";
export type StatusCodeName = "UNSET" | "OK" | "ERROR";

export interface ReceivedEvent {
  readonly name: string;
  readonly timeUnixNano: bigint;
  readonly attributes: Attributes;
}

export interface ReceivedLink {
  readonly traceId: string;
  readonly spanId: string;
  readonly attributes: Attributes;
}

export interface ReceivedSpan {
  /** Lower-case hex, as in W3C traceparent. */
  readonly traceId: string;
  readonly spanId: string;
  /** Undefined for a root span. */
  readonly parentSpanId: string | undefined;
  readonly traceState: string;
  readonly flags: number;
  readonly name: string;
  readonly kind: SpanKindName;
  readonly startTimeUnixNano: bigint;
  readonly endTimeUnixNano: bigint;
  readonly attributes: Attributes;
  readonly events: readonly ReceivedEvent[];
  readonly links: readonly ReceivedLink[];
  readonly status: { readonly code: StatusCodeName; readonly message: string };
  /** The attributes of the resource this span was exported under (service.name, k8s.pod.ip, ...). */
  readonly resource: Attributes;
  readonly scope: { readonly name: string; readonly version: string };
  /** Index into `requests` of the Export call that carried it. */
  readonly requestIndex: number;
}

export interface ReceivedRequest {
  /** gRPC metadata (HTTP/2 headers), first value per key; binary (-bin) values base64. */
  readonly metadata: Readonly<Record<string, string>>;
  /** The `authorization` metadata as received, if any. */
  readonly authorization: string | undefined;
  readonly peer: string;
  readonly spanCount: number;
  /** What the receiver answered: OK, or the gRPC status it failed the call with. */
  readonly outcome: { readonly code: grpc.status; readonly details: string };
}

/** Returned by `respond` to fail an Export call, e.g. `{ code: grpc.status.UNAVAILABLE }`. */
export interface ExportFailure {
  readonly code: grpc.status;
  readonly details?: string;
}

export interface OtlpReceiverOptions {
  /** Interface to bind; loopback by default. The endpoint uses the same host. */
  readonly host?: string;
  /** 0 (default) picks a free port. */
  readonly port?: number;
  /** Server-side TLS with these PEM strings; plaintext (h2c) when absent. */
  readonly tls?: { readonly cert: string; readonly key: string };
  /** Require `authorization: Basic base64(username:password)`, answering UNAUTHENTICATED otherwise. */
  readonly basicAuth?: { readonly username: string; readonly password: string };
  /**
   * Called for every authenticated Export call (index counts from 0) before its spans are recorded.
   * Return a failure to reject the call (its spans are then not recorded), or undefined to accept it.
   */
  readonly respond?: (request: {
    readonly index: number;
    readonly metadata: Readonly<Record<string, string>>;
    readonly spanCount: number;
  }) => ExportFailure | undefined | Promise<ExportFailure | undefined>;
}

export interface WaitOptions {
  /** Default 10 s. */
  readonly timeoutMs?: number;
  /** With a predicate: how many matching spans to wait for (default 1). */
  readonly count?: number;
  /** Says what is awaited, for the timeout message. */
  readonly description?: string;
}

export interface OtlpReceiver {
  /** `http://host:port`, or `https://host:port` with TLS: what OTEL_EXPORTER_OTLP_ENDPOINT takes. */
  readonly endpoint: string;
  /** `host:port`, for configs that take no scheme (collector exporters, telemetrygen). */
  readonly address: string;
  readonly port: number;
  /** Accepted spans, in arrival order (live array: read it, don't mutate it). */
  readonly spans: readonly ReceivedSpan[];
  /** Every Export call, accepted or not, in arrival order. */
  readonly requests: readonly ReceivedRequest[];
  /**
   * Resolves when `count` spans have arrived (returning all spans), or when spans matching `predicate`
   * have (returning the matches). Rejects after `timeoutMs` saying what was awaited and what arrived.
   */
  waitForSpans(
    condition: number | ((span: ReceivedSpan) => boolean),
    options?: WaitOptions,
  ): Promise<ReceivedSpan[]>;
  /** Resolves when `count` Export calls (accepted or not) have arrived. */
  waitForRequests(count: number, options?: Omit<WaitOptions, "count">): Promise<ReceivedRequest[]>;
  /** Forgets what was received (spans and requests); waiters keep waiting. */
  clear(): void;
  /** Stops the server; in-flight calls get a short grace period, then are cancelled. */
  close(): Promise<void>;
}

let serviceDefinition: grpc.ServiceDefinition | undefined;

function traceService(): grpc.ServiceDefinition {
  serviceDefinition ??= protoLoader.loadSync(PROTO_FILE, {
    keepCase: false,
    longs: String,
    enums: String,
    bytes: Buffer,
    defaults: true,
    oneofs: true,
  })[SERVICE_PATH] as grpc.ServiceDefinition;
  return serviceDefinition;
}

// Shapes proto-loader produces for our .proto with the options above.
interface WireAnyValue {
  value?: string;
  stringValue?: string;
  boolValue?: boolean;
  intValue?: string;
  doubleValue?: number;
  arrayValue?: { values: WireAnyValue[] };
  kvlistValue?: { values: WireKeyValue[] };
  bytesValue?: Buffer;
}
interface WireKeyValue {
  key: string;
  value: WireAnyValue | null;
}
interface WireSpan {
  traceId: Buffer;
  spanId: Buffer;
  traceState: string;
  parentSpanId: Buffer;
  flags: number;
  name: string;
  kind: string;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: WireKeyValue[];
  events: { timeUnixNano: string; name: string; attributes: WireKeyValue[] }[];
  links: { traceId: Buffer; spanId: Buffer; attributes: WireKeyValue[] }[];
  status: { message: string; code: string } | null;
}
interface WireRequest {
  resourceSpans: {
    resource: { attributes: WireKeyValue[] } | null;
    scopeSpans: { scope: { name: string; version: string } | null; spans: WireSpan[] }[];
  }[];
}

function decodeValue(value: WireAnyValue | null | undefined): AttributeValue {
  switch (value?.value) {
    case "stringValue":
      return value.stringValue ?? "";
    case "boolValue":
      return value.boolValue ?? false;
    case "intValue": {
      const big = BigInt(value.intValue ?? "0");
      return big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER)
        ? Number(big)
        : big;
    }
    case "doubleValue":
      return value.doubleValue ?? 0;
    case "arrayValue":
      return Object.freeze((value.arrayValue?.values ?? []).map(decodeValue));
    case "kvlistValue":
      return decodeAttributes(value.kvlistValue?.values ?? []);
    case "bytesValue":
      return new Uint8Array(value.bytesValue ?? []);
    default:
      return null;
  }
}

function decodeAttributes(list: readonly WireKeyValue[]): Attributes {
  return Object.freeze(Object.fromEntries(list.map((kv) => [kv.key, decodeValue(kv.value)])));
}

const hex = (bytes: Buffer): string => bytes.toString("hex");

type DecodedSpan = Omit<ReceivedSpan, "requestIndex">;

function decodeSpans(request: WireRequest): DecodedSpan[] {
  return request.resourceSpans.flatMap((rs) => {
    const resource = decodeAttributes(rs.resource?.attributes ?? []);
    return rs.scopeSpans.flatMap((ss) => {
      const scope = Object.freeze({ name: ss.scope?.name ?? "", version: ss.scope?.version ?? "" });
      return ss.spans.map((span): DecodedSpan => ({
        traceId: hex(span.traceId),
        spanId: hex(span.spanId),
        parentSpanId: span.parentSpanId.length > 0 ? hex(span.parentSpanId) : undefined,
        traceState: span.traceState,
        flags: span.flags,
        name: span.name,
        kind: span.kind.replace(/^SPAN_KIND_/, "") as SpanKindName,
        startTimeUnixNano: BigInt(span.startTimeUnixNano),
        endTimeUnixNano: BigInt(span.endTimeUnixNano),
        attributes: decodeAttributes(span.attributes),
        events: Object.freeze(
          span.events.map((event) =>
            Object.freeze({
              name: event.name,
              timeUnixNano: BigInt(event.timeUnixNano),
              attributes: decodeAttributes(event.attributes),
            }),
          ),
        ),
        links: Object.freeze(
          span.links.map((link) =>
            Object.freeze({
              traceId: hex(link.traceId),
              spanId: hex(link.spanId),
              attributes: decodeAttributes(link.attributes),
            }),
          ),
        ),
        status: Object.freeze({
          code: (span.status?.code ?? "STATUS_CODE_UNSET").replace(/^STATUS_CODE_/, "") as StatusCodeName,
          message: span.status?.message ?? "",
        }),
        resource,
        scope,
      }));
    });
  });
}

function metadataRecord(metadata: grpc.Metadata): Record<string, string> {
  return Object.freeze(
    Object.fromEntries(
      Object.entries(metadata.getMap()).map(([key, value]) => [
        key,
        typeof value === "string" ? value : value.toString("base64"),
      ]),
    ),
  );
}

const sameSecret = (a: string, b: string): boolean => {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
};

/** The collector's basicauth/server check: the error text is what the caller sees in UNAUTHENTICATED. */
function basicAuthProblem(header: string | undefined, expected: { username: string; password: string }) {
  if (header === undefined || header === "") return "missing or empty authorization header";
  const [scheme, encoded] = header.split(" ", 2);
  if (scheme !== "Basic" || encoded === undefined) return "invalid authorization scheme prefix";
  const decoded = Buffer.from(encoded, "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon < 0) return "invalid authorization format";
  const ok =
    sameSecret(decoded.slice(0, colon), expected.username) &&
    sameSecret(decoded.slice(colon + 1), expected.password);
  return ok ? undefined : "invalid credentials";
}

function describeSpans(spans: readonly ReceivedSpan[]): string {
  if (spans.length === 0) return "no spans";
  const shown = spans.slice(-20).map((s) => `${s.name} (${s.kind}, trace ${s.traceId})`);
  return `${spans.length} span(s)${spans.length > 20 ? ", the last 20" : ""}: ${shown.join("; ")}`;
}

/** Starts a receiver; close it when done (e.g. in afterAll/afterEach). */
export async function startOtlpReceiver(options: OtlpReceiverOptions = {}): Promise<OtlpReceiver> {
  const host = options.host ?? "127.0.0.1";
  let spans: ReceivedSpan[] = [];
  let requests: ReceivedRequest[] = [];
  let callIndex = 0;
  const listeners = new Set<() => void>();
  const notify = () => listeners.forEach((listener) => listener());

  const server = new grpc.Server();
  server.addService(traceService(), {
    Export: (
      call: grpc.ServerUnaryCall<WireRequest, unknown>,
      callback: grpc.sendUnaryData<{ partialSuccess: null }>,
    ) => {
      const metadata = metadataRecord(call.metadata);
      const authorization = metadata.authorization;
      const decoded = decodeSpans(call.request);
      const finish = (code: grpc.status, details: string) => {
        requests.push(
          Object.freeze({
            metadata,
            authorization,
            peer: call.getPeer(),
            spanCount: decoded.length,
            outcome: { code, details },
          }),
        );
        if (code === grpc.status.OK) {
          const requestIndex = requests.length - 1;
          spans.push(...decoded.map((span) => Object.freeze({ ...span, requestIndex })));
          callback(null, { partialSuccess: null });
        } else {
          callback({ code, details });
        }
        notify();
      };

      const authProblem = options.basicAuth && basicAuthProblem(authorization, options.basicAuth);
      if (authProblem) return finish(grpc.status.UNAUTHENTICATED, authProblem);
      const index = callIndex++;
      Promise.resolve(options.respond?.({ index, metadata, spanCount: decoded.length })).then(
        (failure) =>
          finish(
            failure?.code ?? grpc.status.OK,
            failure ? (failure.details ?? grpc.status[failure.code]) : "",
          ),
        (error: unknown) => finish(grpc.status.INTERNAL, `respond hook threw: ${String(error)}`),
      );
    },
  });

  const credentials = options.tls
    ? grpc.ServerCredentials.createSsl(
        null,
        [{ cert_chain: Buffer.from(options.tls.cert), private_key: Buffer.from(options.tls.key) }],
        false,
      )
    : grpc.ServerCredentials.createInsecure();
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(`${host}:${options.port ?? 0}`, credentials, (error, bound) =>
      error
        ? reject(
            new Error(`OTLP receiver could not listen on ${host}:${options.port ?? 0}: ${error.message}`),
          )
        : resolve(bound),
    ),
  );
  const address = `${host.includes(":") ? `[${host}]` : host}:${port}`;

  function waitUntil<T>(check: () => T | undefined, timeoutMs: number, describe: () => string): Promise<T> {
    return new Promise((resolve, reject) => {
      const attempt = () => {
        const result = check();
        if (result === undefined) return;
        cleanup();
        resolve(result);
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`OTLP receiver at ${address}: timed out after ${timeoutMs} ms ${describe()}`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        listeners.delete(attempt);
      };
      listeners.add(attempt);
      attempt();
    });
  }

  return {
    endpoint: `${options.tls ? "https" : "http"}://${address}`,
    address,
    port,
    get spans() {
      return spans;
    },
    get requests() {
      return requests;
    },
    waitForSpans(condition, waitOptions = {}) {
      const timeoutMs = waitOptions.timeoutMs ?? 10_000;
      const wanted = typeof condition === "number" ? condition : (waitOptions.count ?? 1);
      const matching = () => (typeof condition === "number" ? spans : spans.filter(condition));
      const what = waitOptions.description ?? (typeof condition === "number" ? "spans" : "matching spans");
      return waitUntil(
        () => {
          const found = matching();
          return found.length >= wanted ? [...found] : undefined;
        },
        timeoutMs,
        () =>
          `waiting for ${wanted} ${what}; ${matching().length} matched. Received ${describeSpans(spans)}` +
          (requests.length > 0
            ? `; calls: ${requests.map((r) => grpc.status[r.outcome.code]).join(", ")}`
            : "; no Export calls at all"),
      );
    },
    waitForRequests(count, waitOptions = {}) {
      return waitUntil(
        () => (requests.length >= count ? [...requests] : undefined),
        waitOptions.timeoutMs ?? 10_000,
        () => `waiting for ${count} ${waitOptions.description ?? "Export calls"}; ${requests.length} arrived`,
      );
    },
    clear() {
      spans = [];
      requests = [];
    },
    close() {
      return new Promise<void>((resolve) => {
        const force = setTimeout(() => server.forceShutdown(), 2_000);
        server.tryShutdown(() => {
          clearTimeout(force);
          resolve();
        });
      });
    },
  };
}
