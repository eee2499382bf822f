// The OpenTelemetry SDK as this service runs it: auto-instrumentation (http server/client spans, undici
// for fetch), traces exported over OTLP/gRPC configured by the standard OTEL_* variables, and a resource
// that says which service, version, instance and pod the spans come from.
import type { IncomingMessage } from "node:http";
import { getNodeAutoInstrumentations } from "@opentelemetry/auto-instrumentations-node";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-grpc";
import {
  defaultResource,
  envDetector,
  hostDetector,
  processDetector,
  resourceFromAttributes,
  serviceInstanceIdDetector,
  type Resource,
} from "@opentelemetry/resources";
import { NodeSDK } from "@opentelemetry/sdk-node";
import type { SpanProcessor } from "@opentelemetry/sdk-trace";
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from "@opentelemetry/semantic-conventions";
import { DEFAULT_SERVICE_NAME, type Config } from "./config.ts";
import { SERVICE_VERSION } from "./version.ts";

/** Kubernetes polls these every few seconds: tracing them would drown the real traffic. */
export const PROBE_PATHS: ReadonlySet<string> = new Set(["/healthz", "/readyz"]);

export function isProbe(request: Pick<IncomingMessage, "url">): boolean {
  return PROBE_PATHS.has((request.url ?? "").split("?", 1)[0]!);
}

/**
 * Our defaults (service name and version, pod identity from K8S_* variables). The SDK merges detected
 * attributes over these, so OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES win, as the spec says.
 */
export function baseResource(config: Pick<Config, "podIdentity">): Resource {
  return defaultResource().merge(
    resourceFromAttributes({
      [ATTR_SERVICE_NAME]: DEFAULT_SERVICE_NAME,
      [ATTR_SERVICE_VERSION]: SERVICE_VERSION,
      ...config.podIdentity,
    }),
  );
}

export interface TelemetryOptions {
  /** Replaces the OTLP exporter (tests use an in-memory one). */
  readonly spanProcessors?: SpanProcessor[];
}

export function createTelemetry(
  config: Pick<Config, "podIdentity">,
  options: TelemetryOptions = {},
): NodeSDK {
  return new NodeSDK({
    resource: baseResource(config),
    // Later detectors win: env (OTEL_RESOURCE_ATTRIBUTES, OTEL_SERVICE_NAME) last.
    resourceDetectors: [processDetector, hostDetector, serviceInstanceIdDetector, envDetector],
    instrumentations: [
      getNodeAutoInstrumentations({
        "@opentelemetry/instrumentation-http": {
          ignoreIncomingRequestHook: isProbe,
        },
        // Every file read, socket and DNS lookup as a span is noise in a workshop trace.
        "@opentelemetry/instrumentation-fs": { enabled: false },
        "@opentelemetry/instrumentation-net": { enabled: false },
        "@opentelemetry/instrumentation-dns": { enabled: false },
      }),
    ],
    ...(options.spanProcessors
      ? { spanProcessors: options.spanProcessors }
      : { traceExporter: new OTLPTraceExporter() }),
    // Traces only: without these the SDK would also start OTLP/HTTP metric and log exporters.
    metricReaders: [],
    logRecordProcessors: [],
  });
}
