// `make send`: run the trace generator from this machine straight to the remote gateway — the same hop
// the edge collector makes (TLS with the project's CA, basic auth), a workshop exercise. The secret
// reaches the generator through its environment (OTEL_EXPORTER_OTLP_HEADERS), never argv or output.
import { spawn } from "node:child_process";
import { join } from "node:path";
import { basicAuthHeader } from "../lib/credentials.ts";
import { REPO_ROOT, gateway } from "../lib/topology.ts";
import { parseFlags, runMain } from "../cli/command.ts";
import { parseHostPort } from "../cli/values.ts";
import { deployedAuthMode, readClientState, type ClientState, STATE_DIR } from "../lib/state.ts";
import { authModes } from "../lib/auth-modes.ts";
import { dim, say } from "../cli/ui.ts";
import { Failure, exitCodes } from "../lib/exit-codes.ts";

const command = {
  name: "send",
  summary:
    "Runs the trace generator from this machine against the remote gateway with the generated CA and credentials. Arguments after -- go to the generator (default: --count 100).",
  options: { gateway: { type: "string" } },
  help: { gateway: `the gateway as this machine reaches it (default localhost:${gateway.hostPort})` },
  allowPositionals: true,
} as const;

export const TRACE_GENERATOR = join(REPO_ROOT, "apps", "trace-generator", "src", "main.ts");
export const DEFAULT_GENERATOR_ARGS = Object.freeze(["--count", "100"]);

/** The OTel exporter environment for the gateway: endpoint, CA file, and the basic-auth header. */
export function exporterEnv(state: ClientState, address: string): Record<string, string> {
  return {
    OTEL_EXPORTER_OTLP_ENDPOINT: `https://${address}`,
    OTEL_EXPORTER_OTLP_CERTIFICATE: state.caCertFile,
    // The spec's header list is percent-encoded: the space after "Basic" must be %20.
    OTEL_EXPORTER_OTLP_HEADERS: `authorization=${encodeURIComponent(basicAuthHeader(state.credentials.username, state.credentials.password))}`,
  };
}

if (import.meta.main)
  runMain(async () => {
    const { values, positionals } = parseFlags(command, process.argv.slice(2));
    const address = values.gateway ?? `localhost:${gateway.hostPort}`;
    const bad = parseHostPort("--gateway", address, `localhost:${gateway.hostPort}`);
    if (bad) throw new Failure(bad, exitCodes.usage);
    const state = readClientState(STATE_DIR);
    const auth = deployedAuthMode(STATE_DIR);
    if (authModes[auth].clientCertificate)
      throw new Failure(
        `make send speaks basic auth to the gateway's TLS-terminating listener, which the deployed AUTH=${auth} does not route: its traffic must ask for ${gateway.mtlsServerName} by SNI, and the OpenTelemetry JS exporter sends the URL's host instead. Run \`make verify\` (its positive control exports with the edge's client certificate), or \`make up AUTH=basic\` first`,
        exitCodes.notReady,
      );
    const args = positionals.length > 0 ? positionals : [...DEFAULT_GENERATOR_ARGS];
    say(
      dim(
        `trace-generator ${args.join(" ")} → https://${address} (CA ${state.caCertFile}, basic auth from the state folder)`,
      ),
    );
    const child = spawn(process.execPath, [TRACE_GENERATOR, ...args], {
      stdio: "inherit",
      env: { ...process.env, ...exporterEnv(state, address) },
    });
    const code = await new Promise<number>((resolve) => child.once("exit", (c) => resolve(c ?? 1)));
    process.exitCode = code;
  });
