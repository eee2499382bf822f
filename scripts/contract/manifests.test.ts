// Contract tests of what `make up` applies: both kustomizations rendered with `kubectl kustomize` through the rendering `make up` applies,
// validated against the pinned Kubernetes and CRD schemas, cross-referenced, linted, and their collector
// configs checked by the real collector build. Offline; the Go tools and schemas are cached by version.
import { beforeAll, describe, expect, it } from "vitest";
import { clusterKeys } from "../lib/topology.ts";
import { versions } from "../lib/versions.ts";
import { checkComponentTypes, checkPipelines, checkTls, deployedConfigs } from "./checks/collector-config.ts";
import type { DeployedConfig } from "./checks/collector-config.ts";
import { checkGatewayChain } from "./checks/gateway.ts";
import { checkImagesPinned, checkImageVersions, parseImage } from "./checks/images.ts";
import { checkGoMemoryLimits } from "./checks/memory.ts";
import { checkNetworkPolicies } from "./checks/network-policy.ts";
import { checkK8sAttributesRbac } from "./checks/rbac.ts";
import { BOOTSTRAP_SECRETS, checkReferences } from "./checks/references.ts";
import {
  checkSelectorlessServices,
  checkServiceSelectors,
  checkServiceTargetPorts,
  checkWorkloadSelectors,
} from "./checks/services.ts";
import { kubeLint, lintExceptions } from "./lint.ts";
import type { K8sObject } from "../kube/objects.ts";
import { containersOf, workloads } from "../kube/objects.ts";
import { collectorComponents, collectorValidate } from "./otelcol.ts";
import type { Rendered } from "./render.ts";
import { CONTRACT_APP_REFS, render } from "./render.ts";
import { manifestsFor } from "../kube/render.ts";
import { AUTH_MODES, DEFAULT_AUTH_MODE } from "../lib/auth-modes.ts";
import { validateSchemas } from "./validate.ts";

const pins = versions();
const isCollector = (image: string) => parseImage(image).repository === pins.OTELCOL_IMAGE;
const isJaeger = (image: string) => parseImage(image).repository === pins.JAEGER_IMAGE;

// Cold runs download schemas and may wait for a Go tool to be built (scripts/gobuild).
const SLOW = 600_000;

describe.each(clusterKeys)("%s cluster", (cluster) => {
  let rendered: Rendered;
  let objects: readonly K8sObject[];
  let configs: DeployedConfig[];
  let jaegerConfigs: DeployedConfig[];

  beforeAll(async () => {
    rendered = await render(cluster);
    objects = rendered.objects;
    const found = deployedConfigs(objects, isCollector);
    expect(found.problems).toEqual([]);
    configs = found.configs;
    const jaeger = deployedConfigs(objects, isJaeger);
    expect(jaeger.problems).toEqual([]);
    jaegerConfigs = jaeger.configs;
  }, SLOW);

  it("mounts the one config file each collector and Jaeger container loads", () => {
    const expected = { edge: [1, 0], remote: [1, 1] }[cluster];
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
      ...checkSelectorlessServices(objects),
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

  it.each(AUTH_MODES.filter((mode) => mode !== DEFAULT_AUTH_MODE))(
    "AUTH=%s: the collectors' merged configs pass the same checks and the real collector's `validate`",
    async (mode) => {
      const found = deployedConfigs(
        await manifestsFor(cluster, CONTRACT_APP_REFS, new Map(), mode),
        isCollector,
      );
      expect(found.problems).toEqual([]);
      const available = await collectorComponents();
      for (const { who, config, text, env } of found.configs) {
        expect(
          [...checkPipelines(config), ...checkComponentTypes(config, available), ...checkTls(config)],
          who,
        ).toEqual([]);
        const withFields = Object.fromEntries(
          Object.entries(env).map(([k, v]) => [k, v.startsWith("<") ? "placeholder" : v]),
        );
        expect(await collectorValidate(text, withFields), who).toBeUndefined();
      }
    },
    SLOW,
  );
});
