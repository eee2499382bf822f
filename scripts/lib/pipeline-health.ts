// The pipeline's health in one line, from the queries the alert rules are made of
// (manifests/remote/prometheus/rules.yaml): how full the edge's queue is, how many calls the remote
// refused as unauthenticated in the last 5 minutes, the nearest certificate expiry, and the alerts that
// fire. `make status` prints it for the clusters (through a port-forward); the tests read it locally.
import type { PrometheusClient } from "./prometheus-client.ts";

/**
 * The edge collector's job in Prometheus. Its metrics cross the hop, and the remote collector puts the
 * sender's name in front (service.namespace; manifests/remote/collector/config.yaml), so that nothing sent
 * over the hop lands in one of the remote's own jobs.
 */
export const EDGE_COLLECTOR_JOB = "edge/otelcol-edge";
/** Every edge's collector, whatever the edge's name: the label matcher the alert rules use. */
export const EDGE_COLLECTORS = 'job=~".+/otelcol-edge"';

export const HEALTH_QUERIES = Object.freeze({
  // The fullest queue of any edge.
  queueFill: `max(otelcol_exporter_queue_size{${EDGE_COLLECTORS}} / otelcol_exporter_queue_capacity{${EDGE_COLLECTORS}})`,
  refusals:
    'sum(increase(rpc_server_call_duration_seconds_count{job="otelcol-remote", rpc_response_status_code="UNAUTHENTICATED"}[5m]))',
  // As in the certificate alerts: only what was reported in the last 3 minutes.
  nearestExpiry:
    "bottomk(1, tls_certificate_time_left_seconds and (time() - timestamp(tls_certificate_time_left_seconds)) < 3m)",
});

/** Who reports to Prometheus, as job@k8s_cluster_name (each sends otelcol_process_uptime or a lifetime). */
export const SENDERS = Object.freeze([
  "cert-expiry@remote",
  "edge/cert-expiry@edge",
  `${EDGE_COLLECTOR_JOB}@edge`,
  "jaeger@remote",
  "otelcol-remote@remote",
]);

export async function sendersReporting(prometheus: PrometheusClient): Promise<string[]> {
  const rows = await prometheus.query(
    "count by (job, k8s_cluster_name) (otelcol_process_uptime_seconds_total or tls_certificate_time_left_seconds)",
  );
  return rows.map((row) => `${row.labels.job}@${row.labels.k8s_cluster_name}`).sort();
}

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
  // The edge's metrics cross the hop: none at all means the hop (or the edge) is down, or just started.
  const queue =
    health.queueFill === undefined
      ? "edge queue: no report from the edge"
      : `edge queue ${Math.round(health.queueFill * 100)}% full`;
  const near = health.nearestExpiry;
  const expiry =
    near === undefined
      ? "no certificate reported"
      : `${near.days < 0 ? `a certificate expired ${-near.days} days ago` : `nearest expiry in ${near.days} days`} (${near.subject}, ${near.cluster})`;
  const alerts = health.firing.length === 0 ? "no alert firing" : `firing: ${health.firing.join(", ")}`;
  const refused = `${health.refusals5m} refused call${health.refusals5m === 1 ? "" : "s"} in 5 min`;
  return [queue, refused, expiry, alerts].join(" · ");
}
