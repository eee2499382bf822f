// A real OTLP/gRPC trace receiver for tests, started in-process: it speaks the same wire protocol as the
// collector's otlp receiver (TraceService/Export over HTTP/2, optionally TLS), checks basic auth the way
// the collector's basicauth/server extension does, and decodes what arrives into plain JS values so tests
// can assert on spans without a collector binary. It is the ground truth for "the export path works".
import { timingSafeEqual } from "node:crypto";
import * as grpc from "@grpc/grpc-js";
import { decodeSpans, traceService, type ReceivedSpan, type WireRequest } from "./otlp-spans.ts";

export {
  OTLP_TRACE_PROTO,
  type AttributeValue,
  type Attributes,
  type ReceivedEvent,
  type ReceivedLink,
  type ReceivedSpan,
  type SpanKindName,
  type StatusCodeName,
} from "./otlp-spans.ts";

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

/** What the receiver has taken in so far, and who waits for more. */
interface ReceiverState {
  spans: ReceivedSpan[];
  requests: ReceivedRequest[];
  callIndex: number;
  readonly listeners: Set<() => void>;
}

/** The Export handler: records every call, checks basic auth like the collector, asks `respond`. */
function exportHandler(state: ReceiverState, options: OtlpReceiverOptions) {
  return (
    call: grpc.ServerUnaryCall<WireRequest, unknown>,
    callback: grpc.sendUnaryData<{ partialSuccess: null }>,
  ) => {
    const metadata = metadataRecord(call.metadata);
    const authorization = metadata.authorization;
    const decoded = decodeSpans(call.request);
    const finish = (code: grpc.status, details: string) => {
      state.requests.push(
        Object.freeze({
          metadata,
          authorization,
          peer: call.getPeer(),
          spanCount: decoded.length,
          outcome: { code, details },
        }),
      );
      if (code === grpc.status.OK) {
        const requestIndex = state.requests.length - 1;
        state.spans.push(...decoded.map((span) => Object.freeze({ ...span, requestIndex })));
        callback(null, { partialSuccess: null });
      } else {
        callback({ code, details });
      }
      state.listeners.forEach((listener) => listener());
    };

    const authProblem = options.basicAuth && basicAuthProblem(authorization, options.basicAuth);
    if (authProblem) return finish(grpc.status.UNAUTHENTICATED, authProblem);
    const index = state.callIndex++;
    Promise.resolve(options.respond?.({ index, metadata, spanCount: decoded.length })).then(
      (failure) =>
        finish(
          failure?.code ?? grpc.status.OK,
          failure ? (failure.details ?? grpc.status[failure.code]) : "",
        ),
      (error: unknown) => finish(grpc.status.INTERNAL, `respond hook threw: ${String(error)}`),
    );
  };
}

async function bind(server: grpc.Server, host: string, options: OtlpReceiverOptions): Promise<number> {
  const credentials = options.tls
    ? grpc.ServerCredentials.createSsl(
        null,
        [{ cert_chain: Buffer.from(options.tls.cert), private_key: Buffer.from(options.tls.key) }],
        false,
      )
    : grpc.ServerCredentials.createInsecure();
  return new Promise<number>((resolve, reject) =>
    server.bindAsync(`${host}:${options.port ?? 0}`, credentials, (error, bound) =>
      error
        ? reject(
            new Error(`OTLP receiver could not listen on ${host}:${options.port ?? 0}: ${error.message}`),
          )
        : resolve(bound),
    ),
  );
}

/** Resolves with `check()`'s first defined result, re-checked on every call; rejects after the bound. */
function waitUntil<T>(
  state: ReceiverState,
  address: string,
  check: () => T | undefined,
  timeoutMs: number,
  describe: () => string,
): Promise<T> {
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
      state.listeners.delete(attempt);
    };
    state.listeners.add(attempt);
    attempt();
  });
}

/** Starts a receiver; close it when done (e.g. in afterAll/afterEach). */
export async function startOtlpReceiver(options: OtlpReceiverOptions = {}): Promise<OtlpReceiver> {
  const host = options.host ?? "127.0.0.1";
  const state: ReceiverState = { spans: [], requests: [], callIndex: 0, listeners: new Set() };
  const server = new grpc.Server();
  server.addService(traceService(), { Export: exportHandler(state, options) });
  const port = await bind(server, host, options);
  const address = `${host.includes(":") ? `[${host}]` : host}:${port}`;
  const wait = <T>(check: () => T | undefined, timeoutMs: number, describe: () => string) =>
    waitUntil(state, address, check, timeoutMs, describe);

  return {
    endpoint: `${options.tls ? "https" : "http"}://${address}`,
    address,
    port,
    get spans() {
      return state.spans;
    },
    get requests() {
      return state.requests;
    },
    waitForSpans(condition, waitOptions = {}) {
      const wanted = typeof condition === "number" ? condition : (waitOptions.count ?? 1);
      const matching = () => (typeof condition === "number" ? state.spans : state.spans.filter(condition));
      const what = waitOptions.description ?? (typeof condition === "number" ? "spans" : "matching spans");
      return wait(
        () => {
          const found = matching();
          return found.length >= wanted ? [...found] : undefined;
        },
        waitOptions.timeoutMs ?? 10_000,
        () =>
          `waiting for ${wanted} ${what}; ${matching().length} matched. Received ${describeSpans(state.spans)}` +
          (state.requests.length > 0
            ? `; calls: ${state.requests.map((r) => grpc.status[r.outcome.code]).join(", ")}`
            : "; no Export calls at all"),
      );
    },
    waitForRequests(count, waitOptions = {}) {
      return wait(
        () => (state.requests.length >= count ? [...state.requests] : undefined),
        waitOptions.timeoutMs ?? 10_000,
        () =>
          `waiting for ${count} ${waitOptions.description ?? "Export calls"}; ${state.requests.length} arrived`,
      );
    },
    clear() {
      state.spans = [];
      state.requests = [];
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
