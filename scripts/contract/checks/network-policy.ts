// NetworkPolicies fail open in the worst way: a policy whose selector matches nothing protects nothing,
// and a peer selector with a typo silently blocks the traffic it was meant to admit. Check both, and that
// every admitted port is one the protected containers listen on.
import type { K8sObject, Workload } from "../../kube/objects.ts";
import { describe, ofKind, workloads } from "../../kube/objects.ts";

interface LabelSelector {
  readonly matchLabels?: Readonly<Record<string, string>>;
  readonly matchExpressions?: readonly {
    readonly key: string;
    readonly operator: "In" | "NotIn" | "Exists" | "DoesNotExist";
    readonly values?: readonly string[];
  }[];
}
interface Peer {
  readonly podSelector?: LabelSelector;
  readonly namespaceSelector?: LabelSelector;
}
interface Rule {
  readonly from?: readonly Peer[];
  readonly ports?: readonly { readonly port?: number | string }[];
}

/** Kubernetes's label selector semantics: every matchLabels pair and every expression must hold. */
const selects = (selector: LabelSelector | undefined, labels: Readonly<Record<string, string>>) =>
  Object.entries(selector?.matchLabels ?? {}).every(([key, value]) => labels[key] === value) &&
  (selector?.matchExpressions ?? []).every(({ key, operator, values = [] }) => {
    const value = labels[key];
    if (operator === "Exists") return value !== undefined;
    if (operator === "DoesNotExist") return value === undefined;
    const listed = value !== undefined && values.includes(value);
    return operator === "In" ? listed : !listed;
  });

export function checkNetworkPolicies(objects: readonly K8sObject[]): string[] {
  const all = workloads(objects);
  const problems: string[] = [];
  for (const policy of ofKind(objects, "NetworkPolicy")) {
    const namespace = policy.metadata.namespace ?? "default";
    const inNamespace = (w: Workload) => w.namespace === namespace;
    const spec = policy.spec as { podSelector?: LabelSelector; ingress?: Rule[] };
    const targets = all.filter((w) => inNamespace(w) && selects(spec.podSelector, w.labels));
    if (targets.length === 0) {
      problems.push(`${describe(policy)} selects no pod in namespace ${namespace}: it protects nothing`);
      continue;
    }
    for (const [i, rule] of (spec.ingress ?? []).entries()) {
      for (const peer of rule.from ?? []) {
        // Peers in other namespaces are created outside these manifests.
        if (peer.namespaceSelector !== undefined || peer.podSelector === undefined) continue;
        if (!all.some((w) => inNamespace(w) && selects(peer.podSelector, w.labels)))
          problems.push(
            `${describe(policy)} ingress[${i}] admits pods labelled ${JSON.stringify(peer.podSelector)}, but no pod in namespace ${namespace} has those labels`,
          );
      }
      for (const { port } of rule.ports ?? []) {
        if (port === undefined) continue;
        for (const target of targets) {
          const exposed = target.pod.containers.flatMap((c) => c.ports ?? []);
          if (!exposed.some((p) => (typeof port === "number" ? p.containerPort === port : p.name === port)))
            problems.push(
              `${describe(policy)} ingress[${i}] admits port ${port}, on which no container of ${describe(target.object)} listens`,
            );
        }
      }
    }
  }
  return problems;
}
