// Least privilege for k8s_attributes: the collector's ServiceAccount may read exactly the resources the
// configured extraction makes the processor watch — no fewer (it would silently tag nothing), no more.
// The rules mirror the informers k8sattributesprocessor v0.158 starts (internal/kube/client.go, NewClient).
import type { K8sObject, PolicyRule, Workload } from "../../kube/objects.ts";
import { describe, ofKind } from "../../kube/objects.ts";
import type { CollectorConfig } from "./collector-config.ts";

interface Extract {
  readonly metadata?: readonly string[];
  readonly labels?: readonly { readonly from?: string }[];
  readonly annotations?: readonly { readonly from?: string }[];
}
interface K8sAttributesConfig {
  readonly passthrough?: unknown;
  readonly extract?: Extract;
  readonly deployment_name_from_replicaset?: boolean;
}

/** "group/resource" ("" is the core group) that the processor lists and watches for this config. */
export function requiredResources(processor: K8sAttributesConfig): string[] {
  if (processor.passthrough === true || processor.passthrough === "true") return [];
  const metadata = new Set(processor.extract?.metadata ?? []);
  const from = new Set(
    [...(processor.extract?.labels ?? []), ...(processor.extract?.annotations ?? [])].map(
      (rule) => rule.from ?? "pod",
    ),
  );
  const required = new Set(["/pods"]);
  if (from.has("namespace") || metadata.has("k8s.cluster.uid")) required.add("/namespaces");
  if (
    (metadata.has("k8s.deployment.name") && processor.deployment_name_from_replicaset === false) ||
    metadata.has("k8s.deployment.uid") ||
    from.has("deployment")
  )
    required.add("apps/replicasets");
  if (from.has("deployment")) required.add("apps/deployments");
  if (from.has("node") || metadata.has("k8s.node.uid")) required.add("/nodes");
  if (from.has("statefulset")) required.add("apps/statefulsets");
  if (from.has("daemonset")) required.add("apps/daemonsets");
  if (from.has("job") || metadata.has("k8s.cronjob.uid")) required.add("batch/jobs");
  return [...required].sort();
}

const READ = ["list", "watch"];

export interface BoundRule {
  readonly rule: PolicyRule;
  /** "cluster": from a ClusterRoleBinding; otherwise the namespace of the RoleBinding. */
  readonly scope: string;
}

/** The RBAC rules bound to a ServiceAccount (ClusterRoleBindings and RoleBindings), with their scope. */
export function boundRules(
  objects: readonly K8sObject[],
  namespace: string,
  account: string,
): { rules: BoundRule[]; problems: string[] } {
  const problems: string[] = [];
  const bindings = [...ofKind(objects, "ClusterRoleBinding"), ...ofKind(objects, "RoleBinding")].filter((b) =>
    (b.subjects ?? []).some(
      (s) =>
        s.kind === "ServiceAccount" &&
        s.name === account &&
        (s.namespace ?? b.metadata.namespace) === namespace,
    ),
  );
  const rules = bindings.flatMap((binding) => {
    const role = objects.find(
      (o) =>
        o.kind === binding.roleRef?.kind &&
        o.metadata.name === binding.roleRef.name &&
        (o.kind === "ClusterRole" || o.metadata.namespace === binding.metadata.namespace),
    );
    if (role === undefined)
      problems.push(
        `${describe(binding)} refers to ${binding.roleRef?.kind} ${binding.roleRef?.name}, which the manifests do not define`,
      );
    const scope =
      binding.kind === "ClusterRoleBinding" ? "cluster" : (binding.metadata.namespace ?? "default");
    return (role?.rules ?? []).map((rule) => ({ rule, scope }));
  });
  return { rules, problems };
}

/** "group/resource" → the verbs the rules grant on it. */
export function granted(rules: readonly PolicyRule[]): Map<string, Set<string>> {
  const result = new Map<string, Set<string>>();
  for (const rule of rules)
    for (const group of rule.apiGroups ?? [])
      for (const resource of rule.resources ?? []) {
        const key = `${group}/${resource}`;
        const verbs = result.get(key) ?? new Set<string>();
        for (const verb of rule.verbs ?? []) verbs.add(verb);
        result.set(key, verbs);
      }
  return result;
}

/** Compares the RBAC bound to the workload's ServiceAccount with what its k8s_attributes config needs. */
export function checkK8sAttributesRbac(
  objects: readonly K8sObject[],
  workload: Workload,
  config: CollectorConfig,
): string[] {
  const processors = (config.processors ?? {}) as Record<string, K8sAttributesConfig | null>;
  const ids = Object.keys(processors).filter((id) => /^k8s_?attributes(\/|$)/.test(id));
  const required = new Set(ids.flatMap((id) => requiredResources(processors[id] ?? {})));
  const who = describe(workload.object);
  const account = workload.pod.serviceAccountName ?? "default";
  const namespace = workload.namespace;
  const problems: string[] = [];

  const bound = boundRules(objects, namespace, account);
  problems.push(...bound.problems);
  const rules = bound.rules.map((r) => r.rule);
  const grants = granted(rules);

  for (const resource of required) {
    const verbs = grants.get(resource) ?? new Set<string>();
    const missing = READ.filter((verb) => !verbs.has(verb) && !verbs.has("*"));
    if (missing.length > 0)
      problems.push(
        `${who}: k8s_attributes needs ${missing.join("/")} on ${resource} (for the configured extraction), but ServiceAccount ${namespace}/${account} is not granted it`,
      );
  }
  for (const [resource, verbs] of grants) {
    if (!required.has(resource))
      problems.push(
        `${who}: ServiceAccount ${namespace}/${account} may ${[...verbs].join("/")} ${resource}, which the configured k8s_attributes extraction never reads (least privilege)`,
      );
    else {
      const extra = [...verbs].filter((verb) => !["get", "list", "watch"].includes(verb));
      if (extra.length > 0)
        problems.push(
          `${who}: ServiceAccount ${namespace}/${account} may ${extra.join("/")} ${resource}; reading needs only get/list/watch`,
        );
    }
  }
  // The pod's setting wins over its ServiceAccount's; both default to mounting the token.
  const serviceAccount = objects.find(
    (o) => o.kind === "ServiceAccount" && o.metadata.name === account && o.metadata.namespace === namespace,
  );
  const mounted =
    (workload.pod as { automountServiceAccountToken?: boolean }).automountServiceAccountToken ??
    (serviceAccount as { automountServiceAccountToken?: boolean } | undefined)
      ?.automountServiceAccountToken ??
    true;
  if (required.size > 0 && !mounted)
    problems.push(`${who} uses k8s_attributes but does not mount its ServiceAccount token`);
  return problems;
}
