// `make up`'s manifests: render them with kustomize, give the app images their content-addressed tags and
// the pinned images their PIN_OVERRIDES stand-ins (in memory: committed files stay untouched), apply
// server-side, then wait for what was applied — rollouts, Gateways — with `kubectl wait`/`rollout
// status`, never sleep.
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import { overrides, type Overrides } from "../lib/pinned.ts";
import { REPO_ROOT, clusters } from "../lib/topology.ts";
import type { ClusterKey } from "./clusters.ts";
import { appImages, manifestDirs, timeouts } from "./config.ts";
import { run } from "./exec.ts";
import { applyObjects, type KubeObject } from "./secrets.ts";
import type { ImageRefs } from "./images.ts";

/** `kubectl kustomize` of a cluster's manifests (client-side only: no cluster is contacted). */
export async function render(cluster: ClusterKey): Promise<KubeObject[]> {
  const dir = join(REPO_ROOT, manifestDirs[cluster]);
  // Rendering is client-side; --context is there because every kubectl call carries one.
  const { stdout } = await run("kubectl", ["--context", clusters[cluster].context, "kustomize", dir]);
  const documents = parseAllDocuments(stdout);
  const objects: KubeObject[] = [];
  for (const document of documents) {
    if (document.errors.length > 0)
      throw new Error(
        `kubectl kustomize ${manifestDirs[cluster]} printed invalid YAML: ${document.errors[0]!.message}`,
      );
    const value = document.toJS() as KubeObject | null;
    if (value !== null) objects.push(value);
  }
  return objects;
}

interface Container {
  name?: string;
  image?: string;
}

interface PodSpec {
  containers?: Container[];
  initContainers?: Container[];
}

type Nested = Record<string, unknown> | undefined;
const child = (value: unknown, key: string): Nested =>
  value !== null && typeof value === "object"
    ? ((value as Record<string, unknown>)[key] as Nested)
    : undefined;

/** The pod spec inside a workload, whatever its kind. */
export function podSpecOf(object: KubeObject): PodSpec | undefined {
  const spec = child(object, "spec");
  switch (object.kind) {
    case "Pod":
      return spec;
    case "CronJob":
      return child(child(child(child(spec, "jobTemplate"), "spec"), "template"), "spec");
    case "Deployment":
    case "DaemonSet":
    case "StatefulSet":
    case "ReplicaSet":
    case "Job":
      return child(child(spec, "template"), "spec");
    default:
      return undefined;
  }
}

export function containersOf(object: KubeObject): Container[] {
  const pod = podSpecOf(object);
  return [...(pod?.initContainers ?? []), ...(pod?.containers ?? [])];
}

const repositoryOf = (image: string) => image.replace(/@.*$/, "").replace(/:[^/]*$/, "");

/**
 * Points every container that runs one of our app images at the tag just built. Throws when the
 * manifests use an app image that was not built (it could never start in kind).
 */
export function setAppImages(objects: readonly KubeObject[], refs: ImageRefs): KubeObject[] {
  const ours = new Set(appImages.map((image) => image.repository));
  const unbuilt = new Set<string>();
  const result = structuredClone(objects) as KubeObject[];
  for (const object of result)
    for (const container of containersOf(object)) {
      if (container.image === undefined) continue;
      const repository = repositoryOf(container.image);
      if (!ours.has(repository)) continue;
      const ref = refs.get(repository);
      if (ref === undefined) unbuilt.add(`${object.kind}/${object.metadata.name} uses ${repository}`);
      else container.image = ref;
    }
  if (unbuilt.size > 0)
    throw new Error(
      `the manifests reference app images that were not built:\n  - ${[...unbuilt].join("\n  - ")}`,
    );
  return result;
}

/** Replaces every container image that PIN_OVERRIDES names (exact pinned references) with its stand-in. */
export function substitutePinnedImages(objects: readonly KubeObject[], subs: Overrides): KubeObject[] {
  const result = structuredClone(objects) as KubeObject[];
  for (const object of result)
    for (const container of containersOf(object))
      if (container.image !== undefined) container.image = subs.get(container.image) ?? container.image;
  return result;
}

/** What `make up` applies to a cluster: the rendering with the images this machine runs. */
export async function manifestsFor(cluster: ClusterKey, refs: ImageRefs): Promise<KubeObject[]> {
  return substitutePinnedImages(setAppImages(await render(cluster), refs), overrides());
}

const ROLLOUT_KINDS = new Set(["Deployment", "DaemonSet", "StatefulSet"]);

/** Waits for everything in `objects` that has a readiness notion: rollouts, then Gateways. */
export async function waitForObjects(
  cluster: ClusterKey,
  objects: readonly KubeObject[],
  note: (line: string) => void,
) {
  const context = clusters[cluster].context;
  for (const object of objects.filter((o) => ROLLOUT_KINDS.has(o.kind))) {
    await run("kubectl", [
      "--context",
      context,
      "--namespace",
      object.metadata.namespace ?? "default",
      "rollout",
      "status",
      `${object.kind.toLowerCase()}/${object.metadata.name}`,
      `--timeout=${timeouts.rollout}`,
    ]);
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
export async function deployManifests(cluster: ClusterKey, refs: ImageRefs, note: (line: string) => void) {
  const objects = await manifestsFor(cluster, refs);
  await applyObjects(cluster, objects);
  note(`${clusters[cluster].name}: applied ${objects.length} objects from ${manifestDirs[cluster]}`);
  await waitForObjects(cluster, objects, note);
  return objects;
}
