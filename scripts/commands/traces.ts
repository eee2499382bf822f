// `make traces`: recent traces from the remote cluster's Jaeger, as trees in the terminal, with each service's
// Kubernetes attributes. The way to explore traces where the Jaeger UI cannot be had (a Jaeger built from Go
// modules has no UI assets); `make jaeger` stays the way on a laptop.
//   make traces                          the newest 3 traces that start at the trace generator
//   make traces TRACE=<id>               one trace
//   make traces SERVICE=<name> LIMIT=<n> another service's, more of them
import { parseFlags, runMain } from "../cli/command.ts";
import { say } from "../cli/ui.ts";
import { jaegerQuery, startPortForward } from "../clusters/port-forward.ts";
import { Failure, exitCodes } from "../lib/exit-codes.ts";
import { createJaegerClient } from "../lib/jaeger-client.ts";
import { renderTrace } from "../lib/trace-tree.ts";
import { workloads } from "../lib/topology.ts";
import { useClusterTools } from "../provision/cluster-tools.ts";

const command = {
  name: "traces",
  summary:
    "Prints recent traces from Jaeger (remote cluster) as trees, with the edge's Kubernetes attributes.",
  options: { trace: { type: "string" }, service: { type: "string" }, limit: { type: "string" } },
  help: {
    trace: "one trace by its ID (32 hex digits; make traces TRACE=<id>)",
    service: `the service whose traces to list (default ${workloads.traceGenerator}; make traces SERVICE=<name>)`,
    limit: "how many traces, 1 to 50 (default 3; make traces LIMIT=<n>)",
  },
} as const;

interface TracesOptions {
  readonly trace?: string;
  readonly service: string;
  readonly limit: number;
}

/** The flags, all checked before anything runs; every problem at once. */
export function parseTracesFlags(argv: string[]): TracesOptions {
  const { values } = parseFlags(command, argv);
  const problems: string[] = [];
  if (values.trace !== undefined && !/^[0-9a-f]{16}([0-9a-f]{16})?$/i.test(values.trace))
    problems.push(`--trace ${JSON.stringify(values.trace)} is not a trace ID (16 or 32 hex digits)`);
  const limit = values.limit === undefined ? 3 : Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 50)
    problems.push(`--limit ${JSON.stringify(values.limit)} is not a whole number from 1 to 50`);
  if (values.service !== undefined && values.service.trim() === "") problems.push("--service is empty");
  if (problems.length > 0) throw new Failure(problems.join("\n"), exitCodes.usage);
  return { trace: values.trace?.toLowerCase(), service: values.service ?? workloads.traceGenerator, limit };
}

if (import.meta.main)
  runMain(async () => {
    const options = parseTracesFlags(process.argv.slice(2));
    await useClusterTools();
    const forward = await startPortForward(jaegerQuery);
    try {
      const jaeger = createJaegerClient(forward.url);
      if (options.trace !== undefined) {
        const trace = await jaeger.getTrace(options.trace);
        if (trace === undefined)
          throw new Failure(`Jaeger has no trace ${options.trace}`, exitCodes.notReady);
        say(renderTrace(trace));
        return;
      }
      // A trace from the last few seconds may still be missing spans on their way (each collector batches for
      // up to a second), so the newest complete ones are shown: those of the hour before the last 10 s.
      const endMicros = Date.now() * 1000 - SETTLE_MICROSECONDS;
      const traces = await jaeger.findTraces({
        service: options.service,
        limit: options.limit,
        window: { startMicros: endMicros - 3600 * 1_000_000, endMicros },
      });
      if (traces.length === 0)
        throw new Failure(
          `Jaeger has no trace of ${options.service} from the last hour; the services it knows: ${(await jaeger.services()).join(", ") || "none yet"}`,
          exitCodes.notReady,
        );
      const newest = [...traces].sort((a, b) => start(b) - start(a)).slice(0, options.limit);
      say(newest.map(renderTrace).join("\n\n"));
    } finally {
      await forward.stop();
    }
  });

/** How old a trace must be to be shown as complete. */
const SETTLE_MICROSECONDS = 10_000_000;

function start(trace: { spans: readonly { startTime: number }[] }): number {
  return Math.min(...trace.spans.map((s) => s.startTime));
}
