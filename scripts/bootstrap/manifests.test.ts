import { describe, expect, it } from "vitest";
import { containersOf, setAppImages } from "./manifests.ts";
import type { KubeObject } from "./secrets.ts";

const deployment = (name: string, images: string[], init: string[] = []): KubeObject => ({
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

describe("setAppImages", () => {
  const refs = new Map([
    ["otel-e2r/sample-service", "otel-e2r/sample-service:sha256-0123456789abcdef"],
    ["otel-e2r/trace-generator", "otel-e2r/trace-generator:sha256-fedcba9876543210"],
  ]);

  it("points our images at the built tags, whatever tag or digest the manifests carry, and leaves others alone", () => {
    const input = [
      deployment("a", [
        "otel-e2r/sample-service:set-by-bootstrap",
        "otel/opentelemetry-collector-k8s:0.158.0",
      ]),
      deployment("b", ["otel-e2r/trace-generator@sha256:" + "0".repeat(64)], ["otel-e2r/sample-service"]),
    ];
    const output = setAppImages(input, refs);
    expect(output.flatMap(containersOf).map((c) => c.image)).toEqual([
      "otel-e2r/sample-service:sha256-0123456789abcdef",
      "otel/opentelemetry-collector-k8s:0.158.0",
      "otel-e2r/sample-service:sha256-0123456789abcdef",
      "otel-e2r/trace-generator:sha256-fedcba9876543210",
    ]);
    // The rendered input is not modified.
    expect(containersOf(input[0]!)[0]!.image).toBe("otel-e2r/sample-service:set-by-bootstrap");
  });

  it("refuses manifests that use an app image nobody built", () => {
    expect(() => setAppImages([deployment("a", ["otel-e2r/sample-service:x"])], new Map())).toThrow(
      /reference app images that were not built:\n {2}- Deployment\/a uses otel-e2r\/sample-service/,
    );
  });

  it("finds containers in CronJobs and Pods too", () => {
    const cron: KubeObject = {
      apiVersion: "batch/v1",
      kind: "CronJob",
      metadata: { name: "c" },
      spec: { jobTemplate: { spec: { template: { spec: { containers: [{ name: "x", image: "i" }] } } } } },
    };
    const pod: KubeObject = {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "p" },
      spec: { containers: [{ image: "j" }] },
    };
    expect([...containersOf(cron), ...containersOf(pod)].map((c) => c.image)).toEqual(["i", "j"]);
  });
});
