// What a sender may claim about itself, and what the pipeline records instead: the claims both suites
// make (the local topology on loopback, and the real clusters in step 6i, which adds a pod's claim).
//   a client holding the edge's credential, straight to the gateway: spans that claim the remote cluster,
//   and metrics that claim to be the remote collector or Jaeger;
//   an app at the edge's receiver: spans whose resource names another namespace, pod and cluster.
import * as grpc from "@grpc/grpc-js";
import { processTags, spanTags, type JaegerClient, type TagValue } from "../lib/jaeger-client.ts";
import { exportOnce, oneGaugeRequest, oneSpanRequest, type ExportOutcome } from "../lib/otlp-client.ts";
import { pollUntil } from "../lib/poll.ts";
import type { PrometheusClient } from "../lib/prometheus-client.ts";

/** Another pod's identity, in another namespace and cluster: what a forging sender claims to be. */
export const CLAIMED_POD = Object.freeze({
  "k8s.namespace.name": "kube-system",
  "k8s.pod.name": "kube-apiserver-edge-control-plane",
  "k8s.cluster.name": "remote",
  "k8s.pod.ip": "10.96.0.1",
});

/** Where a claim is sent, and as whom: the gateway with the edge's CA and credential, or the edge's receiver. */
export interface ClaimTarget {
  readonly address: string;
  readonly credentials: grpc.ChannelCredentials;
  /** The edge's basic-auth header, at the gateway. */
  readonly authorization?: string;
}

function send(target: ClaimTarget, request: unknown, signal: "traces" | "metrics"): Promise<ExportOutcome> {
  return exportOnce({ ...target, request, timeoutMs: 10_000, signal });
}

/**
 * The first span of the run in Jaeger: the one that carries this run's id, not the trace's first. A trace
 * found by the run's tag could hold spans of other runs when two runs shared a generator seed (their
 * trace ids repeat, and Jaeger merges them); the load pods' seeds now come from their run ids
 * (suites/clusters/load.ts), and this stays robust to a replayed run.
 */
export async function runInJaeger(jaeger: JaegerClient, service: string, runId: string) {
  return pollUntil(
    `the spans of run ${runId} (${service}) in Jaeger`,
    async () => {
      const traces = await jaeger.findTraces({
        service,
        tags: { "tracegen.run.id": runId },
        limit: 1000,
        lookback: "1h",
      });
      for (const trace of traces)
        for (const span of trace.spans)
          if (spanTags(span)["tracegen.run.id"] === runId) return { trace, span };
      return undefined;
    },
    { timeoutMs: 90_000, intervalMs: 1000 },
  );
}

/** The resource Jaeger recorded for one span sent to `target` whose resource claims `claim`. */
export async function spanClaim(
  target: ClaimTarget,
  jaeger: JaegerClient,
  claim: Readonly<Record<string, string>>,
): Promise<Record<string, TagValue>> {
  const runId = `claim-${Date.now()}`;
  const outcome = await send(
    target,
    oneSpanRequest({
      service: "identity-check",
      name: "claims another identity",
      attributes: { "tracegen.run.id": runId },
      resource: claim,
    }),
    "traces",
  );
  if (outcome.code !== grpc.status.OK) throw new Error(`the span was refused: ${outcome.message}`);
  const { trace, span } = await runInJaeger(jaeger, "identity-check", runId);
  return processTags(trace, span);
}

/** The senders a forged metric claims to be, and the control that an edge may send. */
export const METRIC_CLAIMS = Object.freeze(["otelcol-remote", "jaeger"]);
const CONTROL_SENDER = "otelcol-edge";

/**
 * Pushes the remote collector's Jaeger counter through `target` (the gateway, with the edge's
 * credential), as each of METRIC_CLAIMS and as the edge's own collector (the control, which must arrive);
 * returns where Prometheus stored each point of this run, as "claimed → job@k8s_cluster_name", once the
 * control is there.
 */
export async function metricClaims(target: ClaimTarget, prometheus: PrometheusClient): Promise<string[]> {
  const marker = `forged-${Date.now()}`;
  for (const service of [...METRIC_CLAIMS, CONTROL_SENDER]) {
    const outcome = await send(
      target,
      oneGaugeRequest({
        resource: {
          "service.name": service,
          "service.namespace": "observability",
          "k8s.cluster.name": "remote",
        },
        name: "otelcol_exporter_sent_spans",
        value: 1_000_000,
        attributes: { exporter: "otlp_grpc/jaeger", e2r_claim: marker, e2r_claimed_sender: service },
      }),
      "metrics",
    );
    if (outcome.code !== grpc.status.OK)
      throw new Error(`the gateway refused the metric: ${outcome.message}`);
  }
  const stored = await pollUntil(
    "the control point in Prometheus",
    async () => {
      const rows = await prometheus.query(`{e2r_claim="${marker}"}`);
      return rows.some((row) => row.labels.e2r_claimed_sender === CONTROL_SENDER) ? rows : undefined;
    },
    { timeoutMs: 90_000, intervalMs: 2000 },
  );
  return stored
    .map((row) => `${row.labels.e2r_claimed_sender} → ${row.labels.job}@${row.labels.k8s_cluster_name}`)
    .sort();
}
