// `make jaeger` and `make prometheus`: one port-forward from the remote cluster to a fixed local port,
// held until Ctrl-C. The port is checked first, so a second `make jaeger` says why instead of failing in
// kubectl.
import { bold, say } from "../cli/ui.ts";
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
