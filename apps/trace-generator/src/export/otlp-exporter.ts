// The OTLP/gRPC trace exporter for resolved settings: TLS credentials (CA, client pair) or plaintext, the
// headers as gRPC metadata, the per-request timeout.
import * as grpc from "@grpc/grpc-js";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-grpc";
import type { OtlpSettings } from "./otlp-settings.ts";

/**
 * `generation` numbers the exporters of one run: it goes into the user agent, which makes each a distinct
 * gRPC channel (grpc-js shares connections between channels with identical settings, backoff included).
 */
export function createTraceExporter(settings: OtlpSettings, generation = 0): OTLPTraceExporter {
  const metadata = new grpc.Metadata();
  for (const [key, value] of Object.entries(settings.headers)) metadata.set(key, value);
  const credentials = settings.tls
    ? grpc.credentials.createSsl(
        settings.caPem ?? null,
        settings.clientKeyPem ?? null,
        settings.clientCertPem ?? null,
      )
    : grpc.credentials.createInsecure();
  return new OTLPTraceExporter({
    url: settings.destination,
    metadata,
    credentials,
    timeoutMillis: settings.timeoutMs,
    userAgent: `trace-generator (channel ${generation})`,
  });
}
