// Least privilege for Traefik's Gateway API provider: its ServiceAccount may do exactly what the provider's
// client does at the pinned version — list/watch for every informer it starts, update for every status it
// writes — no fewer (it would fail to load routes, yet stay Ready) and no more. What it does is read from
// its own source (pkg/provider/kubernetes/gateway/client.go in the module cache), not recalled.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { K8sObject } from "../../kube/objects.ts";
import { boundRules, granted } from "./rbac.ts";

const GROUPS: Readonly<Record<string, string>> = {
  Core: "",
  Discovery: "discovery.k8s.io",
  Gateway: "gateway.networking.k8s.io",
};

export interface ProviderAccess {
  /** "group/resource" → verbs, with "cluster" for the informers that watch every namespace. */
  readonly needs: ReadonlyMap<string, { verbs: readonly string[]; clusterWide: boolean }>;
}

/** What client.go's WatchAll and status updates touch; the experimental channel's informers are left out. */
export function providerAccess(clientGo: string, experimentalChannel = false): ProviderAccess {
  const source = experimentalChannel
    ? clientGo
    : clientGo.replace(/\n(\t+)if c\.experimentalChannel \{\n[\s\S]*?\n\1\}\n/g, "\n");
  const needs = new Map<string, { verbs: string[]; clusterWide: boolean }>();
  const add = (key: string, verbs: string[], clusterWide: boolean) => {
    const entry = needs.get(key) ?? { verbs: [], clusterWide };
    entry.verbs = [...new Set([...entry.verbs, ...verbs])].sort();
    needs.set(key, entry);
  };
  const watchAll = /func \(c \*clientWrapper\) WatchAll[\s\S]*?\n\}\n/.exec(source)?.[0] ?? "";
  for (const m of watchAll.matchAll(
    /(\w+)\.(Core|Discovery|Gateway)\(\)\.V\w+\(\)\.(\w+)\(\)\.Informer\(\)/g,
  ))
    add(
      `${GROUPS[m[2]!]}/${m[3]!.toLowerCase()}`,
      ["list", "watch"],
      /^factory(Namespace|GatewayClass)$/.test(m[1]!),
    );
  // A status is written only for objects an informer loaded (TCPRoutes only on the experimental channel).
  for (const m of source.matchAll(/csGateway\.Gateway\w+\(\)\.(\w+)\([^)]*\)\.UpdateStatus\(/g)) {
    const watched = needs.get(`gateway.networking.k8s.io/${m[1]!.toLowerCase()}`);
    if (watched)
      add(`gateway.networking.k8s.io/${m[1]!.toLowerCase()}/status`, ["update"], watched.clusterWide);
  }
  return { needs };
}

export function readProviderSource(traefikModuleDir: string): string {
  return readFileSync(join(traefikModuleDir, "pkg/provider/kubernetes/gateway/client.go"), "utf8");
}

/** Compares the rules bound to Traefik's ServiceAccount with what the provider needs. */
export function checkTraefikRbac(
  objects: readonly K8sObject[],
  access: ProviderAccess,
  account: { namespace: string; name: string },
): string[] {
  const { rules, problems } = boundRules(objects, account.namespace, account.name);
  const clusterGrants = granted(rules.filter((r) => r.scope === "cluster").map((r) => r.rule));
  const namespaceGrants = granted(rules.filter((r) => r.scope === account.namespace).map((r) => r.rule));
  for (const [resource, need] of access.needs) {
    const from = need.clusterWide ? clusterGrants : new Map([...namespaceGrants, ...clusterGrants]);
    const missing = need.verbs.filter((verb) => !from.get(resource)?.has(verb));
    if (missing.length > 0)
      problems.push(
        `Traefik's provider needs ${missing.join("/")} on ${resource}${need.clusterWide ? " in every namespace (a ClusterRole)" : ""}, which is not granted`,
      );
  }
  for (const [grants, scope] of [
    [clusterGrants, "cluster-wide"],
    [namespaceGrants, `in ${account.namespace}`],
  ] as const)
    for (const [resource, verbs] of grants) {
      const need = access.needs.get(resource);
      const extra = [...verbs].filter((verb) => !need?.verbs.includes(verb));
      if (extra.length > 0)
        problems.push(`Traefik may ${extra.join("/")} ${resource} ${scope}, which its provider never does`);
      if (need && scope === "cluster-wide" && !need.clusterWide)
        problems.push(
          `Traefik may read ${resource} cluster-wide; its provider reads it only in the namespace it watches`,
        );
    }
  return problems;
}
