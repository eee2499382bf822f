// `make down`: delete both kind clusters; with --purge (make down PURGE=1) also the state folder (CA,
// certificate, credentials). Idempotent: deleting what is already gone is not an error.
import { existsSync } from "node:fs";
import { clusters, dockerNetwork, clusterKeys } from "../lib/topology.ts";
import { parseFlags, runMain } from "../cli/command.ts";
import { existingClusters, removeNetwork } from "../clusters/clusters.ts";
import { say } from "../cli/ui.ts";
import { ToolMissing, run } from "../lib/exec.ts";
import { Failure, exitCodes } from "../lib/exit-codes.ts";
import { STATE_DIR, purgeStateDir } from "../lib/state.ts";

const command = {
  name: "down",
  summary: "Deletes both kind clusters (edge and remote); --purge also removes the state folder.",
  options: { purge: { type: "boolean" } },
  help: { purge: "also delete the state folder: CA, gateway certificate, credentials (make down PURGE=1)" },
} as const;

if (import.meta.main)
  runMain(async () => {
    const { values } = parseFlags(command, process.argv.slice(2));
    let existing: Set<string>;
    try {
      existing = await existingClusters();
    } catch (error) {
      if (error instanceof ToolMissing)
        throw new Failure(
          "kind is not installed (not on PATH), so there are no kind clusters to delete",
          exitCodes.kindMissing,
        );
      throw error;
    }
    for (const key of clusterKeys) {
      const { name } = clusters[key];
      if (!existing.has(name)) {
        say(`cluster ${name}: not running`);
        continue;
      }
      await run("kind", ["delete", "cluster", "--name", name]);
      say(`cluster ${name}: deleted`);
    }
    if (await removeNetwork().catch(() => false)) say(`Docker network ${dockerNetwork}: deleted`);
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
