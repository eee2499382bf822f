// `make jaeger` and `make prometheus`: one port-forward from the remote cluster to a fixed local port,
// held until Ctrl-C. The port is checked first, so a second `make jaeger` says why instead of failing in
// kubectl.
import { parseFlags, runMain } from "../cli/command.ts";
import { bold, say } from "../cli/ui.ts";
import { useClusterTools } from "../provision/cluster-tools.ts";
import { Failure, exitCodes } from "../lib/exit-codes.ts";
import { portIsFree } from "../lib/ports.ts";
import { startPortForward, type PortForwardOptions } from "./port-forward.ts";

/** `--port` (PORT=n): a port number from 1024 to 65535, or the default. */
export function parsePort(text: string | undefined, defaultPort: number): number {
  if (text === undefined || text === "") return defaultPort;
  const port = Number(text);
  if (!Number.isInteger(port) || port < 1024 || port > 65535)
    throw new Failure(
      `--port ${JSON.stringify(text)} is not a port number from 1024 to 65535`,
      exitCodes.usage,
    );
  return port;
}

export async function forwardUntilInterrupted(
  make: string,
  what: string,
  target: PortForwardOptions,
  port: number,
  path = "",
  /** What to say after the URL about what answers there (e.g. a UI that is only a placeholder). */
  caveat: (url: string) => Promise<string | undefined> = () => Promise.resolve(undefined),
): Promise<void> {
  if (!(await portIsFree(port)))
    throw new Failure(
      `port ${port} on this machine is already in use — is \`make ${make}\` already running in another terminal? Stop it (Ctrl-C), free the port (\`ss -ltnp 'sport = :${port}'\`) or choose another: make ${make} PORT=<n>`,
      exitCodes.portTaken,
    );
  const forward = await startPortForward({ ...target, localPort: port });
  const note = await caveat(forward.url).catch(() => undefined);
  say(
    bold(`${what}: http://localhost:${forward.localPort}${path}`) +
      `  (Ctrl-C to stop)${note ? ` — ${note}` : ""}`,
  );
  const stop = () => void forward.stop();
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  const code = await forward.exited;
  if (code !== 0 && code !== null)
    throw new Failure(
      `kubectl port-forward stopped (exit ${code}); is the remote cluster still up? Try \`make status\`.`,
      exitCodes.stepFailed,
    );
}

export interface ForwardCommand {
  /** The make target, and the command's name. */
  readonly make: string;
  /** What answers there, for the printed lines ("Jaeger"). */
  readonly what: string;
  readonly summary: string;
  readonly target: PortForwardOptions;
  readonly defaultPort: number;
  readonly path?: string;
  readonly caveat?: (url: string) => Promise<string | undefined>;
}

/** A whole port-forward command: its --port flag (PORT=n), the project's kubectl, the forward until Ctrl-C. */
export function runForwardCommand(spec: ForwardCommand): void {
  const command = {
    name: spec.make,
    summary: spec.summary,
    options: { port: { type: "string" } },
    help: { port: `the local port (default ${spec.defaultPort}; make ${spec.make} PORT=<n>)` },
  } as const;
  runMain(async () => {
    const { values } = parseFlags(command, process.argv.slice(2));
    // The project's kind and kubectl (make up provided them) where the user's will not do.
    await useClusterTools();
    const port = parsePort(values.port, spec.defaultPort);
    await forwardUntilInterrupted(spec.make, spec.what, spec.target, port, spec.path, spec.caveat);
  });
}
