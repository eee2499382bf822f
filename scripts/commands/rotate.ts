// `make rotate [WHAT=client,server,ca,credentials]`: renews what expires within 30 days, or what WHAT
// names, and rolls it out to the running clusters phase by phase with nothing refused on the way
// (scripts/rotation/rotate.ts says what each phase does and waits for). Ends by showing that the old
// credential or certificate is retired; `make verify` afterwards proves the whole path again.
import { parseFlags, runMain } from "../cli/command.ts";
import { bold, green, say } from "../cli/ui.ts";
import { existingClusters } from "../clusters/clusters.ts";
import { timeouts } from "../clusters/config.ts";
import { clusterRollout } from "../clusters/rollout.ts";
import { authModes, type AuthMode } from "../lib/auth-modes.ts";
import { deployedEdges } from "../lib/fleet.ts";
import { Failure, exitCodes } from "../lib/exit-codes.ts";
import { pollUntil } from "../lib/poll.ts";
import { dueKinds, parseRotationKinds, ROTATION_KINDS, type RotationKind } from "../rotation/kinds.ts";
import { rotationProbes } from "../rotation/probes.ts";
import { rotate } from "../rotation/rotate.ts";
import type { RotationContext, RotationResult } from "../rotation/types.ts";
import { deployedAuthMode, STATE_DIR } from "../lib/state.ts";
import { clusterKeys, clusters, gateway } from "../lib/topology.ts";
import { useClusterTools } from "../provision/cluster-tools.ts";

const command = {
  name: "rotate",
  summary:
    "Renews the certificates that expire within 30 days (or what --what names) and rolls them out with no restart of the apps and no span lost.",
  options: { what: { type: "string" } },
  help: {
    what: `comma-separated: ${ROTATION_KINDS.join(", ")} (default: what expires within 30 days)`,
  },
} as const;

/**
 * One rotation; a failure says which kind stopped, why, and that nothing was given up: every phase leaves
 * the old and the new both trusted until its last step, and running the same command again resumes.
 */
async function rotateOrExplain(kind: RotationKind, context: RotationContext): Promise<RotationResult> {
  try {
    return await rotate(kind, context);
  } catch (error) {
    if (error instanceof Failure) throw error;
    throw new Failure(
      `make rotate WHAT=${kind} stopped: ${(error as Error).message}\nThe state folder ${STATE_DIR} keeps the old and the new trusted side by side; fix the cause (\`make status\`, \`make logs\`) and run \`make rotate WHAT=${kind}\` again to finish`,
      exitCodes.stepFailed,
    );
  }
}

/**
 * A rotation knows the first edge only. `ca` restarts the first edge's collector alone, and the others
 * read their CA bundle only at start, so they would go on trusting the old CA and fail every handshake
 * once the gateway serves the new one; `client` would leave the other edges with certificates from a
 * client CA it retires (AUTH=mtls|both). Refused before anything changes.
 */
function refuseForFleet(kinds: readonly RotationKind[], mode: AuthMode, from: string): void {
  const edges = deployedEdges(STATE_DIR);
  const blocked = kinds.filter(
    (kind) => kind === "ca" || (kind === "client" && authModes[mode].clientCertificate),
  );
  if (edges.length === 1 || blocked.length === 0) return;
  const others = edges.slice(1).map((edge) => edge.name);
  throw new Failure(
    `make rotate WHAT=${blocked.join(",")} (${from}) renews and restarts the first edge only, and ${others.join(", ")} would lose the gateway with AUTH=${mode}. Rotate with one edge: make up EDGES=1, make rotate WHAT=${blocked.join(",")}, then make up EDGES=${edges.length} (the edges made again trust the new CA and get certificates from it)`,
    exitCodes.usage,
  );
}

if (import.meta.main)
  runMain(async () => {
    const { values } = parseFlags(command, process.argv.slice(2));
    // The project's kind and kubectl (make up provided them) where the user's will not do.
    await useClusterTools();
    const named = parseRotationKinds(values.what);
    const existing = await existingClusters().catch(() => new Set<string>());
    if (!clusterKeys.every((key) => existing.has(clusters[key].name)))
      throw new Failure("the clusters are not both running; `make up` first", exitCodes.notReady);
    const due = dueKinds(STATE_DIR);
    const kinds = named ?? due.kinds;
    if (kinds.length === 0) {
      say(
        `nothing expires within 30 days (the nearest: ${due.nearest}); name one with WHAT=${ROTATION_KINDS.join("|")}`,
      );
      return;
    }
    const mode = deployedAuthMode(STATE_DIR);
    refuseForFleet(kinds, mode, named ? "asked for by WHAT" : "due within 30 days");
    say(`rotating ${kinds.join(", ")} (AUTH=${mode}: ${authModes[mode].summary})`);
    const note = (line: string) => say(`  ${line}`);
    for (const kind of kinds) {
      say(bold(`WHAT=${kind}`));
      const result = await rotateOrExplain(kind, {
        dir: STATE_DIR,
        rollout: clusterRollout(STATE_DIR, note),
        probes: rotationProbes({ address: `localhost:${gateway.hostPort}`, mode, dir: STATE_DIR }),
        note,
        until: async (what, check) =>
          void (await pollUntil(what, async () => ((await check()) ? true : undefined), {
            timeoutMs: timeouts.rotationPhaseMs,
            intervalMs: 1000,
          })),
      });
      say(green(`  done in ${result.seconds.toFixed(1)}s: ${result.retired}`));
    }
    say("run `make verify` to prove the whole path with the new material");
  });
