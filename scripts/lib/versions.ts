// The pinned external versions, read once from manifests/versions/versions.env (the single source of
// truth that kustomize and the bash toolchain also read) into a frozen, typed object.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

export const VERSIONS_FILE = fileURLToPath(new URL("../../manifests/versions/versions.env", import.meta.url));

const KEYS = [
  "NODE_VERSION",
  "NODE_MIN_VERSION",
  "NODE_IMAGE",
  "OTELCOL_IMAGE",
  "OTELCOL_VERSION",
  "JAEGER_IMAGE",
  "JAEGER_VERSION",
  "PROMETHEUS_IMAGE",
  "PROMETHEUS_VERSION",
  "PROMETHEUS_MODULE_VERSION",
  "TRAEFIK_IMAGE",
  "TRAEFIK_VERSION",
  "KIND_VERSION",
  "KIND_NODE_IMAGE",
  "KUBECTL_MIN_VERSION",
  "GATEWAY_API_VERSION",
  "GATEWAY_API_MODULE_SUM",
  "OTELCOL_CORE_STABLE_VERSION",
  "JAEGER_MODULE_VERSION",
  "TELEMETRYGEN_VERSION",
  "KUBECTL_VALIDATE_VERSION",
  "KUBE_LINTER_VERSION",
  "OFFLINE_KUBERNETES_VERSION",
  "CONTAINERD_VERSION",
  "CRI_TOOLS_VERSION",
  "LOCAL_PATH_PROVISIONER_VERSION",
  "DEBIAN_SUITE",
] as const;

export type VersionKey = (typeof KEYS)[number];
export type Versions = Readonly<Record<VersionKey, string>>;

/** Parses KEY=value lines (comments and blank lines allowed); reports every problem at once. */
export function parseVersions(text: string, file = VERSIONS_FILE): Versions {
  const found = new Map<string, string>();
  const problems: string[] = [];
  text.split("\n").forEach((raw, index) => {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) return;
    const match = /^([A-Z][A-Z0-9_]*)=([^\s"']+)$/.exec(line);
    if (!match) {
      problems.push(`line ${index + 1}: "${line}" is not KEY=value (no spaces, no quotes)`);
      return;
    }
    const [, key, value] = match as unknown as [string, string, string];
    if (found.has(key)) problems.push(`line ${index + 1}: ${key} is pinned twice`);
    found.set(key, value);
  });
  for (const key of KEYS) if (!found.has(key)) problems.push(`${key} is missing`);
  for (const key of found.keys())
    if (!(KEYS as readonly string[]).includes(key)) problems.push(`${key} is not a known pin`);
  if (problems.length > 0) throw new Error(`${file}:\n  - ${problems.join("\n  - ")}`);
  return Object.freeze(Object.fromEntries(KEYS.map((key) => [key, found.get(key)]))) as Versions;
}

let cached: Versions | undefined;

/** The project's pins, parsed once. */
export function versions(): Versions {
  cached ??= parseVersions(readFileSync(VERSIONS_FILE, "utf8"));
  return cached;
}

/** The Kubernetes release of a kind node image: "kindest/node:v1.37.0@sha256:…" → "1.37.0". */
export function kubernetesVersionOf(nodeImage: string): string {
  const match = /:v(\d+\.\d+\.\d+)(?:@|$)/.exec(nodeImage);
  if (!match)
    throw new Error(`KIND_NODE_IMAGE "${nodeImage}" has no vX.Y.Z tag to take the Kubernetes version from`);
  return match[1] as string;
}
