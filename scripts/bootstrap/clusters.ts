// Step 2 of `make up`: both kind clusters, created in parallel, skipped when they already exist.
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

async function createCluster(key: ClusterKey, nodeImage: string): Promise<void> {
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
  const results = await Promise.allSettled(missing.map((key) => createCluster(key, nodeImage)));
  const failures = results.flatMap((result, i) =>
    result.status === "rejected"
      ? [`${clusters[missing[i]!].name}: ${(result.reason as Error).message}`]
      : [],
  );
  if (failures.length > 0) throw new Error(`kind could not create every cluster:\n${failures.join("\n")}`);
  // An existing cluster may have lost its kubeconfig entry (another kubeconfig, a reset): restore it.
  for (const key of present) await run("kind", ["export", "kubeconfig", "--name", clusters[key].name]);
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
