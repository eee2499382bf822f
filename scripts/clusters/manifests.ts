// `make up`'s manifests on a cluster: what scripts/kube/render.ts renders, applied server-side, then every
// rollout and Gateway waited for with `kubectl rollout status` / `kubectl wait` (never sleep).
import { applyObjects } from "../kube/apply.ts";
import type { K8sObject } from "../kube/objects.ts";
import { annotatePodTemplates, manifestsFor, type ImageRefs } from "../kube/render.ts";
import { clusterOf, type ClusterTarget } from "../lib/topology.ts";
import { DEFAULT_AUTH_MODE, type AuthMode } from "../lib/auth-modes.ts";
import { timeouts } from "./config.ts";
import { run } from "../lib/exec.ts";

const ROLLOUT_KINDS = new Set(["Deployment", "DaemonSet", "StatefulSet"]);

/** Waits for everything in `objects` that has a readiness notion: rollouts, then Gateways. */
export async function waitForObjects(
  cluster: ClusterTarget,
  objects: readonly K8sObject[],
  note: (line: string) => void,
) {
  const { context, name } = clusterOf(cluster);
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
    note(`${name}: ${object.kind.toLowerCase()}/${object.metadata.name} rolled out`);
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
    note(`${name}: gateway/${object.metadata.name} programmed`);
  }
}

/** Renders, tags, applies and waits for one cluster's manifests. */
export async function deployManifests(
  cluster: ClusterTarget,
  refs: ImageRefs,
  note: (line: string) => void,
  auth: AuthMode = DEFAULT_AUTH_MODE,
  podAnnotations: Readonly<Record<string, Readonly<Record<string, string>>>> = {},
) {
  const target = clusterOf(cluster);
  const objects = annotatePodTemplates(await manifestsFor(target.key, refs, undefined, auth), podAnnotations);
  await applyObjects(target, objects);
  note(`${target.name}: applied ${objects.length} objects from ${target.manifests}`);
  await waitForObjects(cluster, objects, note);
  return objects;
}
