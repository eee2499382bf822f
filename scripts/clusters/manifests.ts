// `make up`'s manifests on a cluster: what scripts/kube/render.ts renders, applied server-side, then every
// rollout and Gateway waited for with `kubectl rollout status` / `kubectl wait` (never sleep).
import { applyObjects } from "../kube/apply.ts";
import type { K8sObject } from "../kube/objects.ts";
import { manifestsFor, type ImageRefs } from "../kube/render.ts";
import { clusters, type ClusterKey } from "../lib/topology.ts";
import { DEFAULT_AUTH_MODE, type AuthMode } from "../lib/auth-modes.ts";
import { timeouts } from "./config.ts";
import { run } from "../lib/exec.ts";

const ROLLOUT_KINDS = new Set(["Deployment", "DaemonSet", "StatefulSet"]);

/** Waits for everything in `objects` that has a readiness notion: rollouts, then Gateways. */
export async function waitForObjects(
  cluster: ClusterKey,
  objects: readonly K8sObject[],
  note: (line: string) => void,
) {
  const context = clusters[cluster].context;
  const rollouts = objects.filter((o) => ROLLOUT_KINDS.has(o.kind));
  // Waited for together (a converged cluster answers each at once, and every kubectl start costs CPU
  // time), reported in the manifests' order; each outcome is caught at once, so none goes unhandled.
  const outcomes = rollouts.map((object) =>
    run("kubectl", [
      "--context",
      context,
      "--namespace",
      object.metadata.namespace ?? "default",
      "rollout",
      "status",
      `${object.kind.toLowerCase()}/${object.metadata.name}`,
      `--timeout=${timeouts.rollout}`,
    ]).then(
      () => undefined,
      (error: unknown) => (error instanceof Error ? error : new Error(String(error))),
    ),
  );
  for (const [index, object] of rollouts.entries()) {
    const error = await outcomes[index];
    if (error !== undefined) throw error;
    note(`${clusters[cluster].name}: ${object.kind.toLowerCase()}/${object.metadata.name} rolled out`);
  }
  for (const object of objects.filter(
    (o) => o.kind === "Gateway" && o.apiVersion.startsWith("gateway.networking.k8s.io/"),
  )) {
    await run("kubectl", [
      "--context",
      context,
      "--namespace",
      object.metadata.namespace ?? "default",
      "wait",
      "--for=condition=Programmed",
      `gateway/${object.metadata.name}`,
      `--timeout=${timeouts.gatewayProgrammed}`,
    ]);
    note(`${clusters[cluster].name}: gateway/${object.metadata.name} programmed`);
  }
}

/** Renders, tags, applies and waits for one cluster's manifests. */
export async function deployManifests(
  cluster: ClusterKey,
  refs: ImageRefs,
  note: (line: string) => void,
  auth: AuthMode = DEFAULT_AUTH_MODE,
) {
  const objects = await manifestsFor(cluster, refs, undefined, auth);
  await applyObjects(cluster, objects);
  note(`${clusters[cluster].name}: applied ${objects.length} objects from ${clusters[cluster].manifests}`);
  await waitForObjects(cluster, objects, note);
  return objects;
}
