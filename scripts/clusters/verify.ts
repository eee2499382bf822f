// The verify sequence (scripts/verify/run.ts) against the clusters: a port-forward to Jaeger's query
// API on the remote cluster and the gateway's host port, then the pass/fail table. `make verify` and
// `make up`'s last step run it.
import { createJaegerClient } from "../lib/jaeger-client.ts";
import { expectations, formatRows } from "../verify/pipeline-checks.ts";
import { runVerify } from "../verify/run.ts";
import { gateway } from "../lib/topology.ts";
import { deployedAuthMode, readClientState, readPrivateFile, STATE_DIR, stateFiles } from "../lib/state.ts";
import { authModes } from "../lib/auth-modes.ts";
import { acceptedEdges, deployedEdges } from "../lib/fleet.ts";
import { Failure, exitCodes } from "../lib/exit-codes.ts";
import type { CheckRow, GatewayTarget } from "../verify/types.ts";
import { bold, green, red, say } from "../cli/ui.ts";
import { jaegerQuery, startPortForward } from "./port-forward.ts";

export interface VerifyOptions {
  /** host:port of the gateway as the laptop reaches it. */
  gatewayAddress: string;
  /** Bound on waiting for the apps' traces to show up in Jaeger. */
  pipelineTimeoutMs: number;
  /** Bound on waiting for the gateway check's accepted span to show up. */
  leakTimeoutMs: number;
  stateDir: string;
}

export const defaultVerifyOptions: VerifyOptions = Object.freeze({
  gatewayAddress: `localhost:${gateway.hostPort}`,
  pipelineTimeoutMs: 180_000,
  leakTimeoutMs: 60_000,
  stateDir: STATE_DIR,
});

/**
 * The checks' target from the state folder: the deployed mode, the CA, the credentials and, for the
 * client-certificate rows, the edge's certificate and the client CA (whose key signs the bad ones).
 */
export function clusterGatewayTarget(stateDir: string, address: string): GatewayTarget {
  const client = readClientState(stateDir);
  const mode = deployedAuthMode(stateDir);
  const clientCaCertPem = readPrivateFile(stateDir, stateFiles.clientCaCert);
  const clientCaKeyPem = readPrivateFile(stateDir, stateFiles.clientCaKey);
  const pki =
    client.clientCertPem && client.clientKeyPem && clientCaCertPem && clientCaKeyPem
      ? { certPem: client.clientCertPem, keyPem: client.clientKeyPem, clientCaCertPem, clientCaKeyPem }
      : undefined;
  if (authModes[mode].clientCertificate && pki === undefined)
    throw new Failure(
      `AUTH=${mode} needs the edge's client certificate and the client CA in ${stateDir}; run \`make up\` first`,
      exitCodes.notReady,
    );
  return {
    address,
    caPem: client.caCertPem,
    username: client.credentials.username,
    password: client.credentials.password,
    mode,
    client: pki,
  };
}

/** Runs every check and prints the table; resolves with the rows (the caller decides the exit code). */
export async function verify(options: VerifyOptions): Promise<CheckRow[]> {
  const gatewayTarget = clusterGatewayTarget(options.stateDir, options.gatewayAddress);
  const forward = await startPortForward(jaegerQuery);
  try {
    say(`      AUTH=${gatewayTarget.mode}: ${authModes[gatewayTarget.mode!].summary}`);
    const rows = await runVerify({
      jaeger: createJaegerClient(forward.url),
      gateway: gatewayTarget,
      expectations: expectations({
        podMetadata: true,
        edgeNames: acceptedEdges(
          options.stateDir,
          deployedEdges(options.stateDir).map((edge) => edge.name),
        ),
      }),
      pipelineTimeoutMs: options.pipelineTimeoutMs,
      leakTimeoutMs: options.leakTimeoutMs,
      note: (line) => say(`      ${line}`),
    });
    say();
    say(formatRows(rows).replace(/^PASS/gm, green("PASS")).replace(/^FAIL/gm, red("FAIL")));
    say();
    const failed = rows.filter((row) => !row.ok).length;
    say(
      failed === 0
        ? green(bold(`verify: all ${rows.length} checks passed`))
        : red(bold(`verify: ${failed} of ${rows.length} checks failed`)),
    );
    return rows;
  } finally {
    await forward.stop();
  }
}
