// The one rendering of the manifests, for what `make up` applies and what the contract tests check:
// `kubectl kustomize` (the kustomize users have in their kubectl), then, in memory, the app images' built
// tags and the pinned images' PIN_OVERRIDES stand-ins. Committed files are never edited.
import { join } from "node:path";
import { stringify } from "yaml";
import { overrides, type Overrides } from "../lib/pinned.ts";
import { DEFAULT_AUTH_MODE, modeOverlays, type AuthMode } from "../lib/auth-modes.ts";
import {
  REPO_ROOT,
  appImages,
  clusters,
  collectorConfigDir,
  workloads as names,
  type ClusterKey,
} from "../lib/topology.ts";
import { allContainers, parseObjects, workloads, type K8sObject } from "./objects.ts";
import { run } from "../lib/exec.ts";

/** Repository (e.g. "otel-e2r/sample-service") → the reference built for it (`repo:tag`). */
export type ImageRefs = ReadonlyMap<string, string>;

/** `kubectl kustomize` of a cluster's manifests: client-side only, no cluster is contacted. */
export async function kustomize(cluster: ClusterKey): Promise<K8sObject[]> {
  // --context because every kubectl call carries one; kustomize itself never uses it.
  const { stdout } = await run("kubectl", [
    "--context",
    clusters[cluster].context,
    "kustomize",
    join(REPO_ROOT, clusters[cluster].manifests),
  ]);
  return parseObjects(stdout);
}

const repositoryOf = (image: string) => image.replace(/@.*$/, "").replace(/:[^/]*$/, "");

/** Points every container that runs one of our app images at the tag built for it. */
export function setAppImages(objects: readonly K8sObject[], refs: ImageRefs): K8sObject[] {
  const ours = new Set(appImages.map((image) => image.repository));
  const unbuilt = new Set<string>();
  const result = structuredClone(objects) as K8sObject[];
  for (const container of allContainers(result) as unknown as { image?: string }[]) {
    if (container.image === undefined || !ours.has(repositoryOf(container.image))) continue;
    const ref = refs.get(repositoryOf(container.image));
    if (ref === undefined) unbuilt.add(repositoryOf(container.image));
    else container.image = ref;
  }
  if (unbuilt.size > 0)
    throw new Error(`the manifests reference app images that were not built: ${[...unbuilt].join(", ")}`);
  return result;
}

/** Replaces every container image that PIN_OVERRIDES names (exact pinned references) with its stand-in. */
export function substitutePinnedImages(objects: readonly K8sObject[], subs: Overrides): K8sObject[] {
  const result = structuredClone(objects) as K8sObject[];
  for (const container of allContainers(result) as unknown as { image?: string }[])
    if (container.image !== undefined) container.image = subs.get(container.image) ?? container.image;
  return result;
}

/**
 * Adds the auth mode's overlays (scripts/lib/auth-modes.ts) to the collector containers' --config list. The
 * pod template changes with the mode, so switching modes rolls both collectors and nothing else.
 */
export function setAuthMode(objects: readonly K8sObject[], mode: AuthMode): K8sObject[] {
  const overlays: Record<string, readonly string[]> = {
    [names.edgeCollector]: modeOverlays("edge", mode),
    [names.remoteCollector]: modeOverlays("remote", mode),
  };
  const result = structuredClone(objects) as K8sObject[];
  const base = `--config=${collectorConfigDir}/config.yaml`;
  for (const { object, pod } of workloads(result)) {
    const files = overlays[object.metadata.name];
    if (files === undefined) continue;
    for (const container of pod.containers) {
      const args = container.args ?? [];
      if (!args.includes(base)) continue;
      (container as { args?: string[] }).args = [
        ...args,
        ...files.map((file) => `--config=${collectorConfigDir}/${file}`),
      ];
    }
  }
  return result;
}

/**
 * Adds pod-template annotations to the named workloads (Deployment, DaemonSet, StatefulSet). A value that
 * stands for what a workload reads only at start (a hash of the fleet's htpasswd) rolls it when it changes.
 */
export function annotatePodTemplates(
  objects: readonly K8sObject[],
  annotations: Readonly<Record<string, Readonly<Record<string, string>>>>,
): K8sObject[] {
  const result = structuredClone(objects) as K8sObject[];
  for (const object of result) {
    const extra = annotations[object.metadata.name];
    const template = object.spec?.template as
      { metadata?: { annotations?: Record<string, string> } } | undefined;
    if (extra === undefined || template === undefined) continue;
    template.metadata = {
      ...template.metadata,
      annotations: { ...template.metadata?.annotations, ...extra },
    };
  }
  return result;
}

/** What `make up` applies to a cluster. */
export async function manifestsFor(
  cluster: ClusterKey,
  refs: ImageRefs,
  subs: Overrides = overrides(),
  mode: AuthMode = DEFAULT_AUTH_MODE,
): Promise<K8sObject[]> {
  return setAuthMode(substitutePinnedImages(setAppImages(await kustomize(cluster), refs), subs), mode);
}

/** Objects as one multi-document YAML stream (for kube-linter, kubectl-validate, `make manifests`). */
export function toYaml(objects: readonly K8sObject[]): string {
  return objects.map((object) => stringify(object)).join("---\n");
}
