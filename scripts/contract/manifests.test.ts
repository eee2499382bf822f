// Contract tests of what `make up` applies: both kustomizations rendered with the pinned kustomize,
// validated against the pinned Kubernetes and CRD schemas, cross-referenced, linted, and their collector
// configs checked by the real collector build. Offline; the Go tools and schemas are cached by version.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { execa } from "execa";
import { parse, stringify } from "yaml";
import { beforeAll, describe, expect, it } from "vitest";
import { gateway, namespaces, REPO_ROOT, workloads as names } from "../lib/topology.ts";
import { TRAEFIK_COMMON_ARGS } from "../local/traefik-config.ts";
import { versions } from "../lib/versions.ts";
import {
  checkComponentTypes,
  checkPipelines,
  checkServerNames,
  checkTls,
  deployedConfigs,
} from "./checks/collector-config.ts";
import type { DeployedConfig } from "./checks/collector-config.ts";
import { checkGatewayChain } from "./checks/gateway.ts";
import { checkImagesPinned, checkImageVersions, parseImage } from "./checks/images.ts";
import { checkGoMemoryLimits } from "./checks/memory.ts";
import { checkNetworkPolicies } from "./checks/network-policy.ts";
import { checkK8sAttributesRbac } from "./checks/rbac.ts";
import { checkTraefikRbac, providerAccess, readProviderSource } from "./checks/traefik-rbac.ts";
import { BOOTSTRAP_SECRETS, checkReferences } from "./checks/references.ts";
import { checkServiceSelectors, checkServiceTargetPorts, checkWorkloadSelectors } from "./checks/services.ts";
import { kubeLint, lintExceptions } from "./lint.ts";
import type { K8sObject } from "./objects.ts";
import { containersOf, parseObjects, workloads } from "./objects.ts";
import { collectorComponents, collectorValidate, collectorVersion } from "./otelcol.ts";
import type { Rendered } from "./render.ts";
import { KUSTOMIZATIONS, render } from "./render.ts";
import { schemas } from "./schemas.ts";
import { toolPath } from "./tools.ts";
import { validateSchemas } from "./validate.ts";

const pins = versions();
const isCollector = (image: string) => parseImage(image).repository === pins.OTELCOL_IMAGE;
const isJaeger = (image: string) => parseImage(image).repository === pins.JAEGER_IMAGE;

// Cold runs download schemas and may wait for go-tools.sh to build a tool.
const SLOW = 600_000;

describe.each(KUSTOMIZATIONS)("%s", (dir) => {
  let rendered: Rendered;
  let objects: readonly K8sObject[];
  let configs: DeployedConfig[];
  let jaegerConfigs: DeployedConfig[];

  beforeAll(async () => {
    rendered = await render(dir);
    objects = rendered.objects;
    const found = deployedConfigs(objects, isCollector);
    expect(found.problems).toEqual([]);
    configs = found.configs;
    const jaeger = deployedConfigs(objects, isJaeger);
    expect(jaeger.problems).toEqual([]);
    jaegerConfigs = jaeger.configs;
  }, SLOW);

  it("mounts the one config file each collector and Jaeger container loads", () => {
    const expected = { "manifests/edge": [1, 0], "manifests/remote": [1, 1] }[dir];
    expect([configs.length, jaegerConfigs.length]).toEqual(expected);
  });

  it("renders with kustomize, without the local-only versions ConfigMap", () => {
    expect(objects.length).toBeGreaterThan(5);
    expect(objects.filter((o) => o.kind === "ConfigMap" && o.metadata.name === "versions")).toEqual([]);
  });

  it(
    "validates against the Kubernetes schema of the pinned node image and the installed Gateway API CRDs",
    async () => {
      expect(await validateSchemas(rendered.yaml)).toEqual([]);
    },
    SLOW,
  );

  it("has Services that select pods and target ports those pods expose; workloads select their own pods", () => {
    expect([
      ...checkServiceSelectors(objects),
      ...checkServiceTargetPorts(objects),
      ...checkWorkloadSelectors(objects),
    ]).toEqual([]);
  });

  it("reads only Secrets and ConfigMaps that kustomize generates or bootstrap creates, by the same names and keys", () => {
    expect(checkReferences(objects, BOOTSTRAP_SECRETS)).toEqual([]);
  });

  it("pins every image, and the collector, Jaeger and Traefik images to the versions in versions.env", () => {
    expect(checkImagesPinned(objects)).toEqual([]);
    expect(
      checkImageVersions(objects, {
        [pins.OTELCOL_IMAGE]: pins.OTELCOL_VERSION,
        [pins.JAEGER_IMAGE]: pins.JAEGER_VERSION,
        [pins.TRAEFIK_IMAGE]: pins.TRAEFIK_VERSION,
      }),
    ).toEqual([]);
  });

  it(
    "passes kube-linter's default checks; every exception states its reason",
    async () => {
      expect(await kubeLint(rendered.yaml)).toEqual([]);
      expect(lintExceptions(objects).problems).toEqual([]);
    },
    SLOW,
  );

  it("meets the hardening baseline in every container (also what kube-linter checks, stated directly)", () => {
    const problems: string[] = [];
    for (const { object, pod, labels } of workloads(objects)) {
      // The pods too, not only the workload objects: `kubectl get pods -l app.kubernetes.io/part-of=…`.
      if (labels["app.kubernetes.io/part-of"] === undefined)
        problems.push(`${object.metadata.name}: pod template has no app.kubernetes.io/part-of label`);
      const podContext = (pod as { securityContext?: Record<string, unknown> }).securityContext ?? {};
      if ((podContext.seccompProfile as { type?: string } | undefined)?.type !== "RuntimeDefault")
        problems.push(`${object.metadata.name}: pod seccompProfile is not RuntimeDefault`);
      for (const container of containersOf(pod)) {
        const c = container as typeof container & {
          securityContext?: {
            allowPrivilegeEscalation?: boolean;
            readOnlyRootFilesystem?: boolean;
            capabilities?: { drop?: string[] };
          };
          resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
        };
        const who = `${object.metadata.name}/${container.name}`;
        if (c.securityContext?.allowPrivilegeEscalation !== false)
          problems.push(`${who}: allowPrivilegeEscalation is not false`);
        if (c.securityContext?.readOnlyRootFilesystem !== true)
          problems.push(`${who}: root filesystem is writable`);
        if (!(c.securityContext?.capabilities?.drop ?? []).includes("ALL"))
          problems.push(`${who}: does not drop ALL capabilities`);
        for (const resource of ["cpu", "memory"])
          if (c.resources?.requests?.[resource] === undefined || c.resources.limits?.[resource] === undefined)
            problems.push(`${who}: no ${resource} request and limit`);
      }
      for (const key of [
        "app.kubernetes.io/name",
        "app.kubernetes.io/component",
        "app.kubernetes.io/part-of",
      ])
        if (object.metadata.labels?.[key] === undefined)
          problems.push(`${object.metadata.name}: no ${key} label`);
    }
    expect(problems).toEqual([]);
  });

  it("sets GOMEMLIMIT to about 80% of the memory limit, above the memory_limiter's limit", () => {
    expect(checkGoMemoryLimits(objects)).toEqual([]);
    const goPrograms = workloads(objects).filter(({ pod }) =>
      pod.containers.some((c) => isCollector(c.image ?? "") || isJaeger(c.image ?? "")),
    );
    for (const { pod } of goPrograms)
      expect(
        pod.containers.filter((c) => c.env?.some((e) => e.name === "GOMEMLIMIT")).length,
      ).toBeGreaterThan(0);
  });

  it("has NetworkPolicies that select their pods, admit existing peers, on ports the pods listen on", () => {
    expect(checkNetworkPolicies(objects)).toEqual([]);
  });

  it("wires a complete Gateway API chain: class, parameters, listener, route, backend Service port", () => {
    expect(checkGatewayChain(objects)).toEqual([]);
  });

  it(
    "runs collector configs whose pipelines use only defined components, all in the collector build",
    async () => {
      const available = await collectorComponents();
      for (const { who, config } of configs) {
        expect([...checkPipelines(config), ...checkComponentTypes(config, available)], who).toEqual([]);
      }
    },
    SLOW,
  );

  it("never skips certificate verification and never sends credentials in plaintext", () => {
    for (const { who, config } of configs) expect(checkTls(config), who).toEqual([]);
  });

  it("gives the collector exactly the RBAC its k8s_attributes extraction needs", () => {
    for (const config of configs) {
      const workload = workloads(objects).find((w) => w.object === config.workload);
      expect(workload).toBeDefined();
      if (workload) expect(checkK8sAttributesRbac(objects, workload, config.config), config.who).toEqual([]);
    }
  });

  it(
    "runs a Jaeger config that the real Jaeger build (the pinned release) accepts",
    async () => {
      const available = await collectorComponents("jaeger");
      for (const { who, config, text, env } of jaegerConfigs) {
        expect([...checkPipelines(config), ...checkComponentTypes(config, available)], who).toEqual([]);
        expect(await collectorValidate(text, env, "jaeger"), who).toBeUndefined();
      }
    },
    SLOW,
  );

  it(
    "passes the real collector's `validate` with each container's environment",
    async () => {
      for (const { who, text, env } of configs) {
        // Downward-API values are only known in the cluster; a valid stand-in is enough for validation.
        const withFields = Object.fromEntries(
          Object.entries(env).map(([k, v]) => [k, v.startsWith("<") ? "placeholder" : v]),
        );
        expect(await collectorValidate(text, withFields), who).toBeUndefined();
      }
    },
    SLOW,
  );
});

describe("across the clusters", () => {
  it(
    "the edge exporter verifies a name that is in the gateway certificate's SANs (what bootstrap issues)",
    async () => {
      const { objects } = await render("manifests/edge");
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
      const { objects } = await render("manifests/remote");
      const service = objects.find((o) => o.kind === "Service" && o.metadata.name === names.traefik);
      const ports = service?.spec?.ports as { nodePort?: number; targetPort?: string }[];
      expect(service?.spec?.type).toBe("NodePort");
      expect(ports.map((p) => p.nodePort)).toEqual([gateway.nodePort]);
      const deployment = objects.find((o) => o.kind === "Deployment" && o.metadata.name === names.traefik);
      const container = workloads([deployment!])[0]!.pod.containers[0]!;
      const target = container.ports?.find((p) => p.name === ports[0]?.targetPort);
      expect(target?.containerPort).toBe(gateway.listenerPort);
      expect(container.args).toContain(`--entrypoints.websecure.address=:${gateway.listenerPort}`);
      const listeners = objects.find((o) => o.kind === "Gateway")?.spec?.listeners as { port: number }[];
      expect(listeners.map((l) => l.port)).toEqual([gateway.listenerPort]);
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
      const { objects } = await render("manifests/remote");
      const deployment = objects.find((o) => o.kind === "Deployment" && o.metadata.name === names.traefik);
      const args = workloads([deployment!])[0]!.pod.containers[0]!.args ?? [];
      for (const flag of TRAEFIK_COMMON_ARGS) expect(args).toContain(flag);
      // With the standard CRDs, the experimental channel makes Traefik loop on listing v1alpha2 TCPRoutes
      // and load no routes at all, while it stays Ready and the Gateway stays Programmed.
      expect(args.filter((a) => /experimentalchannel|--api\.(dashboard|insecure)=true/i.test(a))).toEqual([]);
      expect(args).toContain(`--providers.kubernetesgateway.namespaces=${namespaces.observability}`);
      expect(args).toContain(
        `--providers.kubernetesgateway.statusaddress.hostname=${gateway.crossClusterHost}`,
      );
    },
    SLOW,
  );

  it(
    "gives Traefik exactly the RBAC its Gateway API provider uses at the pinned version (from its source)",
    async () => {
      const { objects } = await render("manifests/remote");
      const access = providerAccess(readProviderSource((await schemas()).traefikModuleDir));
      // The source scan found the provider's informers and status writers (a refactor upstream would show here).
      expect(access.needs.size).toBeGreaterThanOrEqual(10);
      expect(access.needs.get("/secrets")?.verbs).toEqual(["list", "watch"]);
      expect(
        checkTraefikRbac(objects, access, { namespace: namespaces.observability, name: names.traefik }),
      ).toEqual([]);
    },
    SLOW,
  );

  it(
    "uses the workload names scripts/lib/topology.ts gives the scripts",
    async () => {
      const all = [
        ...(await render("manifests/edge")).objects,
        ...(await render("manifests/remote")).objects,
      ];
      const has = (kind: string, name: string) =>
        all.some((o) => o.kind === kind && o.metadata.name === name);
      expect(has("DaemonSet", names.edgeCollector) && has("Service", names.edgeCollector)).toBe(true);
      expect(has("Deployment", names.gatewayCollector) && has("Service", names.gatewayCollector)).toBe(true);
      expect(has("Deployment", names.jaeger) && has("Service", names.jaeger)).toBe(true);
      expect(has("Gateway", names.gateway)).toBe(true);
      expect(has("Deployment", names.sampleService) && has("Service", names.sampleService)).toBe(true);
      expect(has("Deployment", names.traceGenerator)).toBe(true);
    },
    SLOW,
  );

  it(
    "bootstrap's image overlay (manifests/README.md) sets exactly the two app images' tags",
    async () => {
      const dir = mkdtempSync(join(tmpdir(), "contract-overlay-"));
      try {
        const base = relative(dir, join(REPO_ROOT, "manifests/edge"));
        const images = [names.sampleService, names.traceGenerator].map((app) => ({
          name: `otel-e2r/${app}`,
          newTag: `sha-${app}`,
        }));
        writeFileSync(join(dir, "kustomization.yaml"), stringify({ resources: [base], images }));
        const { stdout } = await execa(await toolPath("kustomize"), ["build", dir]);
        const imagesOf = (objects: readonly K8sObject[]) =>
          workloads(objects).flatMap(({ pod }) => containersOf(pod).map((c) => c.image));
        const before = imagesOf((await render("manifests/edge")).objects);
        const after = imagesOf(parseObjects(stdout));
        expect(before).toContain("otel-e2r/sample-service:set-by-bootstrap");
        expect(after).toEqual(
          before.map((image) =>
            image?.replace(/^otel-e2r\/([a-z-]+):set-by-bootstrap$/, "otel-e2r/$1:sha-$1"),
          ),
        );
        expect(after).toContain("otel-e2r/trace-generator:sha-trace-generator");
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
