// The things `make up` fetches from outside, named by their pins: the images it runs and the Gateway API
// CRDs. One list, so `make images` pulls exactly what `make up` loads, the offline build covers exactly
// this set, and an override can only replace something that is pinned.
//
// Overrides: where a pinned reference cannot be used as is (no registry, as in the project's CI), the
// file named by PIN_OVERRIDES maps it to a local stand-in, one `<pinned reference>=<substitute>` per line
// (`make images-offline` writes such a file). versions.env is never edited for this; every substitute
// is named and checked here.
import { existsSync, readFileSync } from "node:fs";
import type { ClusterKey } from "./topology.ts";
import { versions, type Versions } from "./versions.ts";

export interface PinnedImage {
  /** What the image is, in messages. */
  readonly name: string;
  /** The pinned reference (versions.env), as the manifests and kind use it. */
  readonly ref: string;
  /** The clusters that run it, so `make up` loads it there; none for the kind node image itself. */
  readonly clusters: readonly ClusterKey[];
}

export function pinnedImages(pins: Versions = versions()): readonly PinnedImage[] {
  return Object.freeze([
    { name: "kind node image", ref: pins.KIND_NODE_IMAGE, clusters: [] },
    // The app images are built FROM it, and the edge collector's init container runs it.
    { name: "Node.js", ref: pins.NODE_IMAGE, clusters: ["edge"] },
    { name: "collector", ref: `${pins.OTELCOL_IMAGE}:${pins.OTELCOL_VERSION}`, clusters: ["edge", "remote"] },
    { name: "Jaeger", ref: `${pins.JAEGER_IMAGE}:${pins.JAEGER_VERSION}`, clusters: ["remote"] },
    { name: "Traefik", ref: `${pins.TRAEFIK_IMAGE}:${pins.TRAEFIK_VERSION}`, clusters: ["remote"] },
    { name: "Prometheus", ref: `${pins.PROMETHEUS_IMAGE}:${pins.PROMETHEUS_VERSION}`, clusters: ["remote"] },
  ] satisfies PinnedImage[]);
}

/** The Gateway API release's standard-channel CRDs, as `kubectl apply -f` takes them. */
export function gatewayApiCrdsUrl(pins: Versions = versions()): string {
  return `https://github.com/kubernetes-sigs/gateway-api/releases/download/v${pins.GATEWAY_API_VERSION}/standard-install.yaml`;
}

export type Overrides = ReadonlyMap<string, string>;

/** Parses an overrides file; every problem at once, each with its line. */
export function parseOverrides(text: string, file: string, pins: Versions = versions()): Overrides {
  const known = new Set([...pinnedImages(pins).map((image) => image.ref), gatewayApiCrdsUrl(pins)]);
  const found = new Map<string, string>();
  const problems: string[] = [];
  text.split("\n").forEach((raw, index) => {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) return;
    const at = line.indexOf("=");
    const [pinned, substitute] = at < 0 ? [line, ""] : [line.slice(0, at), line.slice(at + 1)];
    if (substitute === "" || /\s/.test(substitute))
      problems.push(`line ${index + 1}: "${line}" is not <pinned reference>=<substitute>`);
    else if (!known.has(pinned))
      problems.push(
        `line ${index + 1}: "${pinned}" is not pinned in versions.env (pinned: ${[...known].join(", ")})`,
      );
    else found.set(pinned, substitute);
  });
  if (problems.length > 0) throw new Error(`${file} (PIN_OVERRIDES):\n  - ${problems.join("\n  - ")}`);
  return found;
}

let cached: Overrides | undefined;

/** The overrides named by PIN_OVERRIDES (none when it is unset), parsed once. */
export function overrides(): Overrides {
  if (cached) return cached;
  const file = process.env.PIN_OVERRIDES ?? "";
  if (file === "") return (cached = new Map());
  if (!existsSync(file))
    throw new Error(
      `PIN_OVERRIDES is ${JSON.stringify(file)}, which does not exist; expected a file of <pinned reference>=<substitute> lines (make images-offline writes one)`,
    );
  return (cached = parseOverrides(readFileSync(file, "utf8"), file));
}

/** The reference to use for a pinned one: its override, or itself. */
export function resolve(pinned: string, from: Overrides = overrides()): string {
  return from.get(pinned) ?? pinned;
}
