// `make verify`: proof that traces crossed from edge to remote, and that the gateway turns bad clients
// away (scripts/clusters/verify.ts runs the shared checks against the clusters).
import { parseFlags, runMain } from "../cli/command.ts";
import { parseHostPort } from "../cli/values.ts";
import { defaultVerifyOptions, verify, type VerifyOptions } from "../clusters/verify.ts";
import { gateway } from "../lib/topology.ts";
import { Failure, exitCodes } from "../lib/exit-codes.ts";
import { useClusterTools } from "../provision/cluster-tools.ts";

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
  const bad = parseHostPort("--gateway", gatewayAddress, `localhost:${gateway.hostPort}`);
  if (bad) problems.push(bad);
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
    // The project's kind and kubectl (make up provided them) where the user's will not do.
    await useClusterTools();
    const rows = await verify(options);
    if (rows.some((row) => !row.ok))
      throw new Failure("verify failed (see the table above)", exitCodes.verifyFailed);
  });
