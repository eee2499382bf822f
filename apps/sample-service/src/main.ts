// Entry point: `node --import ./src/instrumentation.ts ./src/main.ts` (or without --import to run
// uninstrumented, as the benchmark does).
import { createApp } from "./app.ts";
import { config } from "./config.ts";
import { runShutdownHooks } from "./lifecycle.ts";
import { startServer, type RunningServer } from "./server.ts";
import { SERVICE_VERSION } from "./version.ts";

const settings = config();

const log = (message: string, fields: Record<string, unknown> = {}) =>
  console.log(JSON.stringify({ time: new Date().toISOString(), message, ...fields }));

let server: RunningServer;
try {
  server = await startServer((isDraining) => createApp({ config: settings, isDraining }), settings);
} catch (error) {
  console.error(`sample-service: ${(error as Error).message}`);
  process.exit(1);
}
log("listening", {
  host: settings.host,
  port: server.port,
  version: SERVICE_VERSION,
  upstream: settings.upstreamUrl ?? null,
  tracesEndpoint: settings.otel.sdkDisabled
    ? null
    : (settings.otel.tracesEndpoint ?? "http://localhost:4317"),
});

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  const started = performance.now();
  log("shutting down", { signal, timeoutMs: settings.shutdownTimeoutMs });
  // One deadline for both steps: Kubernetes' grace period does not care which one was slow.
  const deadline = new Promise<"timeout">((resolve) =>
    setTimeout(resolve, settings.shutdownTimeoutMs, "timeout").unref(),
  );
  const work = (async () => {
    const drained = await server.stop(settings.shutdownTimeoutMs);
    const failures = await runShutdownHooks();
    return { drained, failures };
  })();
  const outcome = await Promise.race([work, deadline]);
  const ms = Math.round(performance.now() - started);
  if (outcome === "timeout" || !outcome.drained) {
    log("shutdown timed out: requests or spans may be lost", { ms });
    process.exit(1);
  }
  for (const failure of outcome.failures) log("shutdown step failed", { error: failure.message });
  log("stopped", { ms });
  process.exit(outcome.failures.length > 0 ? 1 : 0);
}

process.once("SIGTERM", () => void shutdown("SIGTERM"));
process.once("SIGINT", () => void shutdown("SIGINT"));
