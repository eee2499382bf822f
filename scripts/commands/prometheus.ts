// `make prometheus`: port-forward Prometheus's API (remote cluster) to http://localhost:9090 until Ctrl-C.
// The clusters run the official image, UI included; the local topology's Go-built one serves the API only.
import { ports } from "../lib/topology.ts";
import { parseFlags, runMain } from "../cli/command.ts";
import { forwardUntilInterrupted, parsePort } from "../clusters/forward-command.ts";
import { prometheusApi } from "../clusters/port-forward.ts";
import { useClusterTools } from "../provision/cluster-tools.ts";

const command = {
  name: "prometheus",
  summary: `Port-forwards Prometheus (the pipeline's metrics and alerts) from the remote cluster to http://localhost:${ports.prometheus} (Ctrl-C to stop).`,
  options: { port: { type: "string" } },
  help: { port: `the local port (default ${ports.prometheus}; make prometheus PORT=<n>)` },
} as const;

if (import.meta.main)
  runMain(async () => {
    const { values } = parseFlags(command, process.argv.slice(2));
    // The project's kind and kubectl (make up provided them) where the user's will not do.
    await useClusterTools();
    await forwardUntilInterrupted(
      "prometheus",
      "Prometheus",
      prometheusApi,
      parsePort(values.port, ports.prometheus),
      "/alerts",
    );
  });
