// `make regenerate-credentials`: new basic-auth credentials (and with --certificates a new CA and every
// certificate below it), then — when the clusters are running — the Secrets updated and the collectors
// restarted so both ends use them. The explicit way to rotate; `make up` alone always reuses.
import { namespaces } from "../lib/topology.ts";
import { deployedEdges, fleetCollectors } from "../lib/fleet.ts";
import { fleetMaterial } from "../clusters/fleet.ts";
import { ensureCertificates } from "../lib/certificates.ts";
import { parseFlags, runMain } from "../cli/command.ts";
import { existingClusters } from "../clusters/clusters.ts";
import { timeouts } from "../clusters/config.ts";
import { applySecrets } from "../clusters/secrets.ts";
import { say } from "../cli/ui.ts";
import { run } from "../lib/exec.ts";
import { STATE_DIR, ensureCredentials } from "../lib/state.ts";
import { useClusterTools } from "../provision/cluster-tools.ts";

const command = {
  name: "regenerate-credentials",
  summary:
    "Replaces the basic-auth credentials (and with --certificates the CA and every certificate below it) and rolls them out.",
  options: { certificates: { type: "boolean" } },
  help: { certificates: "also make a new CA and every certificate below it" },
} as const;

if (import.meta.main)
  runMain(async () => {
    const { values } = parseFlags(command, process.argv.slice(2));
    // The project's kind and kubectl (make up provided them) where the user's will not do.
    await useClusterTools();
    const note = (line: string) => say(`  ${line}`);
    const certs = await ensureCertificates(STATE_DIR, {
      regenerate: values.certificates === true,
      note,
    });
    const creds = ensureCredentials({ stateDir: STATE_DIR, regenerate: true });
    say(
      `new credentials${values.certificates === true ? ", CA and certificates" : ""} written to ${STATE_DIR} (not shown)`,
    );
    // The fleet's other edges keep their credentials; with a new CA they get new certificates from it.
    const { material } = await fleetMaterial(STATE_DIR, deployedEdges(STATE_DIR), certs, creds, note);
    // The collectors that read the rotated Secrets; a restart makes them pick the new files up at once.
    // The remote one first, so the new password is accepted before the edge starts sending it.
    const restart = [...fleetCollectors(STATE_DIR)].reverse();
    const existing = await existingClusters().catch(() => new Set<string>());
    if (!restart.every(({ cluster }) => existing.has(cluster.name))) {
      say("the clusters are not all running; the next `make up` applies the new Secrets");
      return;
    }
    await applySecrets(material, note);
    for (const { cluster, target } of restart) {
      const base = ["--context", cluster.context, "--namespace", namespaces.observability, "rollout"];
      await run("kubectl", [...base, "restart", target]);
      await run("kubectl", [...base, "status", target, `--timeout=${timeouts.rollout}`]);
      note(`${cluster.name}: ${target} restarted`);
    }
    say("rotated; run `make verify` to prove the new credentials work end to end");
  });
