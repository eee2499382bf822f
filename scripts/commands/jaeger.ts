// `make jaeger`: port-forward Jaeger's UI (remote cluster) to http://localhost:16686 until Ctrl-C.
import { ports } from "../lib/topology.ts";
import { parseFlags, runMain } from "../cli/command.ts";
import { forwardUntilInterrupted, parsePort } from "../clusters/forward-command.ts";
import { jaegerQuery } from "../clusters/port-forward.ts";
import { useClusterTools } from "../provision/cluster-tools.ts";

const command = {
  name: "jaeger",
  summary: `Port-forwards Jaeger's UI from the remote cluster to http://localhost:${ports.jaegerQuery} (Ctrl-C to stop).`,
  options: { port: { type: "string" } },
  help: { port: `the local port (default ${ports.jaegerQuery}; make jaeger PORT=<n>)` },
} as const;

if (import.meta.main)
  runMain(async () => {
    const { values } = parseFlags(command, process.argv.slice(2));
    // The project's kind and kubectl (make up provided them) where the user's will not do.
    await useClusterTools();
    await forwardUntilInterrupted("jaeger", "Jaeger", jaegerQuery, parsePort(values.port, ports.jaegerQuery));
  });
