// The builder manifest (scripts/gobuild/otelcol-builder.yaml) lists exactly the components the collector
// configs in manifests/ use — no more, no fewer — at the collector version pinned for the image
// (OTELCOL_VERSION); and the built binary agrees (`otelcol components`, `otelcol --version`).
import { readFileSync } from "node:fs";
import { execa } from "execa";
import { beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { allContainers } from "../../kube/objects.ts";
import { kustomize } from "../../kube/render.ts";
import { clusterKeys } from "../../lib/topology.ts";
import { versions } from "../../lib/versions.ts";
import type { Binaries } from "../../local/binaries.ts";
import { CONFIGS } from "../../local/processes.ts";
import { testBinaries } from "./helpers.ts";
import { BUILDER_MANIFEST, renderBuilderManifest } from "../../gobuild/recipes/otelcol.ts";

const KINDS = ["receivers", "processors", "exporters", "extensions", "connectors"] as const;
type Kind = (typeof KINDS)[number];

/** Component types (the part of an ID before "/") each kind uses, across the collector configs. */
function typesUsedByConfigs(): Record<Kind, string[]> {
  const used = Object.fromEntries(KINDS.map((kind) => [kind, new Set<string>()])) as Record<
    Kind,
    Set<string>
  >;
  for (const file of [CONFIGS.edge, CONFIGS.remote]) {
    const config = parse(readFileSync(file, "utf8")) as Partial<Record<Kind, Record<string, unknown>>>;
    for (const kind of KINDS)
      for (const id of Object.keys(config[kind] ?? {})) used[kind].add(id.split("/")[0]!);
  }
  return Object.fromEntries(KINDS.map((kind) => [kind, [...used[kind]].sort()])) as Record<Kind, string[]>;
}

interface ComponentsOutput {
  buildinfo: { version: string };
  receivers?: { name: string; module: string }[];
  processors?: { name: string; module: string }[];
  exporters?: { name: string; module: string }[];
  extensions?: { name: string; module: string }[];
  connectors?: { name: string; module: string }[];
  providers?: { scheme: string; module: string }[];
}

describe("the collector builder manifest", () => {
  let bin: Binaries;
  let components: ComponentsOutput;
  beforeAll(async () => {
    bin = await testBinaries();
    components = parse((await execa(bin.otelcol, ["components"])).stdout) as ComponentsOutput;
  }, 45 * 60_000);

  it("is rendered at OTELCOL_VERSION, the version of the collector image the manifests pin", async () => {
    const template = parse(readFileSync(BUILDER_MANIFEST, "utf8")) as { dist: { version: string } };
    expect(template.dist.version).toBe("${OTELCOL_VERSION}");
    const rendered = parse(renderBuilderManifest()) as { dist: { version: string } };
    expect(rendered.dist.version).toBe(versions().OTELCOL_VERSION);
    expect(components.buildinfo.version).toBe(versions().OTELCOL_VERSION);
    expect((await execa(bin.otelcol, ["--version"])).stdout).toContain(
      `version ${versions().OTELCOL_VERSION}`,
    );
  });

  it("has the version the clusters' collector image is rendered with (the rendering make up applies)", async () => {
    const images: string[] = [];
    for (const cluster of clusterKeys)
      images.push(
        ...allContainers(await kustomize(cluster))
          .map((container) => container.image ?? "")
          .filter((image) => image.includes("opentelemetry-collector")),
      );
    const pins = versions();
    expect(images.length).toBeGreaterThanOrEqual(2); // edge DaemonSet + remote collector
    for (const image of images) expect(image).toBe(`${pins.OTELCOL_IMAGE}:${pins.OTELCOL_VERSION}`);
    expect(components.buildinfo.version).toBe(pins.OTELCOL_VERSION);
  });

  it("builds exactly the components the collector configs use", () => {
    const built = Object.fromEntries(
      KINDS.map((kind) => [kind, (components[kind] ?? []).map((component) => component.name).sort()]),
    );
    expect(built).toEqual(typesUsedByConfigs());
  });

  it("lists the same Go modules the binary reports, each at a pinned version", () => {
    const rendered = parse(renderBuilderManifest()) as Partial<
      Record<Kind | "providers", { gomod: string }[]>
    >;
    const listed = [...KINDS, "providers" as const].flatMap((kind) =>
      (rendered[kind] ?? []).map((entry) => entry.gomod),
    );
    const reported = [
      ...KINDS.flatMap((kind) => (components[kind] ?? []).map((component) => component.module)),
      ...(components.providers ?? []).map((provider) => provider.module),
    ];
    expect(listed.sort()).toEqual(reported.sort());
    // Every module line in the template takes its version from versions.env, never a literal.
    const template = readFileSync(BUILDER_MANIFEST, "utf8");
    for (const line of template.split("\n").filter((text) => text.includes("gomod:")))
      expect(line).toMatch(/ v\$\{[A-Z0-9_]+\}$/);
  });
});
