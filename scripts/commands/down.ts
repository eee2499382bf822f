// `make down`: undoes what `make up` started. It deletes the kind clusters (every edge) and their network, and stops the
// Docker engine the project started (never one it did not start); with --purge (make down PURGE=1) it also
// deletes that engine's data and the state folder (CA, certificates, credentials). Idempotent: deleting what
// is already gone is not an error. The caches (Go tools, Node, downloads) stay, as Go's own caches do.
import { existsSync } from "node:fs";
import { clusters, dockerNetwork, clusterKeys } from "../lib/topology.ts";
import { isEdgeName } from "../lib/fleet.ts";
import { parseFlags, runMain } from "../cli/command.ts";
import { existingClusters, removeNetwork } from "../clusters/clusters.ts";
import { say } from "../cli/ui.ts";
import { ToolMissing, run } from "../lib/exec.ts";
import { STATE_DIR, purgeStateDir } from "../lib/state.ts";
import { useClusterTools } from "../provision/cluster-tools.ts";
import { engineState, stopEngine } from "../provision/engine.ts";

const command = {
  name: "down",
  summary:
    "Deletes the kind clusters (the remote and every edge) and stops the Docker engine make up started; --purge also deletes that engine's data and the state folder.",
  options: { purge: { type: "boolean" } },
  help: {
    purge:
      "also delete the project's engine's data and the state folder: CA, certificates, credentials (make down PURGE=1)",
  },
} as const;

/** Deletes the project's clusters and their network; one line per thing, whatever was there. */
async function deleteClusters(): Promise<string[]> {
  if (!(await engineState()).answers) return ["no Docker engine answers, so no kind cluster runs"];
  let existing: Set<string>;
  try {
    existing = await existingClusters();
  } catch (error) {
    if (error instanceof ToolMissing)
      return ["kind is not installed, so make up never created a cluster here"];
    throw error;
  }
  const lines: string[] = [];
  // Every edge of a fleet, whatever EDGES the state folder remembers (it may be gone, or out of date).
  const edges = [...existing].filter((name) => isEdgeName(name) && name !== clusters.edge.name).sort();
  for (const name of [...clusterKeys.map((key) => clusters[key].name), ...edges]) {
    if (!existing.has(name)) {
      lines.push(`cluster ${name}: not running`);
      continue;
    }
    await run("kind", ["delete", "cluster", "--name", name]);
    lines.push(`cluster ${name}: deleted`);
  }
  if (await removeNetwork().catch(() => false)) lines.push(`Docker network ${dockerNetwork}: deleted`);
  return lines;
}

if (import.meta.main)
  runMain(async () => {
    const { values } = parseFlags(command, process.argv.slice(2));
    // The project's kind and kubectl (make up provided them) where the user's will not do.
    await useClusterTools();
    for (const line of await deleteClusters()) say(line);
    const engine = await stopEngine(values.purge === true);
    if (engine !== undefined) say(engine);
    if (values.purge === true)
      say(
        purgeStateDir(STATE_DIR)
          ? `state folder ${STATE_DIR}: deleted`
          : `state folder ${STATE_DIR}: not there`,
      );
    else if (existsSync(STATE_DIR))
      say(
        `state folder ${STATE_DIR}: kept (the next make up reuses the CA and credentials; make down PURGE=1 deletes it)`,
      );
  });
