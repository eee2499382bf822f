// Steps 6n and 6q of the real-cluster suite, after fleet.ts stopped edge-2: `make revoke EDGE=edge-2`
// under load at edge refuses edge-2's credential, restarting nothing of edge and losing none of its spans;
// bad EDGE values are refused before anything changes; then `make up EDGES=1` deletes edge-2's cluster and
// folder, and its credential stays refused.
import * as grpc from "@grpc/grpc-js";
import { existsSync } from "node:fs";
import { expect, it } from "vitest";
import { edgeStateDir } from "../../../lib/fleet.ts";
import { clusters } from "../../../lib/topology.ts";
import type { SuiteContext } from "../context.ts";
import { MINUTES } from "../context.ts";
import { SUITE_STATE_DIR, figures, make, projectClusters } from "../harness.ts";
import { gatewayAsEdge } from "../identity-checks.ts";
import { finishLoad, remoteJaeger, startLoad } from "../load.ts";
import { SECOND, spansArrived, answerTo, edgePods } from "../fleet-checks.ts";

export function revokeEdgeSteps(context: SuiteContext): void {
  it(
    "6n. make revoke EDGE=edge-2 under load refuses edge-2 and loses no span of edge; a bad EDGE is refused before anything changes",
    async () => {
      for (const [value, message] of [
        ["edge", 'EDGE is "edge", the fleet\'s first edge'],
        ["edge-9", 'EDGE is "edge-9", not an edge of this fleet; expected one of edge-2'],
      ] as const) {
        const bad = await make("revoke", { EDGE: value });
        expect(bad.exitCode, bad.stdout + bad.stderr).toBe(2);
        expect(bad.stderr).toContain(message);
      }
      context.jaeger ??= await remoteJaeger();
      const second = gatewayAsEdge(SUITE_STATE_DIR, SECOND.name);
      expect(await answerTo(second)).toBe(grpc.status.OK);
      const before = await edgePods();
      const runId = `fleet-revoke-${Date.now()}`;
      await startLoad("fleet-revoke-load", runId, 10, "90s");
      const revoke = await make("revoke", { EDGE: SECOND.name }, { transcript: "make-revoke" });
      expect(revoke.exitCode, revoke.stdout + revoke.stderr).toBe(0);
      expect(revoke.stdout).toContain(`${SECOND.name} revoked`);
      expect(revoke.stdout).toContain("edge's credential: still accepted");
      expect(await answerTo(second)).toBe(grpc.status.UNAUTHENTICATED);
      const load = await finishLoad("fleet-revoke-load");
      expect(await spansArrived(context.jaeger, runId, load.spans)).toBe(load.spans);
      expect(await edgePods()).toEqual(before);
      // A revoked edge is not expected to send: make verify passes without it.
      const verify = await make("verify");
      expect(verify.exitCode, verify.stdout + verify.stderr).toBe(0);
      expect(verify.stdout).not.toContain(`traces from ${SECOND.name}`);
      figures("fleet", {
        "make revoke s": revoke.seconds.toFixed(1),
        "spans under load during revoke": load.spans,
      });
    },
    10 * MINUTES,
  );

  it(
    "6q. make up EDGES=1 deletes edge-2's cluster and folder; its credential stays refused",
    async () => {
      const second = gatewayAsEdge(SUITE_STATE_DIR, SECOND.name);
      const down = await make("up", { EDGES: "1" }, { transcript: "make-up-edges-1" });
      expect(down.exitCode, down.stdout + down.stderr).toBe(0);
      expect(down.stdout).toContain(`removed ${SECOND.name}`);
      expect(await projectClusters()).toEqual([clusters.edge.name, clusters.remote.name]);
      expect(existsSync(edgeStateDir(SUITE_STATE_DIR, SECOND.name))).toBe(false);
      expect(await answerTo(second)).toBe(grpc.status.UNAUTHENTICATED);
    },
    10 * MINUTES,
  );
}
