// Objects an earlier release of the project created under names this one no longer uses. `make up` applies
// the new objects, waits for them to run, and only then removes these: an old cluster upgrades in place,
// and the edge's exports fail over to the successors with nothing lost (the edge retries what a stopping
// collector refuses; the real-cluster suite checks this under load). The routes go first, so that Traefik
// already sends every new call to the successors when the old collector stops.
import { clusters, namespaces, type ClusterKey } from "../lib/topology.ts";
import { run } from "../lib/exec.ts";
import { timeouts } from "./config.ts";

export interface RetiredObject {
  readonly cluster: ClusterKey;
  /** kubectl's `-o name` prefix: resource.group (core resources have no group). */
  readonly resource: string;
  /** The name, or a pattern for kustomize's hash-suffixed ConfigMaps. */
  readonly name: string | RegExp;
}

/** In removal order. */
export const RETIRED: readonly RetiredObject[] = Object.freeze([
  // 2026-12: the remote collector's objects were `otel-gateway`, one letter from the Gateway `otlp-gateway`.
  { cluster: "remote", resource: "grpcroute.gateway.networking.k8s.io", name: "otel-gateway" },
  { cluster: "remote", resource: "tlsroute.gateway.networking.k8s.io", name: "otel-gateway-mtls" },
  { cluster: "remote", resource: "deployment.apps", name: "otel-gateway" },
  { cluster: "remote", resource: "service", name: "otel-gateway" },
  { cluster: "remote", resource: "networkpolicy.networking.k8s.io", name: "otel-gateway-ingress" },
  { cluster: "remote", resource: "configmap", name: /^otel-gateway-config-[a-z0-9]{10}$/ },
]);

const matches = (retired: RetiredObject, kubectlName: string): boolean => {
  const [resource, name = ""] = kubectlName.split("/");
  if (resource !== retired.resource) return false;
  return typeof retired.name === "string" ? name === retired.name : retired.name.test(name);
};

/** The retired objects present in `listed` (kubectl `-o name` lines), in removal order. */
export function retiredPresent(cluster: ClusterKey, listed: readonly string[]): string[] {
  return RETIRED.filter((retired) => retired.cluster === cluster).flatMap((retired) =>
    listed.filter((line) => matches(retired, line)),
  );
}

/**
 * Removes the cluster's retired objects, if an older release left any; one `kubectl get` when there are
 * none, so a second `make up` stays quick. Each deletion waits for the object, and a Deployment for its
 * pods, to be gone.
 */
export async function removeRetired(cluster: ClusterKey, note: (line: string) => void): Promise<string[]> {
  const wanted = RETIRED.filter((retired) => retired.cluster === cluster);
  if (wanted.length === 0) return [];
  const context = clusters[cluster].context;
  const resources = [...new Set(wanted.map((retired) => retired.resource))];
  const { stdout } = await run("kubectl", [
    "--context",
    context,
    "--namespace",
    namespaces.observability,
    "get",
    resources.join(","),
    "--output=name",
  ]);
  const present = retiredPresent(
    cluster,
    stdout.split("\n").filter((line) => line !== ""),
  );
  for (const name of present) {
    await run("kubectl", [
      "--context",
      context,
      "--namespace",
      namespaces.observability,
      "delete",
      name,
      "--ignore-not-found",
      "--cascade=foreground",
      `--timeout=${timeouts.rollout}`,
    ]);
    note(`${clusters[cluster].name}: removed ${name}, which an earlier release created (renamed since)`);
  }
  return present;
}
