// The host-adaptive kind config: on an ordinary machine nothing changes; each quirk adds exactly its own
// patch. (The detection's Docker calls run against the real engine in the real-cluster suite.)
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { REPO_ROOT, clusters } from "../lib/topology.ts";
import { edgeCluster } from "../lib/fleet.ts";
import { NO_ADJUSTMENTS, adjustmentsFrom, describeAdjustments, kindConfigFor } from "./host-adjustments.ts";

const committed = (key: keyof typeof clusters) =>
  parse(readFileSync(join(REPO_ROOT, clusters[key].config), "utf8")) as Record<string, unknown>;

describe("host adjustments", () => {
  it("reads Docker's answers: cgroup v2, the official node image, a permitted OOM score → the plain path", () => {
    const plain = adjustmentsFrom({ cgroupVersion: "2\n", defaultCniLabel: "\n", oomProbeExitCode: 0 });
    expect(plain).toEqual(NO_ADJUSTMENTS);
    expect(describeAdjustments(plain)).toBe("none needed");
    for (const key of ["edge", "remote"] as const)
      expect(parse(kindConfigFor(key, plain))).toEqual(committed(key));
  });

  it("gives a fleet's second edge the edge role's config under its own name", () => {
    const plain = adjustmentsFrom({ cgroupVersion: "2\n", defaultCniLabel: "\n", oomProbeExitCode: 0 });
    expect(parse(kindConfigFor(edgeCluster("edge-2"), plain))).toEqual({
      ...committed("edge"),
      name: "edge-2",
    });
  });

  it("on a cgroup v1 host opts the kubelet out of its refusal, and nothing else", () => {
    const adjustments = adjustmentsFrom({ cgroupVersion: "1", defaultCniLabel: "", oomProbeExitCode: 0 });
    const config = parse(kindConfigFor("edge", adjustments)) as Record<string, unknown>;
    expect(config.kubeadmConfigPatches).toEqual(["kind: KubeletConfiguration\nfailCgroupV1: false\n"]);
    expect({ ...config, kubeadmConfigPatches: undefined }).toEqual({
      ...committed("edge"),
      kubeadmConfigPatches: undefined,
    });
  });

  it("with a node image that has no kindnetd, turns kind's default CNI off and keeps the cluster's subnets", () => {
    const adjustments = adjustmentsFrom({ cgroupVersion: "2", defaultCniLabel: "none", oomProbeExitCode: 0 });
    const config = parse(kindConfigFor("remote", adjustments)) as { networking: Record<string, unknown> };
    expect(config.networking).toEqual({
      ...(committed("remote").networking as object),
      disableDefaultCNI: true,
    });
  });

  it("where the OOM score cannot be lowered, restricts containerd to the score it has", () => {
    const adjustments = adjustmentsFrom({ cgroupVersion: "2", defaultCniLabel: "", oomProbeExitCode: 125 });
    expect(describeAdjustments(adjustments)).toBe(
      "OOM score cannot be lowered: containerd restrict_oom_score_adj",
    );
    const config = parse(kindConfigFor("edge", adjustments)) as { containerdConfigPatches: string[] };
    expect(config.containerdConfigPatches).toEqual([
      '[plugins."io.containerd.grpc.v1.cri"]\n  restrict_oom_score_adj = true\n',
    ]);
  });
});
