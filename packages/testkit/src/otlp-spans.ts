// OTLP traces on the wire and decoded: the trace service's protos, and what the test receiver turns an
// ExportTraceServiceRequest into (plain JS values tests can assert on).
import { fileURLToPath } from "node:url";
import type * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";

/** The OTLP trace service's protos (the subset of opentelemetry-proto this receiver and the clients use). */
export const OTLP_TRACE_PROTO = fileURLToPath(new URL("./otlp/trace_service.proto", import.meta.url));
/** Its metrics counterpart, for clients that send metrics (scripts/lib/otlp-client.ts). */
export const OTLP_METRICS_PROTO = fileURLToPath(new URL("./otlp/metrics_service.proto", import.meta.url));
export const SERVICE_PATH = "opentelemetry.proto.collector.trace.v1.TraceService";

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

let serviceDefinition: grpc.ServiceDefinition | undefined;

export function traceService(): grpc.ServiceDefinition {
  serviceDefinition ??= protoLoader.loadSync(OTLP_TRACE_PROTO, {
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
export interface WireRequest {
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

export type DecodedSpan = Omit<ReceivedSpan, "requestIndex">;

export function decodeSpans(request: WireRequest): DecodedSpan[] {
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
