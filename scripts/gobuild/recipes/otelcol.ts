// The collector, built with the OpenTelemetry Collector Builder (OCB) from otelcol-builder.yaml: exactly the
// components the configs in manifests/ use. Keyed by the version and a hash of the rendered builder
// manifest, so adding a component rebuilds it.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { versions, type VersionKey } from "../../lib/versions.ts";
import { goInstall, sha256, type Recipe } from "../recipe.ts";

export const BUILDER_MANIFEST = join(import.meta.dirname, "..", "otelcol-builder.yaml");

/** The builder manifest with each `${KEY}` replaced by its pin. */
export function renderBuilderManifest(): string {
  const text = readFileSync(BUILDER_MANIFEST, "utf8").replace(/\n+$/, "");
  const pins = versions();
  const rendered = text.replace(/\$\{([A-Z0-9_]+)\}/g, (_, key: string) => {
    const value = pins[key as VersionKey] as string | undefined;
    if (value === undefined)
      throw new Error(`otelcol-builder.yaml names \${${key}}, which versions.env does not pin`);
    return value;
  });
  return `${rendered}\n`;
}

export const otelcol: Recipe = {
  group: "local",
  binaries: ["otelcol"],
  // What the builder reads, comments left out: a reworded comment rebuilds nothing.
  key: () =>
    `${versions().OTELCOL_VERSION}-${sha256(renderBuilderManifest().replace(/^\s*#.*\n/gm, "")).slice(0, 12)}`,
  async build(out, go) {
    const work = join(out, "build");
    mkdirSync(work, { recursive: true });
    writeFileSync(join(work, "builder.yaml"), renderBuilderManifest());
    await goInstall(
      go,
      work,
      [`go.opentelemetry.io/collector/cmd/builder@v${versions().OTELCOL_VERSION}`],
      [],
    );
    await go.run(join(work, "builder"), [
      "--config",
      join(work, "builder.yaml"),
      "--output-path",
      join(work, "src"),
    ]);
    renameSync(join(work, "src", "otelcol-e2r"), join(out, "otelcol"));
  },
};
