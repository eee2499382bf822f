// What a sender may claim about itself, and what the pipeline records instead. Each check makes the claim
// the way an attacker on the edge side would, and returns what Jaeger or Prometheus stored:
//   a pod        in the demo namespace, with no credential, whose OTEL_RESOURCE_ATTRIBUTES names another
//                namespace, pod and cluster;
//   a client     holding the edge's credential, straight to the gateway: spans that claim the remote
//                cluster, and metrics that claim to be the remote collector or Jaeger.
// The suite's step 6i asserts on them; they take the state folder and clients as arguments, so that they
// run against any clusters (a maintainer ran them against the configuration before the fix).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as grpc from "@grpc/grpc-js";
import { basicAuthHeader } from "../../lib/credentials.ts";
import { processTags, spanTags, type JaegerClient, type TagValue } from "../../lib/jaeger-client.ts";
import { exportOnce, oneGaugeRequest, oneSpanRequest, type ExportOutcome } from "../../lib/otlp-client.ts";
import { pollUntil } from "../../lib/poll.ts";
import type { PrometheusClient } from "../../lib/prometheus-client.ts";
import { stateFiles } from "../../lib/state.ts";
import { gateway } from "../../lib/topology.ts";
import { finishLoad, LOAD_SERVICE, startLoad } from "./load.ts";

/** Another pod's identity, in another namespace and cluster: what the forging pod claims to be. */
export const CLAIMED_POD = Object.freeze({
  "k8s.namespace.name": "kube-system",
  "k8s.pod.name": "kube-apiserver-edge-control-plane",
  "k8s.cluster.name": "remote",
  "k8s.pod.ip": "10.96.0.1",
});

/** The resource attributes Jaeger recorded for the spans of a pod that claimed CLAIMED_POD. */
export async function podClaim(jaeger: JaegerClient, pod: string): Promise<Record<string, TagValue>> {
  const runId = `claim-${Date.now()}`;
  const claim = Object.entries(CLAIMED_POD)
    .map(([key, value]) => `${key}=${value}`)
    .join(",");
  await startLoad(pod, runId, 5, "2s", "traces", { OTEL_RESOURCE_ATTRIBUTES: claim });
  await finishLoad(pod);
  const { trace, span } = await runInJaeger(jaeger, LOAD_SERVICE, runId);
  return processTags(trace, span);
}

/**
 * The first span of the run in Jaeger. Jaeger's in-memory store applies a small `limit` before the tag
 * filter (limit=1 returned another run's trace), so the search is wide and the run is checked here.
 */
async function runInJaeger(jaeger: JaegerClient, service: string, runId: string) {
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
    { timeoutMs: 90_000, intervalMs: 2000 },
  );
}

interface EdgeClient {
  send(request: unknown, signal: "traces" | "metrics"): Promise<ExportOutcome>;
}

/** A client at the gateway with the edge's CA and basic-auth credential (AUTH=basic). */
export function edgeClient(stateDir: string): EdgeClient {
  const read = (file: string) => readFileSync(join(stateDir, file), "utf8");
  return {
    send: (request, signal) =>
      exportOnce({
        address: `localhost:${gateway.hostPort}`,
        credentials: grpc.credentials.createSsl(Buffer.from(read(stateFiles.caCert))),
        authorization: basicAuthHeader(read(stateFiles.username).trim(), read(stateFiles.password).trim()),
        request,
        timeoutMs: 10_000,
        signal,
      }),
  };
}

/** The k8s.cluster.name Jaeger recorded for a span sent with the edge's credential that claims `remote`. */
export async function clusterClaim(stateDir: string, jaeger: JaegerClient): Promise<TagValue> {
  const runId = `cluster-claim-${Date.now()}`;
  const outcome = await edgeClient(stateDir).send(
    oneSpanRequest({
      service: "identity-check",
      name: "claims the remote cluster",
      attributes: { "tracegen.run.id": runId },
      resource: { "k8s.cluster.name": "remote" },
    }),
    "traces",
  );
  if (outcome.code !== grpc.status.OK) throw new Error(`the gateway refused the span: ${outcome.message}`);
  const { trace, span } = await runInJaeger(jaeger, "identity-check", runId);
  return processTags(trace, span)["k8s.cluster.name"] ?? null;
}

/** The senders a forged metric claims to be, and the control that an edge may send. */
export const METRIC_CLAIMS = Object.freeze(["otelcol-remote", "jaeger"]);
const CONTROL_SENDER = "otelcol-edge";

/**
 * Pushes the remote collector's Jaeger counter with the edge's credential, as each of METRIC_CLAIMS and
 * as the edge's own collector (the control, which must arrive); returns where Prometheus stored each
 * point that carries this run's marker, as job@k8s_cluster_name, once the control is there.
 */
export async function metricClaims(stateDir: string, prometheus: PrometheusClient): Promise<string[]> {
  const marker = `forged-${Date.now()}`;
  const client = edgeClient(stateDir);
  for (const service of [...METRIC_CLAIMS, CONTROL_SENDER]) {
    const outcome = await client.send(
      oneGaugeRequest({
        resource: { "service.name": service, "k8s.cluster.name": "remote" },
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
