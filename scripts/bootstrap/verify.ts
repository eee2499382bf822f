// `make verify`: proof that traces crossed from edge to remote, and that the gateway turns bad clients
// away. The checks themselves are shared with `make local-verify` (scripts/lib/pipeline-checks.ts and
// gateway-checks.ts); this file only reaches the clusters: a port-forward to Jaeger's query API on the
// remote cluster and the gateway's host port, then prints the pass/fail table.
import { confirmNothingLeaked, runGatewayChecks } from "../lib/gateway-checks.ts";
import { createJaegerClient } from "../lib/jaeger-client.ts";
import { checkPipeline, expectations, formatRows, type CheckRow } from "../lib/pipeline-checks.ts";
import { STATE_DIR, gateway, namespaces, ports, workloads } from "../lib/topology.ts";
import { parseFlags, runMain } from "./cli.ts";
import { Failure, exitCodes } from "./exit-codes.ts";
import { startPortForward } from "./port-forward.ts";
import { readClientState } from "./state.ts";
import { bold, green, red, say } from "./ui.ts";

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

/** Runs every check and prints the table; resolves with the rows (the caller decides the exit code). */
export async function verify(options: VerifyOptions): Promise<CheckRow[]> {
  const client = readClientState(options.stateDir);
  const forward = await startPortForward({
    cluster: "remote",
    namespace: namespaces.observability,
    target: `service/${workloads.jaeger}`,
    remotePort: ports.jaegerQuery,
  });
  try {
    const jaeger = createJaegerClient(forward.url);
    say(
      `      Jaeger query API forwarded to ${forward.url}; waiting up to ${options.pipelineTimeoutMs / 1000}s for traces`,
    );
    const pipeline = await checkPipeline(jaeger, expectations({ podMetadata: true }), {
      timeoutMs: options.pipelineTimeoutMs,
    });
    say(`      gateway checks against ${options.gatewayAddress}`);
    const attempts = await runGatewayChecks({
      address: options.gatewayAddress,
      caPem: client.caCertPem,
      username: client.credentials.username,
      password: client.credentials.password,
    });
    const leaks = await confirmNothingLeaked(jaeger, attempts, { timeoutMs: options.leakTimeoutMs });
    const rows = [...pipeline, ...attempts, ...leaks];
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

const command = {
  name: "verify",
  summary:
    "Checks that traces from both apps reached Jaeger with edge cluster metadata and a trace-generator → sample-service edge, and that the gateway rejects bad clients.",
  options: {
    gateway: { type: "string" },
    timeout: { type: "string" },
  },
  help: {
    gateway: `the gateway as this machine reaches it (default localhost:${gateway.hostPort})`,
    timeout: "seconds to wait for the traces to arrive in Jaeger (default 180)",
  },
} as const;

export function parseVerifyFlags(argv: string[]): VerifyOptions {
  const { values } = parseFlags(command, argv);
  const problems: string[] = [];
  const gatewayAddress = values.gateway ?? defaultVerifyOptions.gatewayAddress;
  if (!/^[^:\s]+:\d{1,5}$/.test(gatewayAddress))
    problems.push(
      `--gateway ${JSON.stringify(gatewayAddress)} is not host:port (e.g. localhost:${gateway.hostPort})`,
    );
  const timeout = values.timeout === undefined ? undefined : Number(values.timeout);
  if (timeout !== undefined && !(Number.isInteger(timeout) && timeout > 0 && timeout <= 3600))
    problems.push(
      `--timeout ${JSON.stringify(values.timeout)} is not a whole number of seconds from 1 to 3600`,
    );
  if (problems.length > 0) throw new Failure(problems.join("\n"), exitCodes.usage);
  return Object.freeze({
    ...defaultVerifyOptions,
    gatewayAddress,
    pipelineTimeoutMs: timeout === undefined ? defaultVerifyOptions.pipelineTimeoutMs : timeout * 1000,
  });
}

if (import.meta.main)
  runMain(async () => {
    const options = parseVerifyFlags(process.argv.slice(2));
    const rows = await verify(options);
    if (rows.some((row) => !row.ok))
      throw new Failure("verify failed (see the table above)", exitCodes.verifyFailed);
  });
