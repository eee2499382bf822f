// The images `make up` runs, named by their pins. One list, so `make images` pulls exactly what `make up`
// loads, the offline build covers exactly this set, and an override can only replace something that is
// pinned.
//
// Overrides: where a pinned reference cannot be used as is (no registry, as in the project's CI), an
// overrides file maps it to a local stand-in, one `<pinned reference>=<substitute>` per line: the file
// PIN_OVERRIDES names, else the one `make up` chose itself (the offline build's, or an image archive's).
// versions.env is never edited for this; every substitute is named and checked here.
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

export type Overrides = ReadonlyMap<string, string>;

/** Parses an overrides file; every problem at once, each with its line. */
export function parseOverrides(text: string, file: string, pins: Versions = versions()): Overrides {
  const known = new Set(pinnedImages(pins).map((image) => image.ref));
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
let chosen: string | undefined;

/** The overrides file in effect: PIN_OVERRIDES, else the one `make up` chose (useOverridesFile). */
export function overridesFile(): string | undefined {
  const file = process.env.PIN_OVERRIDES ?? "";
  return file !== "" ? file : chosen;
}

/** The overrides in effect, parsed once. */
export function overrides(): Overrides {
  if (cached) return cached;
  const file = overridesFile();
  if (file === undefined) return (cached = new Map());
  if (!existsSync(file))
    throw new Error(
      `PIN_OVERRIDES is ${JSON.stringify(file)}, which does not exist; expected a file of <pinned reference>=<substitute> lines (make images-offline writes one)`,
    );
  return (cached = parseOverrides(readFileSync(file, "utf8"), file));
}

/** Makes `file` the overrides in effect, unless PIN_OVERRIDES names one (an explicit file always wins). */
export function useOverridesFile(file: string): void {
  if ((process.env.PIN_OVERRIDES ?? "") !== "") return;
  chosen = file;
  cached = undefined;
}

/** The reference to use for a pinned one: its override, or itself. */
export function resolve(pinned: string, from: Overrides = overrides()): string {
  return from.get(pinned) ?? pinned;
}
