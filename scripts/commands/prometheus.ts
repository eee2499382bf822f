// `make prometheus`: port-forward Prometheus's API (remote cluster) to http://localhost:9090 until Ctrl-C.
// The clusters run the official image, UI included; the local topology's Go-built one serves the API only.
import { ports } from "../lib/topology.ts";
import { runForwardCommand } from "../clusters/forward-command.ts";
import { prometheusApi } from "../clusters/port-forward.ts";

if (import.meta.main)
  runForwardCommand({
    make: "prometheus",
    what: "Prometheus",
    summary: `Port-forwards Prometheus (the pipeline's metrics and alerts) from the remote cluster to http://localhost:${ports.prometheus} (Ctrl-C to stop).`,
    target: prometheusApi,
    defaultPort: ports.prometheus,
    path: "/alerts",
  });
