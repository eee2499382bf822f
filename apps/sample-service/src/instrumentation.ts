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
  // import-in-the-middle loader hook. Resolve the hook from auto-instrumentations-node's own dependency,
  // so it is the same @opentelemetry/instrumentation (and import-in-the-middle) the instrumentations use.
  const fromAutoInstrumentations = createRequire(
    import.meta.resolve("@opentelemetry/auto-instrumentations-node"),
  );
  register(pathToFileURL(fromAutoInstrumentations.resolve("@opentelemetry/instrumentation/hook.mjs")));

  const sdk = createTelemetry(settings);
  sdk.start();
  onShutdown(() => sdk.shutdown());
}
