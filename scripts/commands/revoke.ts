// `make revoke EDGE=<name>`: the remote refuses one edge of the fleet from now on, say because its
// credential leaked. Its lines leave the htpasswd the remote collector mounts; the collector, which reads
// that file only at start, is rolled (surging, so the other edges' retries lose nothing); then a call with
// the revoked credential is made until it is refused, and one with the first edge's is still accepted.
// Nothing of any edge cluster restarts. The edge stays refused until `make up EDGES=…` takes it away.
import { join } from "node:path";
import { parseFlags, runMain } from "../cli/command.ts";
import { bold, green, say } from "../cli/ui.ts";
import { existingClusters } from "../clusters/clusters.ts";
import { credentialsAnnotation } from "../clusters/fleet.ts";
import { timeouts } from "../clusters/config.ts";
import { applySecrets, materialFromFolder } from "../clusters/secrets.ts";
import { authModes, type AuthMode } from "../lib/auth-modes.ts";
import * as grpc from "@grpc/grpc-js";
import { basicAuthHeader, credentials, type Credentials } from "../lib/credentials.ts";
import { exportOnce } from "../lib/otlp-client.ts";
import { run } from "../lib/exec.ts";
import { Failure, exitCodes } from "../lib/exit-codes.ts";
import { deployedEdges, edgeStateDir, isRevoked } from "../lib/fleet.ts";
import { pollUntil } from "../lib/poll.ts";
import {
  deployedAuthMode,
  readClientState,
  readPrivateFile,
  stateFiles,
  STATE_DIR,
  writePrivateFile,
} from "../lib/state.ts";
import { clusterOf, clusters, gateway, namespaces, workloads } from "../lib/topology.ts";
import { useClusterTools } from "../provision/cluster-tools.ts";

const command = {
  name: "revoke",
  summary: "Makes the remote refuse one edge of the fleet (make's EDGE), with no restart of any edge.",
  options: { edge: { type: "string" } },
  help: { edge: "the edge to refuse: edge-2, edge-3, … (make status lists them)" },
} as const;

/** The edge EDGE names, checked against the fleet before anything changes. */
function chooseEdge(value: string | undefined): string {
  const fleet = deployedEdges(STATE_DIR).map((edge) => edge.name);
  const others = fleet.slice(1);
  const expected =
    others.length > 0
      ? `one of ${others.join(", ")}`
      : "an edge added by `make up EDGES=n` (this fleet has only the first edge)";
  const name = value?.trim() ?? "";
  if (name === "") throw new Failure(`EDGE is missing; expected ${expected}`, exitCodes.usage);
  if (name === clusters.edge.name)
    throw new Failure(
      `EDGE is "${name}", the fleet's first edge, whose credential make verify and make send use; expected ${expected} (make regenerate-credentials replaces the first edge's)`,
      exitCodes.usage,
    );
  if (!others.includes(name))
    throw new Failure(
      `EDGE is ${JSON.stringify(name)}, not an edge of this fleet; expected ${expected}`,
      exitCodes.usage,
    );
  return name;
}

/** Rolls the remote collector onto the fleet's new htpasswd, through the annotation `make up` sets too. */
async function rollRemoteCollector(): Promise<void> {
  const patch = {
    spec: {
      template: {
        metadata: {
          annotations: credentialsAnnotation(materialFromFolder(STATE_DIR))[workloads.remoteCollector],
        },
      },
    },
  };
  const base = ["--context", clusterOf("remote").context, "--namespace", namespaces.observability];
  const target = `deployment/${workloads.remoteCollector}`;
  await run("kubectl", [...base, "patch", target, "--type=strategic", "--patch", JSON.stringify(patch)]);
  await run("kubectl", [...base, "rollout", "status", target, `--timeout=${timeouts.rollout}`]);
}

/**
 * What the gateway answers an empty export with `creds`, as an edge makes it in this mode: TLS to the
 * gateway, or (AUTH=both) through to the remote collector with the first edge's client certificate.
 */
function gatewayAnswer(mode: AuthMode): (creds: Credentials) => Promise<grpc.status> {
  const read = (name: string) => Buffer.from(readPrivateFile(STATE_DIR, name) ?? "");
  const ca = read(stateFiles.caBundle);
  const through = authModes[mode].clientCertificate;
  const channel = through
    ? grpc.credentials.createSsl(ca, read(stateFiles.clientKey), read(stateFiles.clientCert))
    : grpc.credentials.createSsl(ca);
  return async (creds) =>
    (
      await exportOnce({
        address: `localhost:${gateway.hostPort}`,
        credentials: channel,
        serverName: through ? gateway.mtlsServerName : "localhost",
        authorization: basicAuthHeader(creds.username, creds.password),
        request: { resourceSpans: [] },
        timeoutMs: 5000,
      })
    ).code;
}

if (import.meta.main)
  runMain(async () => {
    const { values } = parseFlags(command, process.argv.slice(2));
    const edge = chooseEdge(values.edge);
    const mode = deployedAuthMode(STATE_DIR);
    if (!authModes[mode].password)
      throw new Failure(
        `AUTH=${mode} has no credential to refuse; a fleet runs with AUTH=basic or both`,
        exitCodes.usage,
      );
    await useClusterTools();
    if (!(await existingClusters().catch(() => new Set<string>())).has(clusters.remote.name))
      throw new Failure("the remote cluster is not running; `make up` first", exitCodes.notReady);
    const dir = edgeStateDir(STATE_DIR, edge);
    const read = (name: string) => readPrivateFile(dir, name)?.trim() ?? "";
    if (read(stateFiles.username) === "" || read(stateFiles.password) === "")
      throw new Failure(
        `${dir} lacks ${edge}'s ${stateFiles.username} and ${stateFiles.password}; \`make up\` writes them (and takes an edge beyond EDGES away)`,
        exitCodes.notReady,
      );
    const revoked = credentials(read(stateFiles.username), read(stateFiles.password));
    const started = Date.now();
    if (!isRevoked(STATE_DIR, edge))
      writePrivateFile(dir, stateFiles.revoked, `${new Date().toISOString()}\n`);
    const note = (line: string) => say(`  ${line}`);
    await applySecrets(materialFromFolder(STATE_DIR), note, "remote");
    await rollRemoteCollector();
    note(`remote: ${workloads.remoteCollector} rolled onto the htpasswd without ${edge}'s line`);
    const answer = gatewayAnswer(mode);
    // Only UNAUTHENTICATED counts as refused: while the collector rolls, a call may fail for another reason.
    await pollUntil(
      `the gateway to refuse ${edge}'s credential`,
      async () => ((await answer(revoked)) === grpc.status.UNAUTHENTICATED ? true : undefined),
      { timeoutMs: timeouts.rotationPhaseMs, intervalMs: 500 },
    );
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    const firstEdge = readClientState(STATE_DIR).credentials;
    await pollUntil(
      `the gateway to accept ${clusters.edge.name}'s credential`,
      async () => ((await answer(firstEdge)) === grpc.status.OK ? true : undefined),
      { timeoutMs: timeouts.rotationPhaseMs, intervalMs: 500 },
    );
    note(`${clusters.edge.name}'s credential: still accepted`);
    say(green(bold(`${edge} revoked: its credential is refused ${seconds}s after make revoke started`)));
    say(
      `  ${join(dir, stateFiles.revoked)} marks it; \`make up EDGES=n\` with n below its number takes it away`,
    );
  });
