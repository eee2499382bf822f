// The edge's persistent queue against the disk it lives on. The queue is bounded in bytes
// (manifests/edge/collector/config.yaml), one queue per pipeline that exports over the hop, each in its own
// bbolt file under a hostPath folder of the edge node. bbolt never shrinks its file and grows it ahead of
// the data (doubling up to 16 MiB, then in 16 MiB steps); pages freed by sent exports are reused only where
// a new one fits. Twice the bound is the margin kept for that: without the room, a long outage would fill
// the node's disk (and Docker's) instead of the queue refusing new spans.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse, parseAllDocuments } from "yaml";
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

interface PodTemplate {
  spec?: { template?: { spec?: { volumes?: { name: string; hostPath?: { path: string } }[] } } };
}

/** The DaemonSet's hostPath volume named queue. */
function queueHostPath(manifest: string): string {
  for (const doc of parseAllDocuments(manifest)) {
    const volumes = (doc.toJS() as PodTemplate | null)?.spec?.template?.spec?.volumes ?? [];
    const path = volumes.find((volume) => volume.name === "queue")?.hostPath?.path;
    if (path) return path;
  }
  throw new Error("otel-collector.yaml has no hostPath volume named queue");
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
  const hostPath = queueHostPath(readFileSync(join(EDGE_COLLECTOR, "otel-collector.yaml"), "utf8"));
  return Object.freeze({ bytesPerQueue: Number(size), queues, hostPath });
}

/** What the queue files may take on the node at most. */
export const diskNeeded = (bound: QueueBound): number => bound.bytesPerQueue * bound.queues * FILE_OVERHEAD;

const MiB = 1024 ** 2;
/** MiB, exact enough that "has" and "needs" never print the same number when one is short. */
export const inMiB = (bytes: number): string => `${Math.floor(bytes / MiB)} MiB`;

// The paths go in as arguments, never into the script's text.
const ROOM_SCRIPT =
  'df -B1 --output=avail "$1" | tail -n 1 && { du -sB1 "$2" 2>/dev/null || echo 0; } | cut -f1';

/** Bytes free where the queue folder is (its parent until the collector has made it) plus what it holds. */
async function roomOnNode(node: string, hostPath: string): Promise<number> {
  const parent = hostPath.replace(/\/[^/]+\/?$/, "") || "/";
  const found = await run("docker", ["exec", node, "sh", "-c", ROOM_SCRIPT, "sh", parent, hostPath], {
    allowFailure: true,
  });
  const [avail = "", held = "0"] = found.stdout.trim().split("\n");
  if (found.exitCode !== 0 || !/^\d+$/.test(avail.trim()))
    throw new Error(
      `df ${parent} on ${node} failed (exit ${found.exitCode}): ${found.stderr.trim() || found.stdout}`,
    );
  return Number(avail) + (Number(held) || 0);
}

/** The verdict on `room` bytes for the queue on `node`: a summary line, or a Failure saying what to do. */
export function judgeRoom(room: number, bound: QueueBound, node: string): string {
  const need = diskNeeded(bound);
  const what = `${bound.queues} queues × ${inMiB(bound.bytesPerQueue)}, up to ${inMiB(need)} on disk`;
  if (room < need)
    throw new Failure(
      `the edge node ${node} has ${inMiB(room)} free for its persistent queue (${what}) at ${bound.hostPath} ` +
        "in the node's container, which is on the filesystem of Docker's data root: free space there " +
        "(`docker system df` shows what takes it), or give Docker Desktop's virtual disk more room, or lower " +
        "queue_size in manifests/edge/collector/config.yaml; then run make up again",
      exitCodes.notEnoughDisk,
    );
  return `edge queue: ${what}; ${inMiB(room)} free on the node`;
}

/** Refuses, before anything is deployed, an edge node whose disk cannot hold a full queue. */
export async function checkQueueDisk(): Promise<string> {
  const bound = queueBound();
  const node = `${clusters.edge.name}-control-plane`;
  return judgeRoom(await roomOnNode(node, bound.hostPath), bound, node);
}
