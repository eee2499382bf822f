// `make jaeger`: port-forward Jaeger's UI (remote cluster) to http://localhost:16686 until Ctrl-C.
import { ports } from "../lib/topology.ts";
import { parseFlags, runMain } from "../cli/command.ts";
import { jaegerQuery, startPortForward } from "../clusters/port-forward.ts";
import { bold, say } from "../cli/ui.ts";
import { Failure, exitCodes } from "../lib/exit-codes.ts";
import { portIsFree } from "../lib/ports.ts";

const command = {
  name: "jaeger",
  summary: `Port-forwards Jaeger's UI from the remote cluster to http://localhost:${ports.jaegerQuery} (Ctrl-C to stop).`,
  options: { port: { type: "string" } },
  help: { port: `the local port (default ${ports.jaegerQuery}; make jaeger PORT=<n>)` },
} as const;

export function parsePort(text: string | undefined): number {
  if (text === undefined || text === "") return ports.jaegerQuery;
  const port = Number(text);
  if (!Number.isInteger(port) || port < 1024 || port > 65535)
    throw new Failure(
      `--port ${JSON.stringify(text)} is not a port number from 1024 to 65535`,
      exitCodes.usage,
    );
  return port;
}

if (import.meta.main)
  runMain(async () => {
    const { values } = parseFlags(command, process.argv.slice(2));
    const port = parsePort(values.port);
    if (!(await portIsFree(port)))
      throw new Failure(
        `port ${port} on this machine is already in use — is \`make jaeger\` already running in another terminal? Stop it (Ctrl-C), free the port (\`ss -ltnp 'sport = :${port}'\`) or choose another: make jaeger PORT=<n>`,
        exitCodes.portTaken,
      );
    const forward = await startPortForward({ ...jaegerQuery, localPort: port });
    say(bold(`Jaeger: http://localhost:${forward.localPort}`) + "  (Ctrl-C to stop)");
    const stop = () => void forward.stop();
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
    const code = await forward.exited;
    if (code !== 0 && code !== null)
      throw new Failure(
        `kubectl port-forward stopped (exit ${code}); is the remote cluster still up? Try \`make status\`.`,
        exitCodes.stepFailed,
      );
  });
