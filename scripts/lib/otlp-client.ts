// A minimal OTLP/gRPC client for the checks and tests: one Export call with exactly the transport,
// credentials and payload the caller chooses (the SDK exporters retry, batch and hide the status). Uses
// the same OTLP protos as the test receiver (@otel-e2r/testkit).
//
//   exportOnce({ address, credentials, serverName?, authorization?, request, timeoutMs, signal? }) → { code, message }
//   oneSpanRequest({ service, scope?, name, attributes }) → an ExportTraceServiceRequest with one span
//   oneGaugeRequest({ resource, name, value, attributes }) → an ExportMetricsServiceRequest with one point
import { randomBytes } from "node:crypto";
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import { OTLP_METRICS_PROTO, OTLP_TRACE_PROTO } from "@otel-e2r/testkit/otlp-spans.ts";

export interface ExportOutcome {
  readonly code: grpc.status;
  readonly message: string;
}

type ExportClient = grpc.Client & {
  Export(
    request: unknown,
    metadata: grpc.Metadata,
    options: grpc.CallOptions,
    callback: (error: grpc.ServiceError | null) => void,
  ): grpc.ClientUnaryCall;
};

const SERVICES = Object.freeze({
  traces: { proto: OTLP_TRACE_PROTO, path: ["trace", "TraceService"] },
  metrics: { proto: OTLP_METRICS_PROTO, path: ["metrics", "MetricsService"] },
});
export type Signal = keyof typeof SERVICES;

const clientConstructors = new Map<Signal, grpc.ServiceClientConstructor>();

function serviceClient(signal: Signal): grpc.ServiceClientConstructor {
  let constructor = clientConstructors.get(signal);
  if (!constructor) {
    const { proto, path } = SERVICES[signal];
    const definition = protoLoader.loadSync(proto, { keepCase: false, longs: String, enums: String });
    const loaded = grpc.loadPackageDefinition(definition) as unknown as {
      opentelemetry: {
        proto: { collector: Record<string, { v1: Record<string, grpc.ServiceClientConstructor> }> };
      };
    };
    constructor = loaded.opentelemetry.proto.collector[path[0]!]!.v1[path[1]!]!;
    clientConstructors.set(signal, constructor);
  }
  return constructor;
}

/** An export request holding one span with string attributes. */
export function oneSpanRequest(options: {
  service: string;
  scope?: string;
  name: string;
  attributes: Readonly<Record<string, string>>;
  /** More resource attributes than service.name, e.g. a k8s.cluster.name the sender claims. */
  resource?: Readonly<Record<string, string>>;
}): unknown {
  const nowNs = BigInt(Date.now()) * 1_000_000n;
  const text = (key: string, value: string) => ({ key, value: { stringValue: value } });
  return {
    resourceSpans: [
      {
        resource: {
          attributes: [
            text("service.name", options.service),
            ...Object.entries(options.resource ?? {}).map(([key, value]) => text(key, value)),
          ],
        },
        scopeSpans: [
          {
            scope: { name: options.scope ?? "otel-edge-to-remote" },
            spans: [
              {
                traceId: randomBytes(16),
                spanId: randomBytes(8),
                name: options.name,
                kind: "SPAN_KIND_CLIENT",
                startTimeUnixNano: String(nowNs - 1_000_000n),
                endTimeUnixNano: String(nowNs),
                attributes: Object.entries(options.attributes).map(([key, value]) => text(key, value)),
              },
            ],
          },
        ],
      },
    ],
  };
}

export interface ExportOptions {
  /** host:port. */
  address: string;
  credentials: grpc.ChannelCredentials;
  /** TLS server name and :authority; defaults to the address's host. */
  serverName?: string;
  /** The authorization header, e.g. "Basic …". */
  authorization?: string;
  request: unknown;
  timeoutMs: number;
  /** Which OTLP service the request is for; traces unless said. */
  signal?: Signal;
}

/** One Export call; resolves with its gRPC status (never rejects). */
export async function exportOnce(options: ExportOptions): Promise<ExportOutcome> {
  const Client = serviceClient(options.signal ?? "traces");
  const channelOptions: grpc.ChannelOptions = {
    // A test may send exports up to the edge's receive limit and beyond: the client must not refuse first.
    "grpc.max_send_message_length": -1,
  };
  if (options.serverName !== undefined) {
    channelOptions["grpc.ssl_target_name_override"] = options.serverName;
    channelOptions["grpc.default_authority"] = options.serverName;
  }
  const client = new Client(options.address, options.credentials, channelOptions) as unknown as ExportClient;
  const metadata = new grpc.Metadata();
  if (options.authorization !== undefined) metadata.set("authorization", options.authorization);
  try {
    return await new Promise<ExportOutcome>((resolve) => {
      client.Export(options.request, metadata, { deadline: Date.now() + options.timeoutMs }, (error) =>
        resolve(
          error
            ? { code: error.code, message: error.details || error.message }
            : { code: grpc.status.OK, message: "OK" },
        ),
      );
    });
  } finally {
    client.close();
  }
}

/** An export request holding one gauge point, as the sender `resource` describes itself. */
export function oneGaugeRequest(options: {
  resource: Readonly<Record<string, string>>;
  name: string;
  value: number;
  attributes: Readonly<Record<string, string>>;
}): unknown {
  const text = (key: string, value: string) => ({ key, value: { stringValue: value } });
  return {
    resourceMetrics: [
      {
        resource: { attributes: Object.entries(options.resource).map(([k, v]) => text(k, v)) },
        scopeMetrics: [
          {
            scope: { name: "otel-e2r-checks" },
            metrics: [
              {
                name: options.name,
                gauge: {
                  dataPoints: [
                    {
                      timeUnixNano: String(BigInt(Date.now()) * 1_000_000n),
                      asDouble: options.value,
                      attributes: Object.entries(options.attributes).map(([k, v]) => text(k, v)),
                    },
                  ],
                },
              },
            ],
          },
        ],
      },
    ],
  };
}
