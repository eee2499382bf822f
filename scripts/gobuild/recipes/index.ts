// Every Go tool the project builds, in the order `make tools` builds them: one recipe each.
import type { Recipe, ToolGroup } from "../recipe.ts";
import { jaeger } from "./jaeger.ts";
import { coredns, etcd, kubectl, kubernetes } from "./kubernetes.ts";
import { otelcol } from "./otelcol.ts";
import {
  containerd,
  crictl,
  kind,
  kubeLinter,
  kubectlValidate,
  localPathProvisioner,
  pause,
  prometheus,
  telemetrygen,
} from "./released.ts";
import { traefik } from "./traefik.ts";

export const recipes = Object.freeze({
  otelcol,
  jaeger,
  telemetrygen,
  traefik,
  prometheus,
  "kubectl-validate": kubectlValidate,
  "kube-linter": kubeLinter,
  kind,
  kubectl,
  kubernetes,
  etcd,
  coredns,
  containerd,
  crictl,
  "local-path-provisioner": localPathProvisioner,
  pause,
} satisfies Record<string, Recipe>);

export type GoTool = keyof typeof recipes;
export const GO_TOOLS = Object.freeze(Object.keys(recipes) as GoTool[]);
export const TOOL_GROUPS: readonly ToolGroup[] = ["local", "contract", "cluster"];

export function isGoTool(name: string): name is GoTool {
  return Object.hasOwn(recipes, name);
}

export const toolsOf = (group?: ToolGroup): GoTool[] =>
  GO_TOOLS.filter((tool) => group === undefined || recipes[tool].group === group);
