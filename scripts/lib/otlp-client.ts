// A minimal OTLP/gRPC trace client for the checks and tests: one Export call with exactly the transport,
// credentials and payload the caller chooses (the SDK exporters retry, batch and hide the status). Uses
// the same OTLP protos as the test receiver (@otel-e2r/testkit).
//
//   exportOnce({ address, credentials, serverName?, authorization?, request, timeoutMs }) → { code, message }
//   oneSpanRequest({ service, scope?, name, attributes }) → an ExportTraceServiceRequest with one span
import { randomBytes } from "node:crypto";
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import { OTLP_TRACE_PROTO } from "@otel-e2r/testkit/otlp-receiver.ts";

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

let clientConstructor: grpc.ServiceClientConstructor | undefined;

function traceServiceClient(): grpc.ServiceClientConstructor {
  if (!clientConstructor) {
    const definition = protoLoader.loadSync(OTLP_TRACE_PROTO, {
      keepCase: false,
      longs: String,
      enums: String,
    });
    const loaded = grpc.loadPackageDefinition(definition) as unknown as {
      opentelemetry: {
        proto: { collector: { trace: { v1: { TraceService: grpc.ServiceClientConstructor } } } };
      };
    };
    clientConstructor = loaded.opentelemetry.proto.collector.trace.v1.TraceService;
  }
  return clientConstructor;
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
}

/** One Export call; resolves with its gRPC status (never rejects). */
export async function exportOnce(options: ExportOptions): Promise<ExportOutcome> {
  const Client = traceServiceClient();
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
