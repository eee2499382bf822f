// The in-memory image settings of the one rendering (scripts/kube/render.ts). The rendering itself, by
// the real kubectl, is what the contract tests check (scripts/contract).
import { describe, expect, it } from "vitest";
import { allContainers, type K8sObject } from "./objects.ts";
import { annotatePodTemplates, setAppImages, setAuthMode, substitutePinnedImages } from "./render.ts";

const deployment = (name: string, images: string[], init: string[] = []): K8sObject => ({
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name, namespace: "demo" },
  spec: {
    template: {
      spec: {
        initContainers: init.map((image, i) => ({ name: `init-${i}`, image })),
        containers: images.map((image, i) => ({ name: `c-${i}`, image })),
      },
    },
  },
});
const imagesOf = (objects: readonly K8sObject[]) => allContainers(objects).map((c) => c.image);

describe("setAppImages", () => {
  const refs = new Map([
    ["otel-e2r/sample-service", "otel-e2r/sample-service:0123456789abcdef"],
    ["otel-e2r/trace-generator", "otel-e2r/trace-generator:fedcba9876543210"],
  ]);

  it("points our images at the built tags, whatever tag or digest the manifests carry, and leaves others alone", () => {
    const input = [
      deployment("a", [
        "otel-e2r/sample-service:set-by-bootstrap",
        "otel/opentelemetry-collector-k8s:0.158.0",
      ]),
      deployment("b", ["otel-e2r/trace-generator@sha256:" + "0".repeat(64)], ["otel-e2r/sample-service"]),
    ];
    expect(imagesOf(setAppImages(input, refs))).toEqual([
      "otel-e2r/sample-service:0123456789abcdef",
      "otel/opentelemetry-collector-k8s:0.158.0",
      "otel-e2r/sample-service:0123456789abcdef",
      "otel-e2r/trace-generator:fedcba9876543210",
    ]);
    // The rendered input is not modified.
    expect(imagesOf(input)[0]).toBe("otel-e2r/sample-service:set-by-bootstrap");
  });

  it("refuses manifests that use an app image nobody built", () => {
    expect(() => setAppImages([deployment("a", ["otel-e2r/sample-service:x"])], new Map())).toThrow(
      "the manifests reference app images that were not built: otel-e2r/sample-service",
    );
  });

  it("finds containers in CronJobs and Pods too", () => {
    const cron: K8sObject = {
      apiVersion: "batch/v1",
      kind: "CronJob",
      metadata: { name: "c" },
      spec: { jobTemplate: { spec: { template: { spec: { containers: [{ name: "x", image: "i" }] } } } } },
    };
    const pod: K8sObject = {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "p" },
      spec: { containers: [{ name: "y", image: "j" }] },
    };
    expect(imagesOf([cron, pod])).toEqual(["i", "j"]);
  });
});

describe("substitutePinnedImages", () => {
  it("replaces exactly the pinned references PIN_OVERRIDES names", () => {
    const input = [deployment("a", ["traefik:3.7.13", "traefik:3.7.12", "otel-e2r/sample-service:x"])];
    const subs = new Map([["traefik:3.7.13", "otel-e2r.local/traefik:3.7.13-abc"]]);
    expect(imagesOf(substitutePinnedImages(input, subs))).toEqual([
      "otel-e2r.local/traefik:3.7.13-abc",
      "traefik:3.7.12",
      "otel-e2r/sample-service:x",
    ]);
  });
});

describe("setAuthMode", () => {
  const collector = (name: string): K8sObject => ({
    apiVersion: "apps/v1",
    kind: name === "otel-collector" ? "DaemonSet" : "Deployment",
    metadata: { name, namespace: "observability" },
    spec: {
      template: {
        spec: {
          containers: [
            { name: "otelcol", image: "x", args: ["--config=/etc/otelcol-e2r/config/config.yaml"] },
          ],
        },
      },
    },
  });
  const argsOf = (objects: readonly K8sObject[]) =>
    allContainers(objects).map((c) => (c as { args?: string[] }).args);

  it.each([
    ["basic", ["basic-auth.yaml"], []],
    ["mtls", ["mtls.yaml"], ["mtls.yaml"]],
    ["both", ["basic-auth.yaml", "mtls.yaml"], ["mtls.yaml", "mtls-basic-auth.yaml"]],
  ] as const)("AUTH=%s adds its overlays to each collector's --config list", (mode, edge, remote) => {
    const input = [collector("otel-collector"), collector("remote-collector"), deployment("other", ["y"])];
    const base = "--config=/etc/otelcol-e2r/config/config.yaml";
    const at = (file: string) => `--config=/etc/otelcol-e2r/config/${file}`;
    expect(argsOf(setAuthMode(input, mode))).toEqual([
      [base, ...edge.map(at)],
      [base, ...remote.map(at)],
      undefined,
    ]);
    expect(argsOf(input)[0]).toEqual([base]);
  });
});

describe("annotatePodTemplates", () => {
  it("adds the annotations to the named workload's pod template only, keeping the ones it has", () => {
    const named = deployment("remote-collector", ["x"]);
    (named.spec!.template as { metadata?: object }).metadata = { annotations: { kept: "yes" } };
    const result = annotatePodTemplates([named, deployment("other", ["y"])], {
      "remote-collector": { "otel-e2r/credentials-sha256": "abc" },
    });
    const annotationsOf = (object: K8sObject) =>
      (object.spec!.template as { metadata?: { annotations?: object } }).metadata?.annotations;
    expect(annotationsOf(result[0]!)).toEqual({ kept: "yes", "otel-e2r/credentials-sha256": "abc" });
    expect(annotationsOf(result[1]!)).toBeUndefined();
    expect(annotationsOf(named)).toEqual({ kept: "yes" });
  });
});
