// Steps 6k and 6l of the real-cluster suite: a fleet of two edges, as lab 11 ("A second edge") walks
// through it. `make up EDGES=2` adds edge-2 under load without restarting anything of edge, and without
// losing a span; each edge is recorded by the credential it holds, whatever it claims to be; a stopped
// edge fires its own EdgeMetricsMissing while the other stays green. Then fleet-revoke.ts refuses it and
// takes it away.
import { execa } from "execa";
import { expect, it } from "vitest";
import { pollUntil } from "../../../lib/poll.ts";
import type { PrometheusClient } from "../../../lib/prometheus-client.ts";
import { clusters } from "../../../lib/topology.ts";
import { spanClaim } from "../../identity-claims.ts";
import type { SuiteContext } from "../context.ts";
import { MINUTES } from "../context.ts";
import { SUITE_STATE_DIR, figures, make } from "../harness.ts";
import { SECOND, spansArrived, edgePods } from "../fleet-checks.ts";
import { gatewayAsEdge } from "../identity-checks.ts";
import { finishLoad, remoteJaeger, startLoad } from "../load.ts";
import { nodeMemory, withMakePrometheus } from "./monitoring.ts";

/** The edges EdgeMetricsMissing fires for now. */
async function silentEdges(prometheus: PrometheusClient): Promise<string[]> {
  return (await prometheus.alerts())
    .filter((alert) => alert.name === "EdgeMetricsMissing" && alert.state === "firing")
    .map((alert) => alert.labels.k8s_cluster_name ?? "<any edge>")
    .sort();
}

export function fleetSteps(context: SuiteContext): void {
  addEdgeStep(context);
  silenceEdgeStep();
}

function addEdgeStep(context: SuiteContext): void {
  it(
    "6k. make up EDGES=2 adds edge-2 under load, restarting nothing of edge and losing no span; each edge is recorded by its credential, whatever it claims",
    async () => {
      context.jaeger ??= await remoteJaeger();
      const before = await edgePods();
      const runId = `fleet-${Date.now()}`;
      await startLoad("fleet-load", runId, 10, "240s");
      const up = await make("up", { EDGES: "2" }, { transcript: "make-up-edges-2" });
      expect(up.exitCode, up.stdout + up.stderr).toBe(0);
      expect(up.stdout).toContain("created edge-2");
      expect(up.stdout).toMatch(/PASS\s+trace-generator traces from edge-2/);
      const load = await finishLoad("fleet-load", "360s");
      expect(await spansArrived(context.jaeger, runId, load.spans)).toBe(load.spans);
      expect(await edgePods()).toEqual(before);

      // Each credential names its edge, whatever the spans say.
      const asSecond = await spanClaim(gatewayAsEdge(SUITE_STATE_DIR, SECOND.name), context.jaeger.client, {
        "k8s.cluster.name": "edge",
      });
      expect(asSecond["k8s.cluster.name"]).toBe(SECOND.name);
      const asFirst = await spanClaim(gatewayAsEdge(SUITE_STATE_DIR), context.jaeger.client, {
        "k8s.cluster.name": SECOND.name,
      });
      expect(asFirst["k8s.cluster.name"]).toBe("edge");

      const status = await make("status");
      expect(status.stdout).toContain(`Cluster ${SECOND.name} (context ${SECOND.context})`);
      expect(status.stdout).toMatch(/edges\s+EDGES=2 \(edge, edge-2;/);
      const logs = await make("logs", { TAIL: "5" });
      expect(logs.stdout).toContain(`== ${SECOND.name}: daemonset/otel-collector`);
      figures("fleet", {
        "make up EDGES=2 s": up.seconds.toFixed(1),
        "spans under load": load.spans,
        "remote node MiB with 2 edges": (await nodeMemory(`${clusters.remote.name}-control-plane`)).toFixed(
          0,
        ),
        "edge-2 node MiB": (await nodeMemory(`${SECOND.name}-control-plane`)).toFixed(0),
      });
    },
    15 * MINUTES,
  );
}

function silenceEdgeStep(): void {
  it(
    "6l. edge-2 stopped: EdgeMetricsMissing fires for edge-2 alone, edge stays green",
    async () => {
      await execa("docker", ["stop", `${SECOND.name}-control-plane`]);
      const started = Date.now();
      let silent: string[] = [];
      await withMakePrometheus(async (prometheus) => {
        silent = await pollUntil(
          "EdgeMetricsMissing to fire for edge-2",
          async () => {
            const edges = await silentEdges(prometheus);
            return edges.includes(SECOND.name) ? edges : undefined;
          },
          { timeoutMs: 6 * 60_000, intervalMs: 5000 },
        );
      });
      expect(silent).toEqual([SECOND.name]);
      figures("fleet", { "EdgeMetricsMissing fired after s": ((Date.now() - started) / 1000).toFixed(0) });
    },
    10 * MINUTES,
  );
}
