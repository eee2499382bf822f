// `make regenerate-credentials`: new basic-auth credentials (and with --certificates a new CA and every
// certificate below it), then — when the clusters are running — the Secrets updated and the collectors
// restarted so both ends use them. The explicit way to rotate; `make up` alone always reuses.
import { clusters, collectorTargets, namespaces, clusterKeys } from "../lib/topology.ts";
import { ensureCertificates } from "../lib/certificates.ts";
import { parseFlags, runMain } from "../cli/command.ts";
import { existingClusters } from "../clusters/clusters.ts";
import { timeouts } from "../clusters/config.ts";
import { applySecrets, secretMaterial } from "../clusters/secrets.ts";
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

/**
 * The collectors that read the rotated Secrets; a restart makes them pick the new files up at once. The
 * remote one first, so the new password is accepted before the edge starts sending it.
 */
const RESTART = [...collectorTargets].reverse();

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
    const existing = await existingClusters().catch(() => new Set<string>());
    if (!clusterKeys.every((key) => existing.has(clusters[key].name))) {
      say("the clusters are not both running; the next `make up` applies the new Secrets");
      return;
    }
    await applySecrets(secretMaterial(certs, creds), note);
    for (const { cluster, target } of RESTART) {
      const base = [
        "--context",
        clusters[cluster].context,
        "--namespace",
        namespaces.observability,
        "rollout",
      ];
      await run("kubectl", [...base, "restart", target]);
      await run("kubectl", [...base, "status", target, `--timeout=${timeouts.rollout}`]);
      note(`${clusters[cluster].name}: ${target} restarted`);
    }
    say("rotated; run `make verify` to prove the new credentials work end to end");
  });
