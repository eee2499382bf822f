// The kind cluster definitions: valid for the pinned kind (field names from its own types), distinct
// names and address ranges, the node image left to versions.env, and the gateway's port mapping.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse, parseAllDocuments } from "yaml";
import { clusters, gateway, REPO_ROOT } from "../lib/topology.ts";
import { versions } from "../lib/versions.ts";
import type { KindCluster } from "./checks/kind-config.ts";
import { checkSubnets, parseGoStructs, unknownFields } from "./checks/kind-config.ts";
import { moduleDirOf } from "../gobuild/go.ts";

const read = (file: string) =>
  parse(readFileSync(join(REPO_ROOT, file), "utf8")) as KindCluster & Record<string, unknown>;
const edge = read(clusters.edge.config);
const remote = read(clusters.remote.config);

describe("kind cluster configs", () => {
  it("use only fields of the pinned kind's v1alpha4 Cluster type", async () => {
    const dir = await moduleDirOf(`sigs.k8s.io/kind@v${versions().KIND_VERSION}`);
    const structs = parseGoStructs(readFileSync(join(dir, "pkg/apis/config/v1alpha4/types.go"), "utf8"));
    expect(structs.get("Cluster")?.has("networking")).toBe(true);
    expect(unknownFields(edge, "Cluster", structs)).toEqual([]);
    expect(unknownFields(remote, "Cluster", structs)).toEqual([]);
    // Shown to fail: a misspelt field deep in a node.
    const typo = { ...remote, nodes: [{ role: "control-plane", extraPortMapping: [] }] };
    expect(unknownFields(typo, "Cluster", structs)).toEqual([
      expect.stringMatching(/^nodes\[0\]\.extraPortMapping \(kind Node has: .*extraPortMappings/),
    ]);
  }, 600_000);

  it("run the pinned kind's kindnetd, which watches NetworkPolicies (docs/architecture.md relies on it)", async () => {
    const dir = await moduleDirOf(`sigs.k8s.io/kind@v${versions().KIND_VERSION}`);
    const source = readFileSync(join(dir, "pkg/build/nodeimage/const_cni.go"), "utf8");
    const text = (/const defaultCNIManifest = `([\s\S]*?)`/.exec(source)?.[1] ?? "").replace(
      /\{\{[^}]*\}\}/g,
      "x",
    );
    type Role = { kind?: string; rules?: { apiGroups?: string[]; resources?: string[]; verbs?: string[] }[] };
    const manifest = parseAllDocuments(text)
      .map((doc) => doc.toJS() as Role | null)
      .find((o) => o?.kind === "ClusterRole");
    expect(manifest?.kind).toBe("ClusterRole");
    const rule = manifest?.rules?.find((r) => r.resources?.includes("networkpolicies"));
    expect(rule?.apiGroups).toEqual(["networking.k8s.io"]);
    expect(rule?.verbs).toEqual(expect.arrayContaining(["list", "watch"]));
    // Nothing in the cluster configs turns the default CNI off.
    for (const cluster of [edge, remote])
      expect(JSON.stringify(cluster.networking)).not.toContain("disableDefaultCNI");
  }, 600_000);

  it("name the clusters as scripts/lib/topology.ts does", () => {
    expect([edge.name, remote.name]).toEqual([clusters.edge.name, clusters.remote.name]);
    expect([edge.kind, edge.apiVersion]).toEqual(["Cluster", "kind.x-k8s.io/v1alpha4"]);
  });

  it("give the two clusters pod and Service ranges that do not overlap", () => {
    expect(checkSubnets({ "clusters/edge.yaml": edge, "clusters/remote.yaml": remote })).toEqual([]);
    // Shown to fail: kind's defaults in both clusters.
    const defaults = { networking: { podSubnet: "10.244.0.0/16", serviceSubnet: "10.96.0.0/12" } };
    expect(checkSubnets({ a: defaults, b: defaults })).toEqual([
      "a networking.podSubnet 10.244.0.0/16 overlaps b networking.podSubnet 10.244.0.0/16",
      "a networking.serviceSubnet 10.96.0.0/12 overlaps b networking.serviceSubnet 10.96.0.0/12",
    ]);
    expect(
      checkSubnets({ a: { networking: { podSubnet: "10.0.0.0/8", serviceSubnet: "10.200.0.0/16" } } }),
    ).toEqual(["a networking.podSubnet 10.0.0.0/8 overlaps a networking.serviceSubnet 10.200.0.0/16"]);
  });

  it("leave the node image to versions.env (bootstrap passes --image), so the digest exists once", () => {
    for (const cluster of [edge, remote])
      for (const node of cluster.nodes ?? []) expect(node.image).toBeUndefined();
    expect(versions().KIND_NODE_IMAGE).toMatch(/^kindest\/node:v[\d.]+@sha256:[0-9a-f]{64}$/);
  });

  it("map the gateway's NodePort to the laptop's loopback on the remote cluster only", () => {
    expect(remote.nodes?.flatMap((n) => n.extraPortMappings ?? [])).toEqual([
      {
        containerPort: gateway.nodePort,
        hostPort: gateway.hostPort,
        listenAddress: "127.0.0.1",
        protocol: "TCP",
      },
    ]);
    expect(edge.nodes?.flatMap((n) => n.extraPortMappings ?? [])).toEqual([]);
  });
});
