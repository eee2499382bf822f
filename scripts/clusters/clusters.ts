// `make up`'s clusters: both kind clusters, created in parallel on the project's own Docker network,
// skipped when they already exist.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { clusterKeys, clusterOf, dockerNetwork, type Cluster } from "../lib/topology.ts";
import { MANAGED_BY, timeouts } from "./config.ts";
import { kindConfigFor, type HostAdjustments } from "./host-adjustments.ts";
import { run } from "../lib/exec.ts";

/** Names of the kind clusters that exist now (kind prints "No kind clusters found." on stderr when none). */
export async function existingClusters(): Promise<Set<string>> {
  const { stdout } = await run("kind", ["get", "clusters"]);
  return new Set(
    stdout
      .split("\n")
      .map((line) => line.trim())
      .filter((line) => line !== ""),
  );
}

// kind gives up instead of waiting when another kind process holds the kubeconfig's lock, so two
// parallel creates would race on ~/.kube/config (kubernetes-sigs/kind#1425). Each create writes a
// throw-away kubeconfig instead; `kind export kubeconfig` then updates the real one, one cluster at a time.
async function createCluster(
  cluster: Cluster,
  nodeImage: string,
  adjustments: HostAdjustments,
  scratch: string,
): Promise<void> {
  const config = join(scratch, `${cluster.name}.kind.yaml`);
  writeFileSync(config, kindConfigFor(cluster, adjustments));
  await run(
    "kind",
    [
      "create",
      "cluster",
      "--name",
      cluster.name,
      "--config",
      config,
      "--image",
      nodeImage,
      "--kubeconfig",
      join(scratch, `${cluster.name}.kubeconfig`),
      "--wait",
      timeouts.nodesReady,
    ],
    // kind's default network is dual-stack where it can be, and Docker's DNS then answers AAAA for the
    // remote node to IPv4-only pods: the edge exporter logged "network is unreachable" at every retry.
    { env: { KIND_EXPERIMENTAL_DOCKER_NETWORK: dockerNetwork } },
  );
}

/**
 * The clusters' Docker network, IPv4 only, created before kind would create a dual-stack one. A network
 * of that name that exists is used as it is (and never changed).
 */
export async function ensureNetwork(): Promise<"created" | "existed"> {
  const found = await run("docker", ["network", "inspect", dockerNetwork], { allowFailure: true });
  if (found.exitCode === 0) return "existed";
  const label = Object.entries(MANAGED_BY).map(([key, value]) => `${key}=${value}`)[0]!;
  await run("docker", [
    "network",
    "create",
    "--driver",
    "bridge",
    "--opt",
    "com.docker.network.bridge.enable_ip_masquerade=true",
    "--label",
    label,
    dockerNetwork,
  ]);
  return "created";
}

/** Removes the network if bootstrap created it and nothing uses it any more. */
export async function removeNetwork(): Promise<boolean> {
  const found = await run(
    "docker",
    ["network", "inspect", "--format", "{{json .Labels}} {{len .Containers}}", dockerNetwork],
    { allowFailure: true },
  );
  if (found.exitCode !== 0) return false;
  const [labels = "{}", containers = "0"] = found.stdout.trim().split(" ");
  const ours = Object.entries(MANAGED_BY).every(
    ([key, value]) => (JSON.parse(labels) as Record<string, string> | null)?.[key] === value,
  );
  if (!ours || containers !== "0") return false;
  await run("docker", ["network", "rm", dockerNetwork]);
  return true;
}

/** The cluster's kubeconfig context reaches its API server, which trusts it. */
async function contextAnswers(cluster: Cluster): Promise<boolean> {
  const context = ["--context", cluster.context, "--request-timeout=5s"];
  return (await run("kubectl", [...context, "get", "--raw=/readyz"], { allowFailure: true })).exitCode === 0;
}

/** The remote and the one edge: the clusters of a fleet of one. */
export const defaultClusters: readonly Cluster[] = Object.freeze(clusterKeys.map(clusterOf));

/** Creates the missing clusters in parallel and waits until every node of each is Ready. */
export async function ensureClusters(
  nodeImage: string,
  adjustments: HostAdjustments,
  note: (line: string) => void,
  wanted: readonly Cluster[] = defaultClusters,
): Promise<string> {
  const existing = await existingClusters();
  const missing = wanted.filter((cluster) => !existing.has(cluster.name));
  const present = wanted.filter((cluster) => existing.has(cluster.name));
  if (missing.length > 0) note(`creating ${missing.map((c) => c.name).join(" and ")} (in parallel)`);
  // The throw-away kubeconfigs hold admin credentials: a private folder, removed right after.
  const scratch = mkdtempSync(join(tmpdir(), "otel-e2r-kind-"));
  let results: PromiseSettledResult<void>[];
  try {
    if (missing.length > 0) note(`Docker network ${dockerNetwork}: ${await ensureNetwork()}`);
    results = await Promise.allSettled(
      missing.map((cluster) => createCluster(cluster, nodeImage, adjustments, scratch)),
    );
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  const failures = results.flatMap((result, i) =>
    result.status === "rejected" ? [`${missing[i]!.name}: ${(result.reason as Error).message}`] : [],
  );
  if (failures.length > 0) throw new Error(`kind could not create every cluster:\n${failures.join("\n")}`);
  // Serially, so the kubeconfig lock is never contended. Also restores the context of an existing cluster
  // whose kubeconfig entry was lost or is stale (another KUBECONFIG, a reset, a cluster made again by
  // hand); an existing cluster whose context answers keeps it, which spares a second run ~1.5 s each.
  for (const cluster of wanted)
    if (missing.includes(cluster) || !(await contextAnswers(cluster)))
      await run("kind", ["export", "kubeconfig", "--name", cluster.name]);
  for (const cluster of wanted)
    await run("kubectl", [
      "--context",
      cluster.context,
      "wait",
      "--for=condition=Ready",
      "nodes",
      "--all",
      `--timeout=${timeouts.nodesReady}`,
    ]);
  const created = missing.map((c) => c.name);
  const kept = present.map((c) => c.name);
  return [
    created.length > 0 ? `created ${created.join(", ")}` : "",
    kept.length > 0 ? `${kept.join(", ")} already existed` : "",
  ]
    .filter((s) => s !== "")
    .join("; ");
}
