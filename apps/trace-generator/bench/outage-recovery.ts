// Measurement (not a test: it takes minutes): how long after a collector comes back does the generator
// export again? gRPC's reconnect backoff only grows large after a long outage, so a unit test cannot see
// it. Starts a generator against a closed port, opens a real OTLP receiver there after --outage seconds,
// and prints the lag between the receiver coming up and the generator's "recovered" log line.
//
//   hack/run node apps/trace-generator/bench/outage-recovery.ts [--outage 150]
import { parseArgs } from "node:util";
import { startOtlpReceiver } from "@otel-e2r/testkit/otlp-receiver.ts";
import { parseConfig } from "../src/config.ts";
import { run } from "../src/runner.ts";

const { values } = parseArgs({ options: { outage: { type: "string", default: "150" } } });
const outageSeconds = Number(values.outage);
if (!Number.isFinite(outageSeconds) || outageSeconds <= 0) {
  console.error(`--outage: expected seconds > 0, got "${values.outage}"`);
  process.exit(2);
}

const probe = await startOtlpReceiver();
const port = probe.port;
await probe.close();
const parsed = parseConfig(
  [
    "--rate",
    "20",
    "--duration",
    `${outageSeconds + 120}s`,
    "--stats-interval",
    "0",
    "--otlp-endpoint",
    `http://127.0.0.1:${port}`,
  ],
  {},
);
if (parsed.kind !== "run") throw new Error(JSON.stringify(parsed));

const t0 = Date.now();
const at = () => `${((Date.now() - t0) / 1000).toFixed(1)}s`;
let upAt: number | undefined;
const stop = new AbortController();
const running = run({
  config: parsed.config,
  signal: stop.signal,
  log: (line) => {
    console.error(`[${at()}] ${line}`);
    if (upAt !== undefined && line.includes("recovered after")) {
      console.log(
        `outage ${outageSeconds}s: exporting again ${((Date.now() - upAt) / 1000).toFixed(1)}s after the receiver came back`,
      );
      stop.abort();
    }
  },
});
setTimeout(() => {
  void startOtlpReceiver({ port }).then((receiver) => {
    upAt = Date.now();
    console.error(`[${at()}] receiver up on port ${port}`);
    void running.then(() => receiver.close());
  });
}, outageSeconds * 1000);
const summary = await running;
console.log(`summary: exported ${summary.exported} of ${summary.spans} spans, dropped ${summary.dropped}`);
