// The identity claims of scripts/suites/identity-claims.ts against the real clusters, and the one only a
// cluster can make: a pod in the demo namespace, with no credential, whose OTEL_RESOURCE_ATTRIBUTES names
// another namespace, pod and cluster. They take the state folder and clients as arguments, so that they
// run against any clusters (they were run against the configuration before the fix, and failed there).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as grpc from "@grpc/grpc-js";
import { basicAuthHeader } from "../../lib/credentials.ts";
import { processTags, type JaegerClient, type TagValue } from "../../lib/jaeger-client.ts";
import { stateFiles } from "../../lib/state.ts";
import { clusters, gateway } from "../../lib/topology.ts";
import { edgeStateDir } from "../../lib/fleet.ts";
import { CLAIMED_POD, runInJaeger, type ClaimTarget } from "../identity-claims.ts";
import { finishLoad, LOAD_SERVICE, startLoad } from "./load.ts";

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

/** The gateway on this machine, with the CA and an edge's basic-auth credential (AUTH=basic). */
export function gatewayAsEdge(stateDir: string, edge: string = clusters.edge.name): ClaimTarget {
  const read = (file: string, dir = edgeStateDir(stateDir, edge)) => readFileSync(join(dir, file), "utf8");
  return {
    address: `localhost:${gateway.hostPort}`,
    credentials: grpc.credentials.createSsl(Buffer.from(read(stateFiles.caCert, stateDir))),
    authorization: basicAuthHeader(read(stateFiles.username).trim(), read(stateFiles.password).trim()),
  };
}
