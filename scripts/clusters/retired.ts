// Objects an earlier release of the project created under names this one no longer uses. `make up` applies
// the new objects, waits for them to run, and only then removes these: an old cluster upgrades in place,
// and the edge's exports fail over to the successors with nothing lost (the edge retries what a stopping
// collector refuses; the real-cluster suite checks this under load). The routes go first, so that Traefik
// already sends every new call to the successors when the old collector stops. A few old objects hold what
// their successors need (a NodePort, an address), and go before the apply instead (clearTheWay).
import { clusters, collectorServer, namespaces, workloads, type ClusterKey } from "../lib/topology.ts";
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
  // 2026-12: Traefik and the Gateway API objects lived in observability, where Traefik could read the
  // collectors' Secrets; they are in the gateway namespace now (Traefik itself and its Service went
  // first, in clearTheWay).
  { cluster: "remote", resource: "grpcroute.gateway.networking.k8s.io", name: "remote-collector" },
  { cluster: "remote", resource: "tlsroute.gateway.networking.k8s.io", name: "remote-collector-mtls" },
  { cluster: "remote", resource: "gateway.gateway.networking.k8s.io", name: "otlp-gateway" },
  { cluster: "remote", resource: "rolebinding.rbac.authorization.k8s.io", name: "traefik-gateway" },
  { cluster: "remote", resource: "role.rbac.authorization.k8s.io", name: "traefik-gateway" },
  { cluster: "remote", resource: "serviceaccount", name: "traefik" },
  { cluster: "remote", resource: "configmap", name: /^traefik-limits-[a-z0-9]{10}$/ },
  { cluster: "remote", resource: "secret", name: "gateway-tls" },
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
  for (const name of present) await remove(cluster, name, "renamed or moved since", note);
  return present;
}

/** Deletes one object of observability (waiting until it is gone) and says why. */
async function remove(cluster: ClusterKey, name: string, why: string, note: (line: string) => void) {
  await run("kubectl", [
    "--context",
    clusters[cluster].context,
    "--namespace",
    namespaces.observability,
    "delete",
    name,
    "--ignore-not-found",
    "--cascade=foreground",
    `--timeout=${timeouts.rollout}`,
  ]);
  note(`${clusters[cluster].name}: removed ${name}, which an earlier release created (${why})`);
}

/**
 * What an older release left in observability that today's apply cannot get past, in the order it goes:
 *   - Traefik, while it still runs there: it keeps the edge's open connections after its Service is gone,
 *     and answers them from routes it is losing (HTTP 404, or an HTTP 200 that carries a gRPC error, both
 *     of which the edge drops as final) — gone, the edge's calls fail to connect, and the edge retries them;
 *   - its Service, which holds the gateway's NodePort that the successor in the gateway namespace needs;
 *   - the remote collector's Service, when its address is not the fixed one (it cannot change in place).
 */
export async function clearTheWay(cluster: ClusterKey, note: (line: string) => void): Promise<string[]> {
  if (cluster !== "remote") return [];
  const { stdout } = await run("kubectl", [
    "--context",
    clusters[cluster].context,
    "--namespace",
    namespaces.observability,
    "get",
    "deployments,services",
    '--output=jsonpath={range .items[*]}{.kind}/{.metadata.name} {.spec.clusterIP}{"\\n"}{end}',
  ]);
  const found = new Map(
    stdout.split("\n").map((line) => {
      const [name = "", address = ""] = line.trim().split(" ");
      return [name, address];
    }),
  );
  const candidates: readonly (readonly [string, string, boolean])[] = [
    [
      `deployment.apps/${workloads.traefik}`,
      "it would answer the edge from routes it is losing",
      found.has(`Deployment/${workloads.traefik}`),
    ],
    [
      `service/${workloads.traefik}`,
      "it holds the gateway's NodePort",
      found.has(`Service/${workloads.traefik}`),
    ],
    [
      `service/${workloads.remoteCollector}`,
      `its address is not ${collectorServer.clusterIp}`,
      (found.get(`Service/${workloads.remoteCollector}`) ?? collectorServer.clusterIp) !==
        collectorServer.clusterIp,
    ],
  ];
  const inTheWay = candidates.filter(([, , present]) => present);
  for (const [name, why] of inTheWay) await remove(cluster, name, why, note);
  return inTheWay.map(([name]) => name);
}
