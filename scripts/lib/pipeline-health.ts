// The pipeline's health in one line, from the queries the alert rules are made of
// (manifests/remote/prometheus/rules.yaml): how full the edge's queue is, how many calls the remote
// refused as unauthenticated in the last 5 minutes, the nearest certificate expiry, and the alerts that
// fire. `make status` prints it for the clusters (through a port-forward); the tests read it locally.
import type { PrometheusClient } from "./prometheus-client.ts";

export const HEALTH_QUERIES = Object.freeze({
  queueFill:
    'max(otelcol_exporter_queue_size{job="otelcol-edge"} / otelcol_exporter_queue_capacity{job="otelcol-edge"})',
  refusals:
    'sum(increase(rpc_server_call_duration_seconds_count{job="otelcol-remote", rpc_response_status_code="UNAUTHENTICATED"}[5m]))',
  // As in the certificate alerts: only what was reported in the last 3 minutes.
  nearestExpiry:
    "bottomk(1, tls_certificate_time_left_seconds and (time() - timestamp(tls_certificate_time_left_seconds)) < 3m)",
});

export interface PipelineHealth {
  /** 0–1; undefined before the edge's first report. */
  readonly queueFill: number | undefined;
  readonly refusals5m: number;
  readonly nearestExpiry:
    { readonly days: number; readonly subject: string; readonly cluster: string } | undefined;
  readonly firing: readonly string[];
}

export async function pipelineHealth(prometheus: PrometheusClient): Promise<PipelineHealth> {
  const [fill, refusals, expiry, alerts] = await Promise.all([
    prometheus.query(HEALTH_QUERIES.queueFill),
    prometheus.query(HEALTH_QUERIES.refusals),
    prometheus.query(HEALTH_QUERIES.nearestExpiry),
    prometheus.alerts(),
  ]);
  const nearest = expiry[0];
  return Object.freeze({
    queueFill: fill[0]?.value,
    refusals5m: Math.round(refusals[0]?.value ?? 0),
    nearestExpiry: nearest && {
      days: Math.floor(nearest.value / 86400),
      subject: nearest.labels.tls_certificate_subject ?? "?",
      cluster: nearest.labels.k8s_cluster_name ?? "?",
    },
    firing: [...new Set(alerts.filter((a) => a.state === "firing").map((a) => a.name))].sort(),
  });
}

/** "edge queue 0% full · 0 refused calls in 5 min · nearest expiry in 89 days (CN=edge, edge) · no alert firing" */
export function healthLine(health: PipelineHealth): string {
  const queue =
    health.queueFill === undefined
      ? "edge queue: no report yet"
      : `edge queue ${Math.round(health.queueFill * 100)}% full`;
  const expiry =
    health.nearestExpiry === undefined
      ? "no certificate reported"
      : `nearest expiry in ${health.nearestExpiry.days} days (${health.nearestExpiry.subject}, ${health.nearestExpiry.cluster})`;
  const alerts = health.firing.length === 0 ? "no alert firing" : `firing: ${health.firing.join(", ")}`;
  return [queue, `${health.refusals5m} refused calls in 5 min`, expiry, alerts].join(" · ");
}
