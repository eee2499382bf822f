// What the contract tests check: exactly what `make up` applies to each cluster — the one rendering of
// scripts/kube/render.ts (`kubectl kustomize`, then the images set in memory) — with the app images at a
// fixed test tag and no PIN_OVERRIDES. Cached per cluster within one test run.
import { manifestsFor, toYaml } from "../kube/render.ts";
import type { K8sObject } from "../kube/objects.ts";
import { appImages, clusters, type ClusterKey } from "../lib/topology.ts";

export interface Rendered {
  readonly cluster: ClusterKey;
  /** The kustomization, relative to the repository root. */
  readonly dir: string;
  readonly yaml: string;
  readonly objects: readonly K8sObject[];
}

/** The tag the app images get in the tests (make up gives them a content hash). */
export const CONTRACT_APP_REFS: ReadonlyMap<string, string> = new Map(
  appImages.map((image) => [image.repository, `${image.repository}:contract`]),
);

const cache = new Map<ClusterKey, Promise<Rendered>>();

export function render(cluster: ClusterKey): Promise<Rendered> {
  let rendered = cache.get(cluster);
  if (rendered === undefined) {
    rendered = (async () => {
      const objects = await manifestsFor(cluster, CONTRACT_APP_REFS, new Map());
      return Object.freeze({
        cluster,
        dir: clusters[cluster].manifests,
        yaml: toYaml(objects),
        objects: Object.freeze(objects),
      });
    })();
    cache.set(cluster, rendered);
  }
  return rendered;
}
