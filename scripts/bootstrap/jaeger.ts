// `make jaeger`: port-forward Jaeger's UI (remote cluster) to http://localhost:16686 until Ctrl-C.
import { namespaces, ports, workloads } from "../lib/topology.ts";
import { parseFlags, runMain } from "./cli.ts";
import { Failure, exitCodes } from "./exit-codes.ts";
import { startPortForward } from "./port-forward.ts";
import { portIsFree } from "./preflight.ts";
import { bold, say } from "./ui.ts";

const command = {
  name: "jaeger",
  summary: `Port-forwards Jaeger's UI from the remote cluster to http://localhost:${ports.jaegerQuery} (Ctrl-C to stop).`,
  options: {},
  help: {},
} as const;

if (import.meta.main)
  runMain(async () => {
    parseFlags(command, process.argv.slice(2));
    if (!(await portIsFree(ports.jaegerQuery)))
      throw new Failure(
        `port ${ports.jaegerQuery} on this machine is already in use — is \`make jaeger\` already running in another terminal? Stop it (Ctrl-C) or free the port (\`ss -ltnp 'sport = :${ports.jaegerQuery}'\`).`,
        exitCodes.portTaken,
      );
    const forward = await startPortForward({
      cluster: "remote",
      namespace: namespaces.observability,
      target: `service/${workloads.jaeger}`,
      remotePort: ports.jaegerQuery,
      localPort: ports.jaegerQuery,
    });
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
