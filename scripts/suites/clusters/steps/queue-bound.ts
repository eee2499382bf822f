// Step 6d of the real-cluster suite: the edge's persistent queue is bounded in bytes. The running
// collector reports the bound make up checked the node's disk against; then, with a small bound so that
// it fills in seconds, the remote collector is down under load: the queue fills to its bound and no
// further, refuses what does not fit (the sender keeps it), its file on the node stays within what make
// up checked, and every span the edge answered OK reaches Jaeger once the remote is back.
import { setTimeout as delay } from "node:timers/promises";
import { execa } from "execa";
import { expect, it } from "vitest";
import { FILE_OVERHEAD, queueBound } from "../../../clusters/queue-disk.ts";
import { startPortForward, type PortForward } from "../../../clusters/port-forward.ts";
import { pollUntil } from "../../../lib/poll.ts";
import { clusters, namespaces, ports, workloads } from "../../../lib/topology.ts";
import { MINUTES, type SuiteContext } from "../context.ts";
import { figures, kubectl, spanCounts } from "../harness.ts";
import { finishLoad, startLoad } from "../load.ts";
import { scaleRemoteCollector } from "./resilience.ts";

const MiB = 1024 * 1024;
/** Small enough to fill in seconds at LOAD_RATE (about 120 bytes a span); at least the batches' 2 MiB
 *  min_size, which the collector requires of a queue that counts bytes as its batches do. */
export const TEST_BOUND = 8 * MiB;
const LOAD_RATE = 4000;
const observability = ["--namespace", namespaces.observability];
const daemonSet = `daemonset/${workloads.edgeCollector}`;

const TRACES = 'data_type="traces"';
/** The span counters carry no data_type. */
const EXPORTER = 'exporter="otlp_grpc/remote"';

/** One series of a metric from the collector's own /metrics: the first whose labels include `label`. */
async function series(forward: PortForward, metric: string, label: string): Promise<number> {
  const text = await (await fetch(`${forward.url}/metrics`, { signal: AbortSignal.timeout(3000) })).text();
  // Counters carry no _total at the collector's own endpoint (Prometheus adds it when they arrive there).
  const line = text.split("\n").find((l) => l.startsWith(`${metric}{`) && l.includes(label));
  return line ? Number(line.trim().split(/\s+/).at(-1)) : 0;
}

/** Bytes of the traces queue's bbolt file on the edge node. */
async function queueFileBytes(hostPath: string): Promise<number> {
  const node = `${clusters.edge.name}-control-plane`;
  const script = `du -b ${hostPath}/*traces* 2>/dev/null | cut -f1 | sort -n | tail -n 1`;
  const { stdout } = await execa("docker", ["exec", node, "sh", "-c", script]);
  return Number(stdout.trim() || "0");
}

async function setBound(bytes: number | undefined): Promise<void> {
  const value = bytes === undefined ? "QUEUE_BYTES-" : `QUEUE_BYTES=${bytes}`;
  await kubectl("edge", [...observability, "set", "env", daemonSet, "--containers=otelcol", value]);
  await kubectl("edge", [...observability, "rollout", "status", daemonSet, "--timeout=180s"]);
}

const collectorMetrics = () =>
  startPortForward({
    cluster: "edge",
    namespace: namespaces.observability,
    target: daemonSet,
    remotePort: ports.collectorMetrics,
  });

/** The deployed bound: what the running collector reports as the queue's capacity. */
async function deployedCapacity(): Promise<number> {
  const forward = await collectorMetrics();
  try {
    return await series(forward, "otelcol_exporter_queue_capacity", TRACES);
  } finally {
    await forward.stop();
  }
}

interface Watched {
  maxQueue: number;
  maxFile: number;
  refused: number;
}

/** Samples the queue and its file every second until `untilMs` (while the remote is down). */
async function watchQueue(hostPath: string, untilMs: number): Promise<Watched> {
  const forward = await collectorMetrics();
  const seen: Watched = { maxQueue: 0, maxFile: 0, refused: 0 };
  try {
    while (Date.now() < untilMs) {
      seen.maxQueue = Math.max(seen.maxQueue, await series(forward, "otelcol_exporter_queue_size", TRACES));
      seen.maxFile = Math.max(seen.maxFile, await queueFileBytes(hostPath));
      await delay(1000);
    }
    seen.refused = await series(forward, "otelcol_exporter_enqueue_failed_spans", EXPORTER);
  } finally {
    await forward.stop();
  }
  return seen;
}

async function fillWhileRemoteDown(context: SuiteContext, hostPath: string) {
  const runId = `queue-bound-${Date.now()}`;
  await scaleRemoteCollector(0);
  let watched: Watched;
  try {
    await startLoad("queue-bound", runId, LOAD_RATE, "40s", "spans");
    watched = await watchQueue(hostPath, Date.now() + 45_000);
  } catch (error) {
    // A pod left behind would make the next run's apply fail on its immutable spec.
    await kubectl("edge", [
      "--namespace",
      namespaces.demo,
      "delete",
      "pod",
      "queue-bound",
      "--ignore-not-found",
    ]);
    throw error;
  } finally {
    await scaleRemoteCollector(1);
  }
  const summary = await finishLoad("queue-bound", "240s");
  const found = await pollUntil(
    "every span the edge accepted in Jaeger",
    async () => {
      const count = await context.jaeger!.spansOfRun(runId);
      return count >= summary.exported ? count : undefined;
    },
    { timeoutMs: 4 * MINUTES, intervalMs: 3000 },
  );
  // bbolt never shrinks its file, so its size now is the most it took, the drain included.
  watched.maxFile = Math.max(watched.maxFile, await queueFileBytes(hostPath));
  return { watched, summary, found };
}

/** The step's checks, on their own so that they can run against clusters that are already up. */
export async function queueBoundHolds(context: SuiteContext): Promise<void> {
  const bound = queueBound();
  expect(await deployedCapacity(), "the running edge collector's queue capacity in bytes").toBe(
    bound.bytesPerQueue,
  );
  // bbolt never shrinks the file, and earlier steps (6c's large exports) may have grown it: the step
  // answers for what it adds.
  const fileBefore = await queueFileBytes(bound.hostPath);
  let outcome: Awaited<ReturnType<typeof fillWhileRemoteDown>>;
  try {
    await setBound(TEST_BOUND);
    expect(await deployedCapacity()).toBe(TEST_BOUND);
    outcome = await fillWhileRemoteDown(context, bound.hostPath);
  } finally {
    await setBound(undefined);
  }
  const { watched, summary, found } = outcome;
  figures("edge queue bounded in bytes", {
    "bound MiB": TEST_BOUND / MiB,
    "fullest MiB": (watched.maxQueue / MiB).toFixed(2),
    "queue file MiB": `${(fileBefore / MiB).toFixed(2)} → ${(watched.maxFile / MiB).toFixed(2)}`,
    "spans refused at the queue": watched.refused,
    generated: summary.spans,
    accepted: summary.exported,
    in_jaeger: found,
  });
  spanCounts.set("queue-bound", { sent: summary.exported, inJaeger: found });
  expect(watched.maxQueue, "the queue filled").toBeGreaterThan(0.75 * TEST_BOUND);
  expect(watched.maxQueue, "and never passed its bound").toBeLessThanOrEqual(TEST_BOUND);
  expect(watched.refused, "spans the full queue refused").toBeGreaterThan(0);
  expect(watched.maxFile, "the queue's file, found").toBeGreaterThan(0);
  expect(watched.maxFile - fileBefore, "what the queue's file grew by").toBeLessThanOrEqual(
    FILE_OVERHEAD * TEST_BOUND,
  );
  expect(found, "accepted spans in Jaeger").toBeGreaterThanOrEqual(summary.exported);
  expect(found).toBeLessThanOrEqual(summary.spans);
}

export function queueBoundStep(context: SuiteContext): void {
  it(
    "6d. the edge's queue is bounded in bytes: with the remote down under load it fills to its bound and refuses, its file stays within what make up checked, and every accepted span arrives",
    () => queueBoundHolds(context),
    20 * MINUTES,
  );
}
