// Step 6m of the real-cluster suite: the pipeline's health in the clusters. Prometheus (remote) has the
// series of both clusters (the edge's crossed the hop); a gateway certificate two days from expiry makes
// CertificateExpiresVerySoon fire; `make rotate WHAT=server` renews it; and the remote node stays within
// the memory budget the README states.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { execa } from "execa";
import { expect, it } from "vitest";
import { issueServerCertificate, loadCa } from "../../../../packages/testkit/src/pki.ts";
import { clusterRollout } from "../../../clusters/rollout.ts";
import { pollUntil } from "../../../lib/poll.ts";
import { freePort } from "../../../lib/ports.ts";
import { createPrometheusClient } from "../../../lib/prometheus-client.ts";
import { writePrivateFile, stateFiles } from "../../../lib/state.ts";
import { clusters, gateway } from "../../../lib/topology.ts";
import { MINUTES } from "../context.ts";
import { SUITE_STATE_DIR, figures, make, spawnMake } from "../harness.ts";

/** The remote kind node's memory budget, as the README states it ("Pipeline health"). */
export const REMOTE_NODE_BUDGET_MIB = 1536;

const SIDES = [
  "cert-expiry@edge",
  "cert-expiry@remote",
  "jaeger@remote",
  "otelcol-edge@edge",
  "otelcol-remote@remote",
];

async function nodeMemoryMiB(node: string): Promise<number> {
  const { stdout } = await execa("docker", ["stats", "--no-stream", "--format", "{{.MemUsage}}", node]);
  const match = /^([\d.]+)\s*(KiB|MiB|GiB)/.exec(stdout.trim());
  if (!match) throw new Error(`docker stats printed ${JSON.stringify(stdout)} for ${node}`);
  return Number(match[1]) * { KiB: 1 / 1024, MiB: 1, GiB: 1024 }[match[2] as "KiB" | "MiB" | "GiB"];
}

export function monitoringSteps(): void {
  it(
    "6m. make prometheus: both clusters' series; a certificate 2 days from expiry fires CertificateExpiresVerySoon; make rotate renews it; the remote node within its memory budget",
    async () => {
      const port = await freePort();
      const child = spawnMake("prometheus", { PORT: String(port) });
      let output = "";
      child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
      try {
        await pollUntil(
          "make prometheus to print its URL",
          () => Promise.resolve(output.includes(`localhost:${port}`) || undefined),
          {
            timeoutMs: 60_000,
          },
        );
        const prometheus = createPrometheusClient(`http://127.0.0.1:${port}`);
        const seen = await pollUntil(
          "series from both clusters in Prometheus",
          async () => {
            const jobs = (
              await prometheus.query(
                "count by (job, k8s_cluster_name) (otelcol_process_uptime_seconds_total or tls_certificate_time_left_seconds)",
              )
            )
              .map((s) => `${s.labels.job}@${s.labels.k8s_cluster_name}`)
              .sort();
            return SIDES.every((side) => jobs.includes(side)) ? jobs : undefined;
          },
          { timeoutMs: 3 * MINUTES, intervalMs: 5000 },
        );
        expect(seen).toEqual(SIDES);
        const edgeSpans = await prometheus.query(
          'sum(otelcol_exporter_sent_spans_total{job="otelcol-edge"})',
        );
        expect(edgeSpans[0]?.value ?? 0).toBeGreaterThan(0);

        // A gateway certificate from the same CA that expires in 2 days, published as `make rotate` would.
        const dir = SUITE_STATE_DIR;
        const ca = await loadCa(
          readFileSync(join(dir, stateFiles.caCert), "utf8"),
          readFileSync(join(dir, stateFiles.caKey), "utf8"),
        );
        const short = await issueServerCertificate(ca, {
          dnsNames: gateway.dnsNames,
          ipAddresses: gateway.ipAddresses,
          validityDays: 2,
        });
        writePrivateFile(dir, stateFiles.serverKey, short.keyPem);
        writePrivateFile(dir, stateFiles.serverCert, short.certPem);
        const started = performance.now();
        await clusterRollout(dir, () => undefined).publish("remote");
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
        const fired = ((performance.now() - started) / 1000).toFixed(1);

        const rotated = await make("rotate", { WHAT: "server" });
        expect(rotated.exitCode, rotated.stdout + rotated.stderr).toBe(0);
        const memory = await nodeMemoryMiB(`${clusters.remote.name}-control-plane`);
        figures("monitoring", { "alert fired after s": fired, "remote node MiB": memory.toFixed(0) });
        expect(memory).toBeLessThan(REMOTE_NODE_BUDGET_MIB);
      } finally {
        process.kill(-child.pid!, "SIGINT");
        await child;
      }
    },
    12 * MINUTES,
  );
}
