// Renders a kustomization with the pinned standalone kustomize: the same engine `kubectl kustomize`
// embeds, so what the tests check is what users apply. Cached per directory within one test run.
import { join } from "node:path";
import { execa } from "execa";
import { REPO_ROOT } from "../lib/topology.ts";
import type { K8sObject } from "./objects.ts";
import { parseObjects } from "./objects.ts";
import { toolPath } from "./tools.ts";

export interface Rendered {
  readonly dir: string;
  readonly yaml: string;
  readonly objects: readonly K8sObject[];
}

/** The kustomizations users apply, relative to the repository root. */
export const KUSTOMIZATIONS = Object.freeze(["manifests/edge", "manifests/remote"]);

const cache = new Map<string, Promise<Rendered>>();

export function render(dir: string): Promise<Rendered> {
  let rendered = cache.get(dir);
  if (rendered === undefined) {
    rendered = (async () => {
      const kustomize = await toolPath("kustomize");
      const result = await execa(kustomize, ["build", join(REPO_ROOT, dir)], { reject: false });
      if (result.exitCode !== 0) throw new Error(`kustomize build ${dir} failed:\n${result.stderr}`);
      return Object.freeze({ dir, yaml: result.stdout, objects: Object.freeze(parseObjects(result.stdout)) });
    })();
    cache.set(dir, rendered);
  }
  return rendered;
}
