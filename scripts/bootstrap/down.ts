// `make down`: delete both kind clusters; with --purge (make down PURGE=1) also the state folder (CA,
// certificate, credentials). Idempotent: deleting what is already gone is not an error.
import { existsSync, readdirSync, rmSync } from "node:fs";
import { STATE_DIR, clusters, dockerNetwork, stateFiles } from "../lib/topology.ts";
import { parseFlags, runMain } from "./cli.ts";
import { clusterKeys, existingClusters, removeNetwork } from "./clusters.ts";
import { ToolMissing, run } from "./exec.ts";
import { Failure, exitCodes } from "./exit-codes.ts";
import { say } from "./ui.ts";

const command = {
  name: "down",
  summary: "Deletes both kind clusters (edge and remote); --purge also removes the state folder.",
  options: { purge: { type: "boolean" } },
  help: { purge: "also delete the state folder: CA, gateway certificate, credentials (make down PURGE=1)" },
} as const;

/** Removes the state folder, refusing one that holds anything bootstrap did not put there. */
export function purgeStateDir(dir: string): boolean {
  if (!existsSync(dir)) return false;
  const ours = new Set<string>(Object.values(stateFiles));
  const foreign = readdirSync(dir).filter((name) => !ours.has(name) && !/^\..*\.tmp$/.test(name));
  if (foreign.length > 0)
    throw new Failure(
      `refusing to delete ${dir}: it holds files bootstrap did not create (${foreign.join(", ")}); remove them yourself`,
      exitCodes.notReady,
    );
  rmSync(dir, { recursive: true, force: true });
  return true;
}

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
