// Step 2 of `make up`: both kind clusters, created in parallel, skipped when they already exist.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { REPO_ROOT, clusters } from "../lib/topology.ts";
import { run } from "./exec.ts";
import { timeouts } from "./config.ts";

export type ClusterKey = keyof typeof clusters;
export const clusterKeys = Object.keys(clusters) as ClusterKey[];

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
async function createCluster(key: ClusterKey, nodeImage: string, scratch: string): Promise<void> {
  const cluster = clusters[key];
  await run("kind", [
    "create",
    "cluster",
    "--name",
    cluster.name,
    "--config",
    join(REPO_ROOT, cluster.config),
    "--image",
    nodeImage,
    "--kubeconfig",
    join(scratch, `${cluster.name}.kubeconfig`),
    "--wait",
    timeouts.nodesReady,
  ]);
}

/** Creates the missing clusters in parallel and waits until every node of both is Ready. */
export async function ensureClusters(nodeImage: string, note: (line: string) => void): Promise<string> {
  const existing = await existingClusters();
  const missing = clusterKeys.filter((key) => !existing.has(clusters[key].name));
  const present = clusterKeys.filter((key) => existing.has(clusters[key].name));
  if (missing.length > 0)
    note(`creating ${missing.map((k) => clusters[k].name).join(" and ")} (in parallel)`);
  // The throw-away kubeconfigs hold admin credentials: a private folder, removed right after.
  const scratch = mkdtempSync(join(tmpdir(), "otel-e2r-kind-"));
  let results: PromiseSettledResult<void>[];
  try {
    results = await Promise.allSettled(missing.map((key) => createCluster(key, nodeImage, scratch)));
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
  // whose kubeconfig entry was lost (another KUBECONFIG, a reset).
  for (const key of clusterKeys) await run("kind", ["export", "kubeconfig", "--name", clusters[key].name]);
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
