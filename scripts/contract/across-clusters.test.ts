// Contract tests across the two clusters and of the remote entry point: what the edge dials is what the
// remote exposes and bootstrap certifies, Traefik's flags, RBAC and Gateway API version, the names the
// scripts use, and the local collector build's version.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { execa } from "execa";
import { parse, stringify } from "yaml";
import { describe, expect, it } from "vitest";
import {
  clusters,
  collectorServer,
  gateway,
  namespaces,
  REPO_ROOT,
  secrets,
  workloads as names,
} from "../lib/topology.ts";
import { TRAEFIK_COMMON_ARGS } from "../local/traefik-config.ts";
import { versions } from "../lib/versions.ts";
import { checkServerNames, deployedConfigs } from "./checks/collector-config.ts";
import { parseImage } from "./checks/images.ts";
import { checkTraefikRbac, providerAccess, readProviderSource } from "./checks/traefik-rbac.ts";
import type { K8sObject } from "../kube/objects.ts";
import { allContainers, parseObjects, workloads } from "../kube/objects.ts";
import { kustomize } from "../kube/render.ts";
import { collectorVersion } from "./otelcol.ts";
import { render } from "./render.ts";
import { schemas } from "./schemas.ts";

const pins = versions();
const isCollector = (image: string) => parseImage(image).repository === pins.OTELCOL_IMAGE;

/** The Traefik container of the remote cluster's rendering. */
function traefikContainer(objects: readonly K8sObject[]) {
  const deployment = objects.find((o) => o.kind === "Deployment" && o.metadata.name === names.traefik);
  if (!deployment) throw new Error(`the remote rendering has no Deployment ${names.traefik}`);
  return workloads([deployment])[0]!.pod.containers[0]!;
}

// Cold runs download schemas and may wait for a Go tool to be built (scripts/gobuild).
const SLOW = 600_000;

describe("across the clusters", () => {
  it("the edge's name, which the collector configs spell literally, is topology's", () => {
    type Action = { key?: string; value?: unknown; default_value?: unknown };
    const actions = (file: string, processor: string) =>
      (
        parse(readFileSync(join(REPO_ROOT, file), "utf8")) as {
          processors: Record<string, { attributes: Action[] }>;
        }
      ).processors[processor]!.attributes;
    // The edge stamps its own name; the remote names a sender without a username (AUTH=mtls) the same.
    const stamped = actions("manifests/edge/collector/config.yaml", "resource").find(
      (a) => a.key === "k8s.cluster.name",
    );
    const fallback = actions("manifests/remote/collector/config.yaml", "resource/sender").find(
      (a) => a.default_value !== undefined,
    );
    expect([stamped?.value, fallback?.default_value]).toEqual([clusters.edge.name, clusters.edge.name]);
  });

  it(
    "the edge exporter verifies a name that is in the gateway certificate's SANs (what bootstrap issues)",
    async () => {
      const { objects } = await render("edge");
      const { configs } = deployedConfigs(objects, isCollector);
      const edge = configs.filter((c) => c.workload.metadata.name === names.edgeCollector);
      expect(edge).toHaveLength(1);
      for (const { config, env } of edge) expect(checkServerNames(config, env, gateway.dnsNames)).toEqual([]);
      expect(edge[0]?.env.REMOTE_GATEWAY_ENDPOINT).toBe(`${gateway.crossClusterHost}:${gateway.nodePort}`);
    },
    SLOW,
  );

  it(
    "Traefik's Service has the fixed NodePort the edge dials and kind maps, to the entry point the listener names",
    async () => {
      const { objects } = await render("remote");
      const service = objects.find((o) => o.kind === "Service" && o.metadata.name === names.traefik);
      const ports = service?.spec?.ports as { nodePort?: number; targetPort?: string }[];
      expect(service?.spec?.type).toBe("NodePort");
      expect(ports.map((p) => p.nodePort)).toEqual([gateway.nodePort]);
      const container = traefikContainer(objects);
      const target = container.ports?.find((p) => p.name === ports[0]?.targetPort);
      expect(target?.containerPort).toBe(gateway.listenerPort);
      expect(container.args).toContain(`--entrypoints.websecure.address=:${gateway.listenerPort}`);
      expect(container.args).toContain(`--entrypoints.ping.address=:${gateway.pingPort}`);
      const listeners = objects.find((o) => o.kind === "Gateway")?.spec?.listeners as { port: number }[];
      // Both listeners (TLS terminated, TLS passed through) share the one entry point; SNI tells them apart.
      expect(listeners.map((l) => l.port)).toEqual([gateway.listenerPort, gateway.listenerPort]);
      const kind = parse(readFileSync(join(REPO_ROOT, "clusters/remote.yaml"), "utf8")) as {
        nodes: { extraPortMappings?: { containerPort: number; hostPort: number }[] }[];
      };
      expect(kind.nodes[0]?.extraPortMappings).toContainEqual(
        expect.objectContaining({ containerPort: gateway.nodePort, hostPort: gateway.hostPort }),
      );
    },
    SLOW,
  );

  it(
    "Traefik runs the flags the local topology shares, exposes no dashboard or API, and stays on the standard channel",
    async () => {
      const { objects } = await render("remote");
      const args = traefikContainer(objects).args ?? [];
      for (const flag of TRAEFIK_COMMON_ARGS) expect(args).toContain(flag);
      // With the standard CRDs, the experimental channel makes Traefik loop on listing v1alpha2 TCPRoutes
      // and load no routes at all, while it stays Ready and the Gateway stays Programmed.
      expect(args.filter((a) => /experimentalchannel|--api\.(dashboard|insecure)=true/i.test(a))).toEqual([]);
      expect(args).toContain(`--providers.kubernetesgateway.namespaces=${namespaces.gateway}`);
      expect(args).toContain(
        `--providers.kubernetesgateway.statusaddress.hostname=${gateway.crossClusterHost}`,
      );
    },
    SLOW,
  );

  it(
    "gives Traefik exactly the RBAC its Gateway API provider uses at the pinned version (from its source)",
    async () => {
      const { objects } = await render("remote");
      const access = providerAccess(readProviderSource((await schemas()).traefikModuleDir));
      // The source scan found the provider's informers and status writers (a refactor upstream would show here).
      expect(access.needs.size).toBeGreaterThanOrEqual(10);
      expect(access.needs.get("/secrets")?.verbs).toEqual(["list", "watch"]);
      expect(
        checkTraefikRbac(objects, access, { namespace: namespaces.gateway, name: names.traefik }),
      ).toEqual([]);
    },
    SLOW,
  );

  it(
    "keeps Traefik out of observability: it is bound only in the gateway namespace, and reaches the collector at topology's fixed address",
    async () => {
      const { objects } = await render("remote");
      const inNamespace = (kind: string, name: string) =>
        objects.find((o) => o.kind === kind && o.metadata.name === name)?.metadata.namespace;
      expect(inNamespace("Deployment", names.traefik)).toBe(namespaces.gateway);
      expect(inNamespace("Gateway", names.gateway)).toBe(namespaces.gateway);
      // No Role or RoleBinding for Traefik anywhere but its own namespace.
      const bindings = objects.filter((o) => o.kind === "RoleBinding" || o.kind === "Role");
      expect(bindings.every((o) => o.metadata.namespace === namespaces.gateway)).toBe(true);
      // The collector's Service has topology's address, inside the remote cluster's Service range.
      const service = objects.find(
        (o) =>
          o.kind === "Service" &&
          o.metadata.name === names.remoteCollector &&
          o.metadata.namespace === namespaces.observability,
      );
      expect(service?.spec?.clusterIP).toBe(collectorServer.clusterIp);
      const kind = parse(readFileSync(join(REPO_ROOT, clusters.remote.config), "utf8")) as {
        networking: { serviceSubnet: string };
      };
      const [base, bits] = kind.networking.serviceSubnet.split("/");
      const prefix = base!
        .split(".")
        .slice(0, Number(bits) / 8)
        .join(".");
      expect(collectorServer.clusterIp.startsWith(`${prefix}.`)).toBe(true);
      const slice = objects.find((o) => o.kind === "EndpointSlice") as
        (K8sObject & { endpoints: { addresses: string[] }[] }) | undefined;
      expect(slice?.metadata.namespace).toBe(namespaces.gateway);
      expect(slice?.endpoints.flatMap((e) => e.addresses)).toEqual([collectorServer.clusterIp]);
      // Each server mounts its own certificate: Traefik's Gateway the gateway's, the collector its own.
      expect(JSON.stringify(objects.find((o) => o.kind === "Gateway"))).toContain(
        `"name":"${secrets.remote.gatewayTls.name}"`,
      );
      const collector = JSON.stringify(
        objects.find((o) => o.kind === "Deployment" && o.metadata.name === names.remoteCollector),
      );
      expect(collector).toContain(`"secretName":"${secrets.remote.collectorTls.name}"`);
      expect(collector).not.toContain(`"secretName":"${secrets.remote.gatewayTls.name}"`);
    },
    SLOW,
  );

  it(
    "uses the workload names scripts/lib/topology.ts gives the scripts",
    async () => {
      const all = [...(await render("edge")).objects, ...(await render("remote")).objects];
      const has = (kind: string, name: string) =>
        all.some((o) => o.kind === kind && o.metadata.name === name);
      expect(has("DaemonSet", names.edgeCollector) && has("Service", names.edgeCollector)).toBe(true);
      expect(has("Deployment", names.remoteCollector) && has("Service", names.remoteCollector)).toBe(true);
      expect(has("Deployment", names.jaeger) && has("Service", names.jaeger)).toBe(true);
      expect(has("Gateway", names.gateway)).toBe(true);
      expect(has("Deployment", names.sampleService) && has("Service", names.sampleService)).toBe(true);
      expect(has("Deployment", names.traceGenerator)).toBe(true);
    },
    SLOW,
  );

  it(
    "bootstrap's image overlay (manifests/README.md) sets exactly the app images' tags",
    async () => {
      const dir = mkdtempSync(join(tmpdir(), "contract-overlay-"));
      try {
        const base = relative(dir, join(REPO_ROOT, "manifests/edge"));
        const images = [names.sampleService, names.traceGenerator, "cert-expiry"].map((app) => ({
          name: `otel-e2r/${app}`,
          newTag: `sha-${app}`,
        }));
        writeFileSync(join(dir, "kustomization.yaml"), stringify({ resources: [base], images }));
        const { stdout } = await execa("kubectl", ["kustomize", dir]);
        const imagesOf = (objects: readonly K8sObject[]) => allContainers(objects).map((c) => c.image);
        const before = imagesOf(await kustomize("edge"));
        const after = imagesOf(parseObjects(stdout));
        expect(before).toContain("otel-e2r/sample-service:set-by-bootstrap");
        expect(after).toEqual(
          before.map((image) =>
            image?.replace(/^otel-e2r\/([a-z-]+):set-by-bootstrap$/, "otel-e2r/$1:sha-$1"),
          ),
        );
        expect(after).toContain("otel-e2r/trace-generator:sha-trace-generator");
        expect(after).toContain("otel-e2r/cert-expiry:sha-cert-expiry");
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
    SLOW,
  );

  it(
    "the local collector build is the version the images pin",
    async () => {
      expect(await collectorVersion()).toBe(pins.OTELCOL_VERSION);
    },
    SLOW,
  );

  it(
    "the pinned Traefik is built against the pinned Gateway API release, whose CRDs bootstrap installs",
    async () => {
      const goMod = readFileSync(join((await schemas()).traefikModuleDir, "go.mod"), "utf8");
      expect(/^\s*sigs\.k8s\.io\/gateway-api v(\S+)/m.exec(goMod)?.[1]).toBe(pins.GATEWAY_API_VERSION);
    },
    SLOW,
  );
});
