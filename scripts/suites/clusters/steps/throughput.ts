// Step 6t of the real-cluster suite: make bench-pipeline's question, smaller, through the real gateway at
// the default configuration (AUTH=basic): the highest rate a pod in the edge cluster sends at with every
// span stored in the remote Jaeger and none dropped. Spans are counted by Jaeger's own stored-spans
// counter in the remote Prometheus, so the demo's trace generator is scaled to 0 for the step (and the
// counter is first shown to stand still without it); it is scaled back in any case. Then one more trial
// at the top rate measures latency: marked spans sent where the load goes, each polled for in Jaeger's
// API (make bench-pipeline's probes). It is a trial of its own because every poll makes Jaeger trace
// itself into its stored-spans counter, which the ramp counts exactly.
import { expect, it } from "vitest";
import { quantile, startProbes, type ProbeResult } from "../../../bench/latency-probe.ts";
import {
  jaegerQuery,
  prometheusApi,
  startPortForward,
  type PortForwardOptions,
} from "../../../clusters/port-forward.ts";
import { createJaegerClient } from "../../../lib/jaeger-client.ts";
import { pollUntil } from "../../../lib/poll.ts";
import { createPrometheusClient, type PrometheusClient } from "../../../lib/prometheus-client.ts";
import { namespaces, ports, workloads } from "../../../lib/topology.ts";
import { MINUTES } from "../context.ts";
import { figures, kubectl, throughputFigures } from "../harness.ts";
import { finishLoad, startLoad } from "../load.ts";

/** Spans/s tried in turn, each for LOAD_SECONDS; the ramp stops at the first one that loses anything. */
export const RAMP = Object.freeze([1000, 2000, 4000, 8000, 16000]);
const LOAD_SECONDS = 20;
/** The collectors and Jaeger push their metrics every 15 s in the clusters. */
const PUSH_MS = 15_000;
const STORED = 'sum(otelcol_exporter_sent_spans_total{job="jaeger"})';
/** Every span of a trial must be in Jaeger within this long after the pod ends (four pushes). */
const KEPT_UP_WITHIN_MS = 4 * PUSH_MS;

const stored = async (prometheus: PrometheusClient) => (await prometheus.query(STORED))[0]?.value ?? 0;

const generator = ["--namespace", namespaces.demo];
const deployment = `deployment/${workloads.traceGenerator}`;
const scaleGenerator = (replicas: number) =>
  kubectl("edge", [...generator, "scale", deployment, `--replicas=${replicas}`]);
async function generatorReplicas(): Promise<number> {
  const text = await kubectl("edge", [...generator, "get", deployment, "--output=jsonpath={.spec.replicas}"]);
  return /^\d+$/.test(text.trim()) ? Number(text) : 1;
}

/** The counter once it has not moved for two pushes: what is in flight has landed. */
async function settled(prometheus: PrometheusClient): Promise<number> {
  let previous = await stored(prometheus);
  return pollUntil(
    "Jaeger's stored-spans counter to settle",
    async () => {
      await new Promise((resolve) => setTimeout(resolve, 2 * PUSH_MS));
      const now = await stored(prometheus);
      const still = now === previous;
      previous = now;
      return still ? now : undefined;
    },
    { timeoutMs: 3 * MINUTES, intervalMs: 0 },
  );
}

/** One rate: the load pod's summary and how many more spans Jaeger stored. */
async function trial(prometheus: PrometheusClient, rate: number, before: number) {
  const name = `throughput-${rate}`;
  await startLoad(name, `${name}-${Date.now()}`, rate, `${LOAD_SECONDS}s`, "spans");
  const summary = await finishLoad(name);
  try {
    const after = await pollUntil(
      `Jaeger to store the ${summary.spans} spans sent at ${rate} spans/s`,
      async () => {
        const now = await stored(prometheus);
        return now - before >= summary.spans ? now : undefined;
      },
      { timeoutMs: KEPT_UP_WITHIN_MS, intervalMs: 5000 },
    );
    const inJaeger = after - before;
    return { summary, inJaeger, passed: summary.dropped === 0 && inJaeger === summary.spans, after };
  } catch {
    // Not all in within the minute: fell behind, or lost. The next baseline waits for the rest to land.
    const after = await settled(prometheus);
    return { summary, inJaeger: after - before, passed: false, after };
  }
}

/** The edge collector's OTLP/gRPC receiver, where the load pods send (one of the DaemonSet's pods). */
const edgeOtlp: PortForwardOptions = Object.freeze({
  cluster: "edge",
  namespace: namespaces.observability,
  target: `service/${workloads.edgeCollector}`,
  remotePort: ports.otlpGrpc,
});

/** Probes sent while a load pod sends at `rate`; they start once the pod runs and stop when it ends. */
async function latencyAt(rate: number): Promise<ProbeResult> {
  const [edge, jaeger] = await Promise.all([startPortForward(edgeOtlp), startPortForward(jaegerQuery)]);
  try {
    const name = `latency-${rate}`;
    await startLoad(name, `${name}-${Date.now()}`, rate, `${LOAD_SECONDS}s`, "spans");
    await kubectl("edge", [
      "--namespace",
      namespaces.demo,
      "wait",
      "--for=jsonpath={.status.phase}=Running",
      `pod/${name}`,
      "--timeout=120s",
    ]);
    const probes = startProbes({
      address: `127.0.0.1:${edge.localPort}`,
      jaeger: createJaegerClient(jaeger.url),
      loops: 2,
      gapMs: 100,
    });
    await finishLoad(name);
    return await probes.stop();
  } finally {
    await Promise.all([edge.stop(), jaeger.stop()]);
  }
}

export function throughputSteps(): void {
  it(
    `6t. the sustained rate with zero loss from a pod in the edge cluster through the real gateway (AUTH=basic): ${RAMP.join(", ")} spans/s, ${LOAD_SECONDS} s each, then the latency at the top rate`,
    async () => {
      const forward = await startPortForward(prometheusApi);
      const prometheus = createPrometheusClient(forward.url);
      const results: string[] = [];
      let best = 0;
      let latency: ProbeResult | undefined;
      const replicas = await generatorReplicas();
      try {
        await scaleGenerator(0);
        let before = await settled(prometheus);
        for (const rate of RAMP) {
          const { summary, inJaeger, passed, after } = await trial(prometheus, rate, before);
          results.push(
            `${rate}:${passed ? "ok" : `sent ${summary.spans} dropped ${summary.dropped} stored ${inJaeger}`}`,
          );
          if (!passed) break;
          best = rate;
          before = after;
        }
        if (best > 0) latency = await latencyAt(best);
      } finally {
        try {
          // The later steps (make verify) need the demo's traffic again.
          await scaleGenerator(replicas);
          await kubectl("edge", [...generator, "rollout", "status", deployment, "--timeout=180s"]);
        } finally {
          await forward.stop();
        }
      }
      const ms = (q: number) => quantile(latency?.latenciesMs ?? [], q);
      Object.assign(throughputFigures, {
        sustainedSpansPerSecond: best,
        p50Ms: ms(0.5),
        p99Ms: ms(0.99),
        probes: latency?.latenciesMs.length ?? 0,
      });
      figures("throughput", {
        "sustained spans/s": best,
        trials: results.join(" "),
        "latency p50/p99 ms": `${ms(0.5)}/${ms(0.99)} (n=${latency?.latenciesMs.length ?? 0}, missing ${latency?.missing ?? 0})`,
      });
      // The figures are for the docs; what must hold is that the lowest rate loses nothing, and that every
      // probe the edge accepted reached Jaeger.
      expect(best, results.join(", ")).toBeGreaterThanOrEqual(RAMP[0]!);
      expect(latency?.missing, "probes accepted at the edge and never found in Jaeger").toBe(0);
    },
    12 * MINUTES,
  );
}
