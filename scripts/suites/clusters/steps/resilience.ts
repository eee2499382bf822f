// Step 6 of the real-cluster suite: what must not lose a span — the edge collector's pod deleted and the
// remote collector down for 20 s, each under steady load from a pod in the edge cluster, large but legal
// exports next to normal traffic (the message size limits, docs/architecture.md). queue-bound.ts follows.
import { setTimeout as delay } from "node:timers/promises";
import * as grpc from "@grpc/grpc-js";
import { expect, it } from "vitest";
import { spansTagged } from "../../../lib/jaeger-client.ts";
import { exportOnce, oneSpanRequest } from "../../../lib/otlp-client.ts";
import { pollUntil } from "../../../lib/poll.ts";
import { namespaces, ports, workloads } from "../../../lib/topology.ts";
import { startPortForward } from "../../../clusters/port-forward.ts";
import { MINUTES, type SuiteContext } from "../context.ts";
import { figures, kubectl, spanCounts } from "../harness.ts";
import { finishLoad, startLoad } from "../load.ts";

const MiB = 1024 * 1024;
const observability = ["--namespace", namespaces.observability];

async function everySpan(context: SuiteContext, runId: string, sent: number): Promise<number> {
  return pollUntil(
    "every span of the run in Jaeger",
    async () => {
      const count = await context.jaeger!.spansOfRun(runId);
      return count >= sent ? count : undefined;
    },
    { timeoutMs: 240_000, intervalMs: 3000 },
  );
}

const rolloutStatus = (cluster: "edge" | "remote", workload: string) =>
  kubectl(cluster, [...observability, "rollout", "status", workload, "--timeout=180s"]);

/**
 * Steady load from a pod in the edge cluster with a disruption in the middle of it: every span the
 * generator reports sending must reach Jaeger.
 */
export async function noSpanLost(
  context: SuiteContext,
  load: { name: string; rate: number; duration: string; flowingMs: number; figure: string },
  disrupt: () => Promise<void | Record<string, string | number>>,
): Promise<void> {
  const runId = `${load.name}-${Date.now()}`;
  await startLoad(load.name, runId, load.rate, load.duration);
  await delay(load.flowingMs); // load flowing before the disruption
  const extra = (await disrupt()) ?? {};
  const summary = await finishLoad(load.name);
  expect(summary.dropped).toBe(0);
  const found = await everySpan(context, runId, summary.spans);
  figures(load.figure, { sent: summary.spans, in_jaeger: found, ...extra });
  spanCounts.set(load.name, { sent: summary.spans, inJaeger: found });
  expect(found).toBe(summary.spans);
}

/** The remote collector scaled to 0 (its pod gone) or back to 1 (rolled out). */
export async function scaleRemoteCollector(replicas: 0 | 1): Promise<void> {
  const deployment = `deployment/${workloads.remoteCollector}`;
  await kubectl("remote", [...observability, "scale", deployment, `--replicas=${replicas}`]);
  if (replicas === 1) return void (await rolloutStatus("remote", deployment));
  const selector = `app.kubernetes.io/name=${workloads.remoteCollector}`;
  await kubectl("remote", [
    ...observability,
    ...["wait", "--for=delete", "pod", "--selector", selector, "--timeout=60s"],
  ]);
}

export function resilienceSteps(context: SuiteContext): void {
  edgeRestartStep(context);
  remoteOutageStep(context);
  largeExportsStep(context);
}

function edgeRestartStep(context: SuiteContext): void {
  it(
    "6a. under steady load, the edge collector pod is deleted: it comes back and no span is lost",
    () =>
      noSpanLost(
        context,
        {
          name: "edge-restart",
          rate: 20,
          duration: "40s",
          flowingMs: 10_000,
          figure: "edge collector deleted under load",
        },
        async () => {
          const selector = `app.kubernetes.io/name=${workloads.edgeCollector}`;
          await kubectl("edge", [...observability, "delete", "pod", "--selector", selector, "--wait=false"]);
          await rolloutStatus("edge", `daemonset/${workloads.edgeCollector}`);
        },
      ),
    10 * MINUTES,
  );
}

function remoteOutageStep(context: SuiteContext): void {
  it(
    "6b. under steady load, the remote collector is scaled to 0 for 20 s: no span is lost",
    () =>
      noSpanLost(
        context,
        {
          name: "remote-outage",
          rate: 20,
          duration: "45s",
          flowingMs: 8_000,
          figure: "remote collector down 20 s under load",
        },
        async () => {
          await scaleRemoteCollector(0);
          await delay(20_000); // the outage itself
          await scaleRemoteCollector(1);
        },
      ),
    10 * MINUTES,
  );
}

function largeExportsStep(context: SuiteContext): void {
  it(
    "6c. large but legal exports next to steady load all arrive; one over the 4 MiB door is refused at the edge",
    async () => {
      const runId = `limits-${Date.now()}`;
      await startLoad("limits", runId, 30, "20s");
      // Straight into the edge collector, as an app would send (kubectl port-forward to its pod).
      const forward = await startPortForward({
        cluster: "edge",
        namespace: namespaces.observability,
        target: `daemonset/${workloads.edgeCollector}`,
        remotePort: ports.otlpGrpc,
      });
      try {
        const send = (index: number, bytes: number) =>
          exportOnce({
            address: `127.0.0.1:${forward.localPort}`,
            credentials: grpc.credentials.createInsecure(),
            request: oneSpanRequest({
              service: "large-exports",
              name: `large export ${index}`,
              attributes: { "e2r.run.id": runId, "e2r.padding": "x".repeat(bytes) },
            }),
            timeoutMs: 30_000,
          });
        const large = await Promise.all([0, 1, 2, 3, 4, 5].map((i) => send(i, 3 * MiB)));
        expect(large.map((o) => grpc.status[o.code])).toEqual(Array(6).fill("OK"));
        const oversized = await send(99, 5 * MiB);
        expect(`${grpc.status[oversized.code]}: ${oversized.message}`).toMatch(
          /^RESOURCE_EXHAUSTED: grpc: received message larger than max \(\d+ vs\. 4194304\)$/,
        );
      } finally {
        await forward.stop();
      }
      const summary = await finishLoad("limits");
      const found = await everySpan(context, runId, summary.spans);
      const largeSpans = await pollUntil(
        "the six large spans in Jaeger",
        async () => {
          const count = await spansTagged(context.jaeger!.client, "large-exports", "e2r.run.id", runId);
          return count >= 6 ? count : undefined;
        },
        { timeoutMs: 120_000, intervalMs: 3000 },
      );
      figures("message limits in the clusters", {
        generator_spans: summary.spans,
        in_jaeger: found,
        large_in_jaeger: largeSpans,
      });
      expect([found, largeSpans]).toEqual([summary.spans, 6]);
      expect(
        await kubectl("edge", [
          ...observability,
          "logs",
          `daemonset/${workloads.edgeCollector}`,
          "--since=5m",
        ]),
      ).not.toContain("Dropping data");
    },
    10 * MINUTES,
  );
}
