// `make up`'s clusters: both kind clusters, created in parallel on the project's own Docker network,
// skipped when they already exist.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { clusterKeys, clusters, dockerNetwork, type ClusterKey } from "../lib/topology.ts";
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
  key: ClusterKey,
  nodeImage: string,
  adjustments: HostAdjustments,
  scratch: string,
): Promise<void> {
  const cluster = clusters[key];
  const config = join(scratch, `${cluster.name}.kind.yaml`);
  writeFileSync(config, kindConfigFor(key, adjustments));
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
async function contextAnswers(key: ClusterKey): Promise<boolean> {
  const context = ["--context", clusters[key].context, "--request-timeout=5s"];
  return (await run("kubectl", [...context, "get", "--raw=/readyz"], { allowFailure: true })).exitCode === 0;
}

/** Creates the missing clusters in parallel and waits until every node of both is Ready. */
export async function ensureClusters(
  nodeImage: string,
  adjustments: HostAdjustments,
  note: (line: string) => void,
): Promise<string> {
  const existing = await existingClusters();
  const missing = clusterKeys.filter((key) => !existing.has(clusters[key].name));
  const present = clusterKeys.filter((key) => existing.has(clusters[key].name));
  if (missing.length > 0)
    note(`creating ${missing.map((k) => clusters[k].name).join(" and ")} (in parallel)`);
  // The throw-away kubeconfigs hold admin credentials: a private folder, removed right after.
  const scratch = mkdtempSync(join(tmpdir(), "otel-e2r-kind-"));
  let results: PromiseSettledResult<void>[];
  try {
    if (missing.length > 0) note(`Docker network ${dockerNetwork}: ${await ensureNetwork()}`);
    results = await Promise.allSettled(
      missing.map((key) => createCluster(key, nodeImage, adjustments, scratch)),
    );
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  const failures = results.flatMap((result, i) =>
    result.status === "rejected"
      ? [`${clusters[missing[i]!].name}: ${(result.reason as Error).message}`]
      : [],
  );
  if (failures.length > 0) throw new Error(`kind could not create every cluster:\n${failures.join("\n")}`);
  // Serially, so the kubeconfig lock is never contended. Also restores the context of an existing cluster
  // whose kubeconfig entry was lost or is stale (another KUBECONFIG, a reset, a cluster made again by
  // hand); an existing cluster whose context answers keeps it, which spares a second run ~1.5 s each.
  for (const key of clusterKeys)
    if (missing.includes(key) || !(await contextAnswers(key)))
      await run("kind", ["export", "kubeconfig", "--name", clusters[key].name]);
  for (const key of clusterKeys)
    await run("kubectl", [
      "--context",
      clusters[key].context,
      "wait",
      "--for=condition=Ready",
      "nodes",
      "--all",
      `--timeout=${timeouts.nodesReady}`,
    ]);
  const created = missing.map((k) => clusters[k].name);
  const kept = present.map((k) => clusters[k].name);
  return [
    created.length > 0 ? `created ${created.join(", ")}` : "",
    kept.length > 0 ? `${kept.join(", ")} already existed` : "",
  ]
    .filter((s) => s !== "")
    .join("; ");
}
