// What this Docker host needs that kind's defaults do not give, detected rather than assumed, and the kind
// cluster config that applies exactly that. On an ordinary machine (cgroup v2, the official node image)
// nothing is adjusted and clusters/*.yaml go to kind unchanged.
//
//   cgroup v1        the kubelet (≥ 1.35) refuses cgroup v1 unless its config says failCgroupV1: false
//   no default CNI   a node image without kindnetd (the offline one, by its label) needs kind's default
//                    CNI off; its containerd renders a bridge CNI from the node's pod CIDR instead
//   OOM score        where containers may not lower their OOM score, containerd must not ask runc to
//                    (the pod sandbox asks for -998): restrict_oom_score_adj
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import { REPO_ROOT, clusterOf, type ClusterTarget } from "../lib/topology.ts";
import { run } from "../lib/exec.ts";

/** The label the offline node image carries (hack/images/kind-node.sh): it has no default CNI. */
export const DEFAULT_CNI_LABEL = "local.otel-e2r.default-cni";

export interface HostAdjustments {
  readonly cgroupV1: boolean;
  readonly noDefaultCni: boolean;
  readonly restrictOomScoreAdj: boolean;
}

export const NO_ADJUSTMENTS: HostAdjustments = Object.freeze({
  cgroupV1: false,
  noDefaultCni: false,
  restrictOomScoreAdj: false,
});

/** What Docker said, and what follows from it. */
export function adjustmentsFrom(facts: {
  cgroupVersion: string;
  defaultCniLabel: string;
  oomProbeExitCode: number;
}): HostAdjustments {
  return Object.freeze({
    cgroupV1: facts.cgroupVersion.trim() === "1",
    noDefaultCni: facts.defaultCniLabel.trim() === "none",
    restrictOomScoreAdj: facts.oomProbeExitCode !== 0,
  });
}

/** Reads the facts from Docker: its cgroup version, the node image's label, and an OOM-score probe. */
export async function detectHostAdjustments(nodeImage: string): Promise<HostAdjustments> {
  const info = await run("docker", ["info", "--format", "{{.CgroupVersion}}"]);
  const label = await run("docker", [
    "image",
    "inspect",
    "--format",
    `{{ index .Config.Labels "${DEFAULT_CNI_LABEL}" }}`,
    nodeImage,
  ]);
  // A container asking for a lower OOM score than the default is refused on some sandboxed hosts.
  const probe = await run(
    "docker",
    ["run", "--rm", "--oom-score-adj=-1", "--entrypoint", "/bin/true", nodeImage],
    { allowFailure: true },
  );
  return adjustmentsFrom({
    cgroupVersion: info.stdout,
    defaultCniLabel: label.stdout,
    oomProbeExitCode: probe.exitCode,
  });
}

export function describeAdjustments(adjustments: HostAdjustments): string {
  const applied = [
    adjustments.cgroupV1 ? "cgroup v1 host: kubelet failCgroupV1=false" : "",
    adjustments.noDefaultCni
      ? "node image without kindnetd: disableDefaultCNI, bridge CNI from the image"
      : "",
    adjustments.restrictOomScoreAdj ? "OOM score cannot be lowered: containerd restrict_oom_score_adj" : "",
  ].filter((text) => text !== "");
  return applied.length === 0 ? "none needed" : applied.join("; ");
}

type KindConfig = Record<string, unknown> & { networking?: Record<string, unknown> };

/** clusters/<name>.yaml with the adjustments applied (the committed file is never changed). */
export function kindConfigFor(target: ClusterTarget, adjustments: HostAdjustments): string {
  const cluster = clusterOf(target);
  const config = parse(readFileSync(join(REPO_ROOT, cluster.config), "utf8")) as KindConfig;
  // Every edge of a fleet runs the edge role's config under its own name.
  config.name = cluster.name;
  if (adjustments.noDefaultCni) config.networking = { ...config.networking, disableDefaultCNI: true };
  if (adjustments.cgroupV1) {
    const patches = (config.kubeadmConfigPatches as string[] | undefined) ?? [];
    // No apiVersion: kind applies the patch to the KubeletConfiguration of any version.
    config.kubeadmConfigPatches = [...patches, "kind: KubeletConfiguration\nfailCgroupV1: false\n"];
  }
  if (adjustments.restrictOomScoreAdj) {
    const patches = (config.containerdConfigPatches as string[] | undefined) ?? [];
    config.containerdConfigPatches = [
      ...patches,
      '[plugins."io.containerd.grpc.v1.cri"]\n  restrict_oom_score_adj = true\n',
    ];
  }
  return stringify(config);
}
