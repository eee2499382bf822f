// What the fleet's steps (steps/fleet.ts, steps/fleet-revoke.ts) share: the second edge, the first
// edge's pods that a change of the fleet must leave alone, and the gateway's answer to an edge's credential.
import type * as grpc from "@grpc/grpc-js";
import { edgeCluster } from "../../lib/fleet.ts";
import { exportOnce, oneSpanRequest } from "../../lib/otlp-client.ts";
import { namespaces } from "../../lib/topology.ts";
import type { ClaimTarget } from "../identity-claims.ts";
import { pollUntil } from "../../lib/poll.ts";
import { podUids } from "./harness.ts";
import type { RemoteJaeger } from "./load.ts";

export const SECOND = edgeCluster("edge-2");

/** The edge's pods that a change of the fleet must not restart: its collector and its apps. */
export async function edgePods(): Promise<Map<string, string>> {
  const pods = new Map([
    ...(await podUids("edge", namespaces.observability)),
    ...(await podUids("edge", namespaces.demo)),
  ]);
  for (const name of pods.keys()) if (name.startsWith("fleet-")) pods.delete(name);
  return pods;
}

/** What the gateway answers a span sent with `target`'s credential. */
export async function answerTo(target: ClaimTarget): Promise<grpc.status> {
  const outcome = await exportOnce({
    ...target,
    request: oneSpanRequest({ service: "identity-check", name: "an edge's credential", attributes: {} }),
    timeoutMs: 10_000,
    signal: "traces",
  });
  return outcome.code;
}

/** How many spans of the run Jaeger holds, once it holds at least `sent` (bounded: 2 minutes). */
export function spansArrived(jaeger: RemoteJaeger, runId: string, sent: number): Promise<number> {
  return pollUntil(
    `the ${sent} spans of run ${runId} in Jaeger`,
    async () => {
      const found = await jaeger.spansOfRun(runId);
      return found >= sent ? found : undefined;
    },
    { timeoutMs: 120_000, intervalMs: 2000 },
  );
}
