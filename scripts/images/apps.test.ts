// What goes where and what an app image's tag depends on. The builds, pulls and loads themselves run
// against the real Docker engine and clusters in the real-cluster suite (scripts/suites/clusters).
import { describe, expect, it } from "vitest";
import { pinnedImages } from "../lib/pinned.ts";
import { imagesFor, inputsOf } from "./apps.ts";
import { appImages } from "../lib/topology.ts";

describe("images", () => {
  const apps = new Map(appImages.map((image) => [image.repository, `${image.repository}:0123456789abcdef`]));

  it("loads each pinned image into the clusters that run it, the apps into edge, cert-expiry into both", () => {
    const ref = (name: string) => pinnedImages().find((image) => image.name === name)!.ref;
    const none = new Map<string, string>();
    expect(imagesFor("edge", apps, none)).toEqual([
      ref("Node.js"),
      ref("collector"),
      "otel-e2r/sample-service:0123456789abcdef",
      "otel-e2r/trace-generator:0123456789abcdef",
      "otel-e2r/cert-expiry:0123456789abcdef",
    ]);
    expect(imagesFor("remote", apps, none)).toEqual([
      ref("collector"),
      ref("Jaeger"),
      ref("Traefik"),
      ref("Prometheus"),
      "otel-e2r/cert-expiry:0123456789abcdef",
    ]);
    // The node image is what kind creates nodes from, never loaded into one.
    expect([...imagesFor("edge", apps, none), ...imagesFor("remote", apps, none)]).not.toContain(
      ref("kind node image"),
    );
    // With PIN_OVERRIDES, the stand-in is loaded in the pinned image's place.
    const subs = new Map([[ref("Jaeger"), "otel-e2r.local/jaeger:test"]]);
    expect(imagesFor("remote", apps, subs)).toEqual([
      ref("collector"),
      "otel-e2r.local/jaeger:test",
      ref("Traefik"),
      ref("Prometheus"),
      "otel-e2r/cert-expiry:0123456789abcdef",
    ]);
  });

  it("hashes an app's own files and the workspace's lockfile, never its node_modules or another app", () => {
    const files = inputsOf(appImages.find((image) => image.app === "sample-service")!);
    expect(files).toContain("apps/sample-service/src/app.ts");
    expect(files).toContain("apps/sample-service/Dockerfile");
    expect(files).toContain("pnpm-lock.yaml");
    expect(files.filter((file) => file.includes("node_modules"))).toEqual([]);
    expect(files.filter((file) => file.startsWith("apps/trace-generator/"))).toEqual([]);
    expect([...files].sort()).toEqual(files);
  });
});
