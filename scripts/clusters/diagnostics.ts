// What `make up` (and the real-cluster suite) leaves behind when something fails: the pods of each
// cluster on the terminal, and under .logs/<stamp>/ kind's logs of every node plus the logs of every pod
// in the project's namespaces. The clusters stay up for inspection.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { clusters, namespaces, clusterKeys } from "../lib/topology.ts";
import { existingClusters } from "./clusters.ts";
import { LOGS_DIR } from "./config.ts";
import { indent } from "../cli/steps.ts";
import { bold, say } from "../cli/ui.ts";
import { run } from "../lib/exec.ts";

async function podLogs(context: string, namespace: string, target: string): Promise<void> {
  const names = await run(
    "kubectl",
    ["--context", context, "--namespace", namespace, "get", "pods", "--output", "name"],
    { allowFailure: true },
  );
  for (const pod of names.stdout.split("\n").filter((line) => line.startsWith("pod/"))) {
    const logs = await run(
      "kubectl",
      ["--context", context, "--namespace", namespace, "logs", pod, "--all-containers", "--prefix"],
      { allowFailure: true },
    );
    writeFileSync(join(target, `${namespace}_${pod.slice(4)}.log`), `${logs.stdout}${logs.stderr}`);
  }
}

/** Exports everything that helps explain a failure; returns the folder. */
export async function exportDiagnostics(failedStep: number, runLog: string, stamp: string): Promise<string> {
  say();
  say(`Commands run so far (and their errors): ${runLog}`);
  const folder = join(LOGS_DIR, `failure-${stamp}`);
  if (failedStep === 1) return folder;
  const existing = await existingClusters().catch(() => new Set<string>());
  // Before step 5 (or when creating them failed) there are no clusters to inspect or to mention.
  if (!clusterKeys.some((key) => existing.has(clusters[key].name))) return folder;
  for (const key of clusterKeys) {
    const cluster = clusters[key];
    if (!existing.has(cluster.name)) continue;
    const pods = await run(
      "kubectl",
      ["--context", cluster.context, "get", "pods", "--all-namespaces", "-o", "wide"],
      { allowFailure: true },
    );
    say(bold(`Pods in ${cluster.name}:`));
    say(indent((pods.stdout || pods.stderr).trimEnd()));
    const target = join(folder, cluster.name);
    mkdirSync(target, { recursive: true });
    await run("kind", ["export", "logs", join(target, "kind"), "--name", cluster.name], {
      allowFailure: true,
    });
    for (const namespace of Object.values(namespaces)) await podLogs(cluster.context, namespace, target);
    say(`logs of ${cluster.name} (kind's and every pod's): ${target}`);
  }
  say("The clusters are left running for inspection: `make status`, `make logs`; `make down` removes them.");
  return folder;
}
