// A rotation's rollout in the clusters (scripts/rotation/rotate.ts): the state folder's files become the
// Secrets again; a restart is a rolling one (the remote Deployment surges a new pod before the old one
// goes; the edge DaemonSet replaces its pod, whose queue is on disk). "The edge sees the files" is
// observed, not assumed: after every publish the kubelet is nudged to re-project the Secret volumes (a pod
// annotation makes it sync the pod now instead of within a minute), then each file's hash is read where
// the kubelet wrote it on the node (kind's nodes are containers on this machine; no content is printed).
import { createHash } from "node:crypto";
import { execa } from "execa";
import type { Rollout } from "../rotation/types.ts";
import { pollUntil } from "../lib/poll.ts";
import { readPrivateFile, stateFiles } from "../lib/state.ts";
import { clusters, collectorTargets, namespaces, workloads, type ClusterKey } from "../lib/topology.ts";
import { run } from "../lib/exec.ts";
import { timeouts } from "./config.ts";
import { applySecrets, materialFromFolder } from "./secrets.ts";

/** Where each edge file is mounted: the edge collector's Secret volume and key (manifests/edge). */
const EDGE_MOUNTS: Readonly<Record<string, { volume: string; key: string }>> = Object.freeze({
  [stateFiles.username]: { volume: "credentials", key: "username" },
  [stateFiles.password]: { volume: "credentials", key: "password" },
  [stateFiles.clientCert]: { volume: "client-tls", key: "tls.crt" },
  [stateFiles.clientKey]: { volume: "client-tls", key: "tls.key" },
  [stateFiles.caBundle]: { volume: "gateway-ca", key: "ca.crt" },
});

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

interface Pod {
  readonly namespace: string;
  readonly name: string;
  readonly uid: string;
  readonly node: string;
}

/** The running pods of a side's collector (edge DaemonSet, remote Deployment), or of another workload. */
async function runningPods(
  side: ClusterKey,
  workload: { readonly namespace: string; readonly name: string } = {
    namespace: namespaces.observability,
    name: side === "edge" ? workloads.edgeCollector : workloads.remoteCollector,
  },
): Promise<Pod[]> {
  const { namespace, name } = workload;
  const { stdout } = await run("kubectl", [
    "--context",
    clusters[side].context,
    "--namespace",
    namespace,
    "get",
    "pods",
    "--selector",
    `app.kubernetes.io/name=${name}`,
    "--output",
    "json",
  ]);
  const list = JSON.parse(stdout) as {
    items: {
      metadata: { name: string; uid: string; deletionTimestamp?: string };
      spec: { nodeName: string };
    }[];
  };
  return list.items
    .filter((pod) => pod.metadata.deletionTimestamp === undefined)
    .map((pod) => ({ namespace, name: pod.metadata.name, uid: pod.metadata.uid, node: pod.spec.nodeName }));
}

/** The sha256 of a file the kubelet projected into a pod's Secret volume, read on the node. */
async function projectedHash(pod: { uid: string; node: string }, mount: { volume: string; key: string }) {
  const path = `/var/lib/kubelet/pods/${pod.uid}/volumes/kubernetes.io~secret/${mount.volume}/${mount.key}`;
  const result = await execa("docker", ["exec", pod.node, "sha256sum", path], { reject: false });
  return result.exitCode === 0 ? result.stdout.split(/\s+/)[0] : undefined;
}

/**
 * A pod annotation makes the kubelet sync the pod now, re-projecting its Secret volumes from its
 * watch-fed cache, instead of at its next periodic sync (up to a minute and more).
 */
async function nudgeKubelet(side: ClusterKey, pods: readonly Pod[]): Promise<void> {
  const stamp = new Date().toISOString().replace(/[:.]/g, "-");
  for (const pod of pods)
    await run("kubectl", [
      "--context",
      clusters[side].context,
      "--namespace",
      pod.namespace,
      "annotate",
      "--overwrite",
      `pod/${pod.name}`,
      `otel-e2r/secrets-published=${stamp}`,
    ]);
}

export function clusterRollout(dir: string, note: (line: string) => void): Rollout {
  return {
    async publish(side) {
      await applySecrets(materialFromFolder(dir), note, side);
      await nudgeKubelet(side, await runningPods(side));
      // Traefik reads its certificate through the API, but its cert-expiry sidecar reads the file.
      if (side === "remote")
        await nudgeKubelet(
          side,
          await runningPods(side, { namespace: namespaces.gateway, name: workloads.traefik }),
        );
    },
    async restart(side: ClusterKey) {
      const { target } = collectorTargets.find((t) => t.cluster === side)!;
      const base = ["--context", clusters[side].context, "--namespace", namespaces.observability, "rollout"];
      await run("kubectl", [...base, "restart", target]);
      await run("kubectl", [...base, "status", target, `--timeout=${timeouts.rollout}`]);
      note(`${clusters[side].name}: ${target} restarted (rolling)`);
    },
    async edgeSees(names) {
      const pods = await runningPods("edge");
      const expected = names.map((name) => ({
        name,
        mount: EDGE_MOUNTS[name]!,
        hash: sha256(readPrivateFile(dir, name)!),
      }));
      const started = Date.now();
      await pollUntil(
        `the edge collector's pods to see the new ${names.join(", ")} (kubelet projection)`,
        async () => {
          for (const pod of pods)
            for (const file of expected)
              if ((await projectedHash(pod, file.mount)) !== file.hash) return undefined;
          return true;
        },
        { timeoutMs: timeouts.rotationPhaseMs, intervalMs: 1000 },
      );
      note(
        `edge: the pods see the new ${names.join(", ")} after ${((Date.now() - started) / 1000).toFixed(1)}s`,
      );
    },
  };
}
