// The OTLP/HTTP JSON export request for one report: a gauge of seconds left per certificate (negative once
// expired), and a gauge of files that could not be read, so a broken mount is visible too. The names follow
// OpenTelemetry's conventions; Prometheus's OTLP receiver turns them into tls_certificate_time_left_seconds
// and cert_expiry_unreadable_files.
import type { CertificateLifetime } from "./certificates.ts";

type Attribute = { key: string; value: { stringValue: string } };
const attributes = (pairs: Record<string, string>): Attribute[] =>
  Object.entries(pairs).map(([key, value]) => ({ key, value: { stringValue: value } }));

export function exportRequest(
  lifetimes: readonly CertificateLifetime[],
  unreadable: number,
  resource: Readonly<Record<string, string>>,
  now: Date,
): unknown {
  const timeUnixNano = `${BigInt(now.getTime()) * 1_000_000n}`;
  return {
    resourceMetrics: [
      {
        resource: { attributes: attributes(resource) },
        scopeMetrics: [
          {
            scope: { name: "otel-e2r/cert-expiry" },
            metrics: [
              {
                name: "tls.certificate.time_left",
                unit: "s",
                description: "Seconds until the certificate's notAfter; negative once it has expired.",
                gauge: {
                  dataPoints: lifetimes.map((c) => ({
                    timeUnixNano,
                    asDouble: Math.round((c.notAfter.getTime() - now.getTime()) / 1000),
                    attributes: attributes({
                      "tls.certificate.subject": c.subject,
                      "tls.certificate.issuer": c.issuer,
                      "tls.certificate.serial": c.serial,
                      "tls.certificate.role": c.role,
                      "tls.certificate.file": c.file,
                      "tls.certificate.not_after": c.notAfter.toISOString(),
                    }),
                  })),
                },
              },
              {
                name: "cert_expiry.unreadable_files",
                unit: "{file}",
                description: "Watched files that could not be read or held no certificate.",
                gauge: { dataPoints: [{ timeUnixNano, asInt: String(unreadable) }] },
              },
            ],
          },
        ],
      },
    ],
  };
}
