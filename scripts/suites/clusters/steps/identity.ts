// Step 6i of the real-cluster suite: nothing sent from the edge side can claim another's identity
// (scripts/suites/clusters/identity-checks.ts makes each claim). A pod is recorded as the pod it is, in
// its own namespace and cluster, whatever its OTEL_RESOURCE_ATTRIBUTES say; a client holding the edge's
// credential is recorded as the edge, and its metrics never land in the remote's own jobs.
import { expect, it } from "vitest";
import type { SuiteContext } from "../context.ts";
import { MINUTES } from "../context.ts";
import { SUITE_STATE_DIR, figures } from "../harness.ts";
import { CLAIMED_POD, metricClaims, spanClaim } from "../../identity-claims.ts";
import { gatewayAsEdge, podClaim } from "../identity-checks.ts";
import { remoteJaeger } from "../load.ts";
import { withMakePrometheus } from "./monitoring.ts";

export function identitySteps(context: SuiteContext): void {
  it(
    "6i. a pod claiming another namespace and pod, and a client with the edge's credential claiming the remote, are recorded as who they are",
    async () => {
      context.jaeger ??= await remoteJaeger();
      const pod = "identity-claim";
      const recorded = await podClaim(context.jaeger.client, pod);
      expect(recorded, `claimed ${JSON.stringify(CLAIMED_POD)}`).toMatchObject({
        "k8s.namespace.name": "demo",
        "k8s.pod.name": pod,
        "k8s.cluster.name": "edge",
      });
      expect(recorded["k8s.pod.ip"]).not.toBe(CLAIMED_POD["k8s.pod.ip"]);

      const edge = gatewayAsEdge(SUITE_STATE_DIR);
      const claimed = await spanClaim(edge, context.jaeger.client, { "k8s.cluster.name": "remote" });
      expect(claimed["k8s.cluster.name"]).toBe("edge");

      let stored: string[] = [];
      await withMakePrometheus(async (prometheus) => {
        stored = await metricClaims(edge, prometheus);
      });
      // Only the control: the claims to be the remote collector or Jaeger are dropped at the remote
      // collector, and the control lands in the edge's job, not the remote's.
      expect(stored).toEqual(["otelcol-edge → edge/otelcol-edge@edge"]);
      figures("identity", { "stored metric claims": stored.join("; ") });
    },
    5 * MINUTES,
  );
}
