// Step 6g of the real-cluster suite: what the gateway can reach behind it. Traefik's Gateway provider lists
// every Secret of each namespace it watches, so the only proof that it cannot read the remote collector's
// key is the API server's own answer for Traefik's service account, found from the running Deployment:
// `kubectl auth can-i`, asked as that account. It may read its own namespace (the gateway's certificate)
// and nothing in observability. The mTLS half (the edge is served the collector's own certificate) runs
// in the auth-mode steps, where AUTH=mtls is deployed.
import { execa } from "execa";
import { expect, it } from "vitest";
import { clusters, namespaces, secrets, workloads } from "../../../lib/topology.ts";
import { MINUTES } from "../context.ts";
import { kubectlJson } from "../harness.ts";

interface Deployment {
  metadata: { namespace: string };
  spec: { template: { spec: { serviceAccountName?: string } } };
}

/** Traefik's service account as `--as` takes it, from wherever its Deployment runs. */
async function traefikAccount(): Promise<string> {
  const list = await kubectlJson<{ items: Deployment[] }>("remote", [
    "get",
    "deployments",
    "--all-namespaces",
    "--selector",
    `app.kubernetes.io/name=${workloads.traefik}`,
  ]);
  expect(list.items).toHaveLength(1);
  const deployment = list.items[0]!;
  return `system:serviceaccount:${deployment.metadata.namespace}:${deployment.spec.template.spec.serviceAccountName ?? "default"}`;
}

/** `kubectl auth can-i` as `account`: its "yes" or "no" (exit 0 or 1). */
async function canI(account: string, verb: string, resource: string, namespace: string): Promise<string> {
  const result = await execa(
    "kubectl",
    [
      "--context",
      clusters.remote.context,
      "auth",
      "can-i",
      verb,
      resource,
      "--namespace",
      namespace,
      "--as",
      account,
    ],
    { reject: false },
  );
  return result.stdout.trim();
}

/**
 * What the gateway may and may not do, as rows the assertion shows in full when one differs. Its provider
 * lists and watches; a list returns every Secret's data, so "list" is the question that matters.
 */
const QUESTIONS = [
  ["list", "secrets", namespaces.gateway, "yes"],
  ["watch", "secrets", namespaces.gateway, "yes"],
  ["list", "secrets", namespaces.observability, "no"],
  ["get", `secrets/${secrets.remote.collectorTls.name}`, namespaces.observability, "no"],
  ["get", `secrets/${secrets.remote.htpasswd.name}`, namespaces.observability, "no"],
  ["list", "endpointslices.discovery.k8s.io", namespaces.observability, "no"],
  ["list", "secrets", "kube-system", "no"],
] as const;

/** The step's check, on its own so that it can run against clusters that are already up. */
export async function gatewayReachHolds(): Promise<void> {
  const account = await traefikAccount();
  const answers = [];
  for (const [verb, resource, namespace] of QUESTIONS)
    answers.push(`${verb} ${resource} -n ${namespace}: ${await canI(account, verb, resource, namespace)}`);
  expect(answers, account).toEqual(QUESTIONS.map(([v, r, n, answer]) => `${v} ${r} -n ${n}: ${answer}`));
}

export function gatewayReachStep(): void {
  it(
    "6g. Traefik's service account reads its own namespace's Secrets and none of observability's (kubectl auth can-i)",
    gatewayReachHolds,
    2 * MINUTES,
  );
}
