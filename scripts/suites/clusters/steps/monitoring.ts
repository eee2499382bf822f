// Step 6m of the real-cluster suite: the pipeline's health in the clusters. Prometheus (remote) has the
// series of both clusters (the edge's crossed the hop) and fires nothing on a healthy pipeline; a gateway
// certificate two days from expiry makes CertificateExpiresVerySoon fire; `make rotate WHAT=server`
// renews it; and the remote node stays within the memory budget the README states.
import { execa } from "execa";
import { expect, it } from "vitest";
import { clusterRollout } from "../../../clusters/rollout.ts";
import { issueGatewayCertificate } from "../../../lib/certificates.ts";
import { EDGE_COLLECTOR_JOB, SENDERS, sendersReporting } from "../../../lib/pipeline-health.ts";
import { pollUntil } from "../../../lib/poll.ts";
import { freePort } from "../../../lib/ports.ts";
import { createPrometheusClient, type PrometheusClient } from "../../../lib/prometheus-client.ts";
import { clusters } from "../../../lib/topology.ts";
import { MINUTES } from "../context.ts";
import { SUITE_STATE_DIR, figures, make, nodeMemoryMiB as suiteMemory, spawnMake } from "../harness.ts";

/** The remote kind node's memory budget, as the README states it ("Pipeline health"). */
export const REMOTE_NODE_BUDGET_MIB = 1536;

export async function nodeMemory(node: string): Promise<number> {
  const { stdout } = await execa("docker", ["stats", "--no-stream", "--format", "{{.MemUsage}}", node]);
  const match = /^([\d.]+)\s*(KiB|MiB|GiB)/.exec(stdout.trim());
  if (!match) throw new Error(`docker stats printed ${JSON.stringify(stdout)} for ${node}`);
  return Number(match[1]) * { KiB: 1 / 1024, MiB: 1, GiB: 1024 }[match[2] as "KiB" | "MiB" | "GiB"];
}

/** `make prometheus` on a free port, until `use` is done; then Ctrl-C, as a user would. */
export async function withMakePrometheus(
  use: (prometheus: PrometheusClient) => Promise<void>,
): Promise<void> {
  const port = await freePort();
  const child = spawnMake("prometheus", { PORT: String(port) });
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  try {
    await pollUntil(
      "make prometheus to print its URL",
      () => Promise.resolve(output.includes(`localhost:${port}`) || undefined),
      { timeoutMs: 60_000 },
    );
    await use(createPrometheusClient(`http://127.0.0.1:${port}`));
  } finally {
    process.kill(-child.pid!, "SIGINT");
    await child;
  }
}

async function bothClustersReport(prometheus: PrometheusClient): Promise<void> {
  const seen = await pollUntil(
    "series from both clusters in Prometheus",
    async () => {
      const senders = await sendersReporting(prometheus);
      return SENDERS.every((sender) => senders.includes(sender)) ? senders : undefined;
    },
    { timeoutMs: 3 * MINUTES, intervalMs: 5000 },
  );
  expect(seen).toEqual(SENDERS);
  const edgeSpans = await prometheus.query(
    `sum(otelcol_exporter_sent_spans_total{job="${EDGE_COLLECTOR_JOB}"})`,
  );
  expect(edgeSpans[0]?.value ?? 0).toBeGreaterThan(0);
  // Healthy and warmed up (make up was minutes ago): nothing fires.
  const firing = (await prometheus.alerts()).filter((a) => a.state === "firing").map((a) => a.name);
  expect(firing, `firing: ${firing.join(", ")}`).toEqual([]);
}

/** Seconds from publishing a 2-day gateway certificate until its alert fires. */
async function shortCertificateFires(prometheus: PrometheusClient): Promise<string> {
  await issueGatewayCertificate(SUITE_STATE_DIR, 2);
  const started = performance.now();
  await clusterRollout(SUITE_STATE_DIR, () => undefined).publish("remote");
  const alert = await pollUntil(
    "CertificateExpiresVerySoon firing for the gateway certificate",
    async () =>
      (await prometheus.alerts()).find(
        (a) =>
          a.name === "CertificateExpiresVerySoon" &&
          a.state === "firing" &&
          a.labels.tls_certificate_role === "server",
      ),
    { timeoutMs: 4 * MINUTES, intervalMs: 5000 },
  );
  expect(alert.labels.k8s_cluster_name).toBe("remote");
  return ((performance.now() - started) / 1000).toFixed(1);
}

export function monitoringSteps(): void {
  it(
    "6m. make prometheus: both clusters' series, nothing firing; a certificate 2 days from expiry fires CertificateExpiresVerySoon; make rotate renews it; the remote node within its memory budget",
    async () => {
      let fired = "";
      try {
        await withMakePrometheus(async (prometheus) => {
          await bothClustersReport(prometheus);
          fired = await shortCertificateFires(prometheus);
        });
      } finally {
        // Whatever happened above, the gateway gets a full-length certificate again.
        const rotated = await make("rotate", { WHAT: "server" });
        expect(rotated.exitCode, rotated.stdout + rotated.stderr).toBe(0);
      }
      const memory = await nodeMemory(`${clusters.remote.name}-control-plane`);
      suiteMemory.remote = memory;
      suiteMemory.edge = await nodeMemory(`${clusters.edge.name}-control-plane`);
      figures("monitoring", { "alert fired after s": fired, "remote node MiB": memory.toFixed(0) });
      expect(memory).toBeLessThan(REMOTE_NODE_BUDGET_MIB);
    },
    12 * MINUTES,
  );
}
