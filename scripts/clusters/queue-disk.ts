// The edge's persistent queue against the disk it lives on. The queue is bounded in bytes
// (manifests/edge/collector/config.yaml), one queue per pipeline that exports over the hop, each in its own
// bbolt file under a hostPath folder of the edge node. bbolt grows its file in doubling steps below
// 16 MiB and in 16 MiB steps above, and never gives the space back, so a full queue's file is at most
// about twice its bytes: that much must be free on the node, or a long outage would fill the node's disk
// (and Docker's) instead of the queue refusing new spans.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { run } from "../lib/exec.ts";
import { Failure, exitCodes } from "../lib/exit-codes.ts";
import { REPO_ROOT, clusters } from "../lib/topology.ts";

const EDGE_COLLECTOR = join(REPO_ROOT, "manifests/edge/collector");
const QUEUED_EXPORTER = "otlp_grpc/remote";
/** A full queue's file against its bytes (bbolt's growth steps). */
export const FILE_OVERHEAD = 2;

export interface QueueBound {
  /** The byte bound of one queue (sending_queue.queue_size with sizer: bytes). */
  readonly bytesPerQueue: number;
  /** How many queues: the pipelines that export over the hop. */
  readonly queues: number;
  /** The node folder the queue files live in (the collector's hostPath volume). */
  readonly hostPath: string;
}

interface CollectorConfig {
  exporters: Record<string, { sending_queue?: { sizer?: string; queue_size?: string | number } }>;
  service: { pipelines: Record<string, { exporters: string[] }> };
}

/** The bound as the edge collector's config and DaemonSet spell it: one source of truth. */
export function queueBound(): QueueBound {
  const config = parse(readFileSync(join(EDGE_COLLECTOR, "config.yaml"), "utf8")) as CollectorConfig;
  const queue = config.exporters[QUEUED_EXPORTER]?.sending_queue;
  const size = /^\$\{env:QUEUE_BYTES:-(\d+)\}$/.exec(String(queue?.queue_size))?.[1];
  if (queue?.sizer !== "bytes" || size === undefined)
    throw new Error(
      `${QUEUED_EXPORTER}'s sending_queue must say sizer: bytes and queue_size: \${env:QUEUE_BYTES:-<bytes>}`,
    );
  const queues = Object.values(config.service.pipelines).filter((p) =>
    p.exporters.includes(QUEUED_EXPORTER),
  ).length;
  const daemonSet = readFileSync(join(EDGE_COLLECTOR, "otel-collector.yaml"), "utf8");
  const hostPath = /- name: queue\n\s+hostPath:\n\s+path: (\S+)/.exec(daemonSet)?.[1];
  if (!hostPath) throw new Error("otel-collector.yaml has no hostPath volume named queue");
  return Object.freeze({ bytesPerQueue: Number(size), queues, hostPath });
}

/** What the queue files may take on the node at most. */
export const diskNeeded = (bound: QueueBound): number => bound.bytesPerQueue * bound.queues * FILE_OVERHEAD;

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;
export const inGiB = (bytes: number): string => `${(bytes / GiB).toFixed(1)} GiB`;

/** Bytes free where the queue folder is (its parent until the collector has made it) plus what it holds. */
async function roomOnNode(node: string, hostPath: string): Promise<number> {
  const parent = hostPath.replace(/\/[^/]+\/?$/, "") || "/";
  const script = `df -B1 --output=avail ${parent} | tail -n 1; du -sb ${hostPath} 2>/dev/null | cut -f1 || true`;
  const { stdout } = await run("docker", ["exec", node, "sh", "-c", script]);
  const [avail = "", held = "0"] = stdout.trim().split("\n");
  if (!/^\d+$/.test(avail.trim())) throw new Error(`df on ${node} printed ${JSON.stringify(stdout)}`);
  return Number(avail) + (Number(held) || 0);
}

/** The verdict on `room` bytes for the queue on `node`: a summary line, or a Failure saying what to do. */
export function judgeRoom(room: number, bound: QueueBound, node: string): string {
  const need = diskNeeded(bound);
  const what = `${bound.queues} queues × ${bound.bytesPerQueue / MiB} MiB, up to ${inGiB(need)} on disk`;
  if (room < need)
    throw new Failure(
      `the edge node ${node} has ${inGiB(room)} free for its persistent queue (${what}) at ${bound.hostPath}: ` +
        "free space where Docker keeps its data (`docker system df`, `docker system prune`), or give Docker " +
        "Desktop's virtual disk more room, then run make up again",
      exitCodes.notEnoughDisk,
    );
  return `edge queue: ${what}; ${inGiB(room)} free on the node`;
}

/** Refuses, before anything is deployed, an edge node whose disk cannot hold a full queue. */
export async function checkQueueDisk(): Promise<string> {
  const bound = queueBound();
  const node = `${clusters.edge.name}-control-plane`;
  return judgeRoom(await roomOnNode(node, bound.hostPath), bound, node);
}
