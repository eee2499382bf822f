// `make jaeger`: port-forward Jaeger's UI (remote cluster) to http://localhost:16686 until Ctrl-C.
import { ports } from "../lib/topology.ts";
import { runForwardCommand } from "../clusters/forward-command.ts";
import { jaegerQuery } from "../clusters/port-forward.ts";

/**
 * A Jaeger built from its Go module (the offline images) serves a placeholder page where the UI would be:
 * the UI's assets are not in the module. Its API works, and `make traces` reads it.
 */
async function uiCaveat(url: string): Promise<string | undefined> {
  const page = await (await fetch(url, { signal: AbortSignal.timeout(5000) })).text();
  return !PLACEHOLDER.test(page)
    ? undefined
    : "this Jaeger was built from Go modules and has no UI (the page is a placeholder); its API works: `make traces` prints the traces in this terminal";
}

/** The placeholder page's own words (cmd/query/app/ui/placeholder/index.html in Jaeger's module). */
const PLACEHOLDER = /This is a placeholder for the Jaeger UI home page/;

if (import.meta.main)
  runForwardCommand({
    make: "jaeger",
    what: "Jaeger",
    summary: `Port-forwards Jaeger's UI from the remote cluster to http://localhost:${ports.jaegerQuery} (Ctrl-C to stop).`,
    target: jaegerQuery,
    defaultPort: ports.jaegerQuery,
    caveat: uiCaveat,
  });
