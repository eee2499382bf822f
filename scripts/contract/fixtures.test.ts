// Negative fixtures: each class of mistake the contract checks exist for must be rejected, with a message
// that names the object and the bad value. Without these, a check that can never fail would look green.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { gateway } from "../lib/topology.ts";
import type { CollectorConfig } from "./checks/collector-config.ts";
import {
  checkComponentTypes,
  checkPipelines,
  checkServerNames,
  checkTls,
  deployedConfigs,
  mergeConfigs,
} from "./checks/collector-config.ts";
import { checkGatewayChain } from "./checks/gateway.ts";
import { checkImagesPinned } from "./checks/images.ts";
import { checkGoMemoryLimits } from "./checks/memory.ts";
import { checkNetworkPolicies } from "./checks/network-policy.ts";
import { checkK8sAttributesRbac } from "./checks/rbac.ts";
import { BOOTSTRAP_SECRETS, checkReferences } from "./checks/references.ts";
import { checkServiceSelectors, checkServiceTargetPorts } from "./checks/services.ts";
import { kubeLint } from "./lint.ts";
import { parseObjects, workloads } from "../kube/objects.ts";
import { collectorComponents } from "./otelcol.ts";
import { validateSchemas } from "./validate.ts";

const fixture = (name: string) => readFileSync(new URL(`fixtures/${name}`, import.meta.url), "utf8");
const objects = (name: string) => parseObjects(fixture(name));
const config = (name: string) => parse(fixture(name)) as CollectorConfig;
const SLOW = 600_000;

describe("negative fixtures are rejected", () => {
  it("bad selector: a Service that selects no pod", () => {
    expect(checkServiceSelectors(objects("bad-selector.yaml"))).toEqual([
      expect.stringMatching(
        /^Service demo\/sample-service selects app\.kubernetes\.io\/name=sample-servce, but no pod template .*\(Deployment demo\/sample-service has app\.kubernetes\.io\/name=sample-service/,
      ),
    ]);
  });

  it("bad target port: a Service port no container exposes", () => {
    expect(checkServiceTargetPorts(objects("bad-target-port.yaml"))).toEqual([
      expect.stringMatching(
        /port http targets "web", which no container of Deployment demo\/sample-service exposes \(it has: http=8080\)/,
      ),
    ]);
  });

  it(
    "unknown field: rejected by the Kubernetes schema and by the Gateway API CRD schema",
    async () => {
      const problems = await validateSchemas(fixture("unknown-field.yaml"));
      expect(problems).toEqual([
        expect.stringMatching(/^Deployment demo\/sample-service: .*readinesProbe: .*unknown field/),
        expect.stringMatching(/^GRPCRoute observability\/remote-collector: .*weigth: .*unknown field/),
      ]);
    },
    SLOW,
  );

  it("missing secret key (and a ConfigMap nobody creates)", () => {
    expect(checkReferences(objects("missing-secret-key.yaml"), BOOTSTRAP_SECRETS)).toEqual([
      expect.stringMatching(
        /volume credentials reads key\(s\) user of Secret observability\/remote-gateway-credentials, which bootstrap .* creates with key\(s\) username, password/,
      ),
      expect.stringMatching(
        /volume config reads ConfigMap observability\/otel-collector-conf, which neither the manifests nor bootstrap create/,
      ),
    ]);
  });

  it("unpinned image: no tag, and :latest", () => {
    expect(checkImagesPinned(objects("unpinned-image.yaml"))).toEqual([
      expect.stringMatching(/container init uses image "busybox", which is not pinned: no tag means :latest/),
      expect.stringMatching(
        /container jaeger uses image "jaegertracing\/jaeger:latest", which is not pinned/,
      ),
    ]);
  });

  it(
    "undefined pipeline component, undefined extension, and a component type the build lacks",
    async () => {
      const bad = config("undefined-component.yaml");
      expect(checkPipelines(bad)).toEqual([
        'service.extensions lists "pprof", which extensions does not define',
        'pipeline traces lists processor "resource/tuned", which processors does not define',
      ]);
      expect(checkComponentTypes(bad, await collectorComponents())).toEqual([
        expect.stringMatching(
          /^exporter "kafka\/remote": the collector build has no exporter of type "kafka" \(it has: otlp_grpc, otlp_http\)/,
        ),
      ]);
    },
    SLOW,
  );

  it("skip-verify: certificate verification switched off", () => {
    // Made from the real edge config with one change, so no config that skips verification is ever in
    // git, and the fixture cannot drift from the exporter it imitates. The untouched config passes.
    const file = (name: string) =>
      parse(
        readFileSync(new URL(`../../manifests/edge/collector/${name}`, import.meta.url), "utf8"),
      ) as CollectorConfig;
    const edge = mergeConfigs([file("config.yaml"), file("basic-auth.yaml")]) as {
      exporters: Record<string, { tls: Record<string, unknown> }>;
    };
    expect(checkTls(edge as CollectorConfig)).toEqual([]);
    edge.exporters["otlp_grpc/remote"]!.tls.insecure_skip_verify = true;
    expect(checkTls(edge as CollectorConfig)).toEqual([
      "exporters.otlp_grpc/remote.tls.insecure_skip_verify is true: certificate verification must never be skipped",
    ]);
  });

  it("server name outside the certificate's SANs", () => {
    const { configs, problems } = deployedConfigs(objects("wrong-server-name.yaml"), () => true);
    expect(problems).toEqual([]);
    expect(configs.flatMap((c) => checkServerNames(c.config, c.env, gateway.dnsNames))).toEqual([
      expect.stringMatching(
        /dials 172\.18\.0\.3:30443 and verifies the name "172\.18\.0\.3", which is not in the gateway certificate's SANs/,
      ),
    ]);
  });

  it("broken Gateway API chain: unknown listener and a backend port the Service lacks", () => {
    expect(checkGatewayChain(objects("broken-route.yaml"))).toEqual([
      expect.stringMatching(
        /attaches to listener otlp-grpc of Gateway observability\/otlp-gateway, which has listeners otlp-grpc-tls/,
      ),
      expect.stringMatching(
        /sends to port 4318 of Service observability\/remote-collector, which has port\(s\) 4317/,
      ),
    ]);
  });

  it("RBAC beyond (and short of) what k8s_attributes reads", () => {
    const all = objects("excess-rbac.yaml");
    const { configs } = deployedConfigs(all, () => true);
    const [deployed] = configs;
    const workload = workloads(all).find((w) => w.object === deployed?.workload);
    expect(
      deployed && workload ? checkK8sAttributesRbac(all, workload, deployed.config) : ["not found"],
    ).toEqual([
      expect.stringMatching(
        /needs watch on \/pods .* but ServiceAccount observability\/otel-collector is not granted it/,
      ),
      expect.stringMatching(
        /may get\/list\/watch \/nodes, which the configured k8s_attributes extraction never reads/,
      ),
      expect.stringMatching(
        /may get\/list\/watch \/secrets, which the configured k8s_attributes extraction never reads/,
      ),
    ]);
  });

  it("NetworkPolicy that protects nothing, admits a peer that does not exist, on a port nobody listens on", () => {
    expect(checkNetworkPolicies(objects("broken-network-policy.yaml"))).toEqual([
      "NetworkPolicy observability/remote-collector-ingress selects no pod in namespace observability: it protects nothing",
      'NetworkPolicy observability/jaeger-ingress ingress[0] admits pods labelled {"matchLabels":{"app.kubernetes.io/name":"otel-collector"}}, but no pod in namespace observability has those labels',
      "NetworkPolicy observability/jaeger-ingress ingress[0] admits port 4318, on which no container of Deployment observability/jaeger listens",
      'NetworkPolicy observability/jaeger-ingress ingress[1] admits pods labelled {"matchExpressions":[{"key":"app.kubernetes.io/name","operator":"In","values":["otel-gateway"]}]}, but no pod in namespace observability has those labels',
    ]);
  });

  it("GOMEMLIMIT at the memory limit, and a memory_limiter above it", () => {
    expect(checkGoMemoryLimits(objects("memory-limits.yaml"))).toEqual([
      "Deployment observability/remote-collector container otelcol: GOMEMLIMIT=512MiB is 100% of the 512 MiB limit; expected about 80%",
      "Deployment observability/remote-collector container otelcol: memory_limiter's MEMORY_LIMIT_MIB=600 is above GOMEMLIMIT=512MiB",
    ]);
  });

  it(
    "insecure workload: kube-linter's default checks report it",
    async () => {
      const findings = await kubeLint(fixture("insecure-workload.yaml"));
      const checks = new Set(findings.map((f) => f.split(":", 1)[0]));
      for (const check of [
        "privileged-container",
        "run-as-non-root",
        "no-read-only-root-fs",
        "unset-memory-requirements",
        "no-liveness-probe",
      ])
        expect(checks, `kube-linter should report ${check}; it reported:\n${findings.join("\n")}`).toContain(
          check,
        );
    },
    SLOW,
  );
});
