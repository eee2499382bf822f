// Loaded with `node --import ./src/instrumentation.ts` so tracing is set up before the app's modules load.
// Validates the configuration first: on bad input the process exits before the SDK starts or a port opens.
import { createRequire, register } from "node:module";
import { pathToFileURL } from "node:url";
import { config } from "./config.ts";
import { onShutdown } from "./lifecycle.ts";
import { createTelemetry } from "./telemetry.ts";

const settings = config();

if (!settings.otel.sdkDisabled) {
  // The app is ESM: hono's `import { createServer } from "node:http"` is only patched through the
  // import-in-the-middle loader hook. Resolve it through auto-instrumentations-node's own dependencies, so
  // it is the same @opentelemetry/instrumentation (and import-in-the-middle) the instrumentations use.
  // Node ≥ 24.11.1 runs it as a synchronous in-thread hook (module.registerHooks): no loader thread, which
  // saves its ~40 MB of memory and an IPC round trip per module at start-up.
  const instrumentationHook = createRequire(
    import.meta.resolve("@opentelemetry/auto-instrumentations-node"),
  ).resolve("@opentelemetry/instrumentation/hook.mjs");
  const syncHooks = (await import(
    pathToFileURL(createRequire(instrumentationHook).resolve("import-in-the-middle/register-hooks.mjs")).href
  )) as { supportsSyncHooks(): boolean; register(options: { include: string[] }): void };
  // Only the modules whose ESM imports need patching here (fetch is traced through diagnostics_channel):
  // intercepting every module would cost memory and run the hook over our own .ts files too.
  const include = ["http", "https", "node:http", "node:https"];
  if (syncHooks.supportsSyncHooks()) syncHooks.register({ include });
  else register(pathToFileURL(instrumentationHook), { data: { include } });

  const sdk = createTelemetry(settings);
  sdk.start();
  onShutdown(() => sdk.shutdown());
}
