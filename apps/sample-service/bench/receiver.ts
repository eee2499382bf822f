// The export target for the instrumented run, in its own process so decoding spans does not steal CPU
// from the load generator. Prints its endpoint, then its counts when stdin closes.
import { startOtlpReceiver } from "@otel-e2r/testkit/otlp-receiver.ts";

const receiver = await startOtlpReceiver();
process.stdout.write(`${JSON.stringify({ endpoint: receiver.endpoint })}\n`);
process.stdin.resume();
process.stdin.once("end", () => {
  process.stdout.write(
    `${JSON.stringify({ spans: receiver.spans.length, requests: receiver.requests.length })}\n`,
  );
  void receiver.close().then(() => process.exit(0));
});
