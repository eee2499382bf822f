// Renders the README's versions table from manifests/versions/versions.env, so the table can never
// disagree with the pins: `node scripts/docs/versions-table.ts --write` rewrites the block between the
// markers; the docs test fails when the README's block differs from what this renders.
import { readFileSync, writeFileSync } from "node:fs";
import { REPO_ROOT } from "../lib/topology.ts";
import { type VersionKey, versions } from "../lib/versions.ts";

export const START = "<!-- versions:start (generated from manifests/versions/versions.env: make docs) -->";
export const END = "<!-- versions:end -->";

const ROWS: ReadonlyArray<readonly [string, (v: Record<VersionKey, string>) => string, string]> = [
  ["Node.js (toolchain)", (v) => v.NODE_VERSION, "from the npm registry when the system Node is older"],
  ["Node.js (images)", (v) => `\`${v.NODE_IMAGE}\``, "base of both app images"],
  [
    "OpenTelemetry Collector",
    (v) => `\`${v.OTELCOL_IMAGE}:${v.OTELCOL_VERSION}\``,
    "edge DaemonSet and gateway; the local build uses the same version",
  ],
  [
    "Jaeger v2",
    (v) => `\`${v.JAEGER_IMAGE}:${v.JAEGER_VERSION}\``,
    "the local build installs this release by commit",
  ],
  ["kind", (v) => `≥ ${v.KIND_VERSION}`, "minimum checked by `make up`"],
  [
    "Kubernetes (kind node image)",
    (v) => `\`${v.KIND_NODE_IMAGE.replace(/@sha256:[0-9a-f]{64}$/, "")}\``,
    "pinned by digest",
  ],
  ["kubectl", (v) => `≥ ${v.KUBECTL_MIN_VERSION}`, "minimum checked by `make up`"],
  ["Envoy Gateway", (v) => v.ENVOY_GATEWAY_VERSION, "remote cluster's Gateway API implementation"],
  ["Gateway API", (v) => v.GATEWAY_API_VERSION, "the release Envoy Gateway bundles"],
  ["telemetrygen", (v) => v.TELEMETRYGEN_VERSION, "independent OTLP client for cross-checks and benchmarks"],
  ["kustomize (tests)", (v) => v.KUSTOMIZE_VERSION, "`kubectl kustomize` for users"],
  ["kubectl-validate (tests)", (v) => v.KUBECTL_VALIDATE_VERSION, "offline schema validation"],
];

export function renderVersionsTable(): string {
  const v = versions();
  const lines = ["| component | version | note |", "|---|---|---|"];
  for (const [name, value, note] of ROWS) lines.push(`| ${name} | ${value(v)} | ${note} |`);
  return [START, ...lines, END].join("\n");
}

/** Replaces the generated block in `text`; throws if the markers are missing. */
export function replaceVersionsBlock(text: string): string {
  const start = text.indexOf(START);
  const end = text.indexOf(END);
  if (start < 0 || end < start) throw new Error(`README.md has no "${START}" … "${END}" block`);
  return text.slice(0, start) + renderVersionsTable() + text.slice(end + END.length);
}

if (import.meta.main && process.argv.includes("--write")) {
  const readme = `${REPO_ROOT}README.md`;
  writeFileSync(readme, replaceVersionsBlock(readFileSync(readme, "utf8")));
  console.log("README.md versions table regenerated from manifests/versions/versions.env");
}
