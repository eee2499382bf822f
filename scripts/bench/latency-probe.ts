// End-to-end latency from marked spans: while the load runs, a few probe loops each send one span of their
// own (OTLP/gRPC, where the load goes), then ask Jaeger's query API for its trace every 10 ms until it is
// there. The latency is from the span's start to the first answer that holds it. Loops run one probe at a
// time, so the polling stays at a few hundred light requests per second at most, on the load's core.
import { credentials, status } from "@grpc/grpc-js";
import { exportOnce, oneSpanRequest } from "../lib/otlp-client.ts";
import type { JaegerClient } from "../lib/jaeger-client.ts";
import { pollUntil } from "../lib/poll.ts";

export interface ProbeOptions {
  /** host:port of the OTLP/gRPC receiver the load goes to (plaintext). */
  readonly address: string;
  readonly jaeger: JaegerClient;
  /** Probe loops running at once. */
  readonly loops: number;
  /** Pause between one probe found and the loop's next. */
  readonly gapMs: number;
}

export interface ProbeResult {
  /** Probes accepted by the receiver (each one span the pipeline must deliver too). */
  readonly sent: number;
  /** Latencies of the probes found in Jaeger, in ms. */
  readonly latenciesMs: readonly number[];
  /** Accepted probes never found within the timeout. */
  readonly missing: number;
}

const POLL_MS = 10;
const FOUND_TIMEOUT_MS = 30_000;

/** Starts the loops; `stop()` ends them after their current probe and returns what they measured. */
export function startProbes(options: ProbeOptions): { stop(): Promise<ProbeResult> } {
  let running = true;
  let sent = 0;
  let missing = 0;
  const latenciesMs: number[] = [];

  async function loop(): Promise<void> {
    while (running) {
      const request = oneSpanRequest({
        service: "bench-probe",
        name: "probe",
        attributes: { "bench.probe": "true" },
      }) as {
        resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: Buffer; startTimeUnixNano: string }] }] }];
      };
      const span = request.resourceSpans[0].scopeSpans[0].spans[0];
      const startedMs = Number(BigInt(span.startTimeUnixNano) / 1_000_000n);
      const outcome = await exportOnce({
        address: options.address,
        credentials: credentials.createInsecure(),
        request,
        timeoutMs: 10_000,
      });
      const pause = () => new Promise((resolve) => setTimeout(resolve, options.gapMs));
      if (outcome.code !== status.OK) {
        await pause();
        continue;
      }
      sent++;
      const traceId = span.traceId.toString("hex");
      try {
        const foundMs = await pollUntil(
          `probe trace ${traceId} in Jaeger`,
          async () => ((await options.jaeger.getTrace(traceId)) ? Date.now() : undefined),
          { timeoutMs: FOUND_TIMEOUT_MS, intervalMs: POLL_MS },
        );
        latenciesMs.push(foundMs - startedMs);
      } catch {
        missing++;
      }
      await pause();
    }
  }

  const loops = Array.from({ length: options.loops }, () => loop());
  return {
    async stop() {
      running = false;
      await Promise.all(loops);
      return { sent, latenciesMs: [...latenciesMs].sort((a, b) => a - b), missing };
    },
  };
}

/** The q-quantile (0–1) of sorted values, nearest rank; undefined for none. */
export function quantile(sorted: readonly number[], q: number): number | undefined {
  if (sorted.length === 0) return undefined;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length)));
  return sorted[rank - 1];
}
