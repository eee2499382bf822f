// Image archives with one platform per image, whatever Docker image store wrote them. Docker's containerd
// image store (the default of Docker Desktop ≥ 4.34 and Docker Engine ≥ 29) saves a pulled image as an OCI
// index that names every platform but holds the content of only the local one; kind imports archives with
// `ctr images import --all-platforms`, which then fails with "content digest … not found" (kind #3795).
// This rewrites such an archive so that each image is the one manifest of the wanted platform, with exactly
// the blobs it needs. A classic-store archive (manifest.json only, one platform by nature) passes unchanged.
// Two streaming passes over the tar: the first reads the small JSON documents, the second copies.
import { createReadStream, createWriteStream } from "node:fs";
import { pipeline } from "node:stream/promises";
import tar from "tar-stream";

export interface Platform {
  readonly os: string;
  readonly architecture: string;
  readonly variant?: string;
}

interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: Platform;
  annotations?: Record<string, string>;
}

const INDEX_TYPES = new Set([
  "application/vnd.oci.image.index.v1+json",
  "application/vnd.docker.distribution.manifest.list.v2+json",
]);

/** Documents up to this size are read in the first pass (manifests, indexes, configs are far smaller). */
const SMALL = 4 * 1024 * 1024;

const blobPath = (digest: string) => `blobs/${digest.replace(":", "/")}`;

/** "linux/arm64/v8" → { os, architecture, variant }. */
export function parsePlatform(text: string): Platform {
  const [os = "", architecture = "", variant] = text.split("/");
  return variant ? { os, architecture, variant } : { os, architecture };
}

const describe = (p: Platform) => [p.os, p.architecture, p.variant].filter(Boolean).join("/");

function matches(candidate: Platform | undefined, wanted: Platform): boolean {
  if (candidate?.os !== wanted.os || candidate.architecture !== wanted.architecture) return false;
  // arm64 images often say v8 or nothing; only a variant both sides name must agree.
  return !wanted.variant || !candidate.variant || candidate.variant === wanted.variant;
}

interface Scan {
  readonly names: Set<string>;
  readonly small: Map<string, Buffer>;
}

async function scan(file: string): Promise<Scan> {
  const names = new Set<string>();
  const small = new Map<string, Buffer>();
  const extract = tar.extract();
  extract.on("entry", (header, stream, next) => {
    const name = header.name.replace(/^\.\//, "");
    names.add(name);
    const chunks: Buffer[] = [];
    const keep = (header.size ?? 0) <= SMALL;
    stream.on("data", (chunk: unknown) => void (keep && chunks.push(chunk as Buffer)));
    stream.on("end", () => {
      if (keep) small.set(name, Buffer.concat(chunks));
      next();
    });
    stream.resume();
  });
  await pipeline(createReadStream(file), extract);
  return { names, small };
}

export class ArchiveProblem extends Error {}

/** The one manifest of `wanted` that a descriptor (an index or a manifest) stands for, with its content. */
function resolveManifest(scan: Scan, desc: Descriptor, wanted: Platform, image: string): Descriptor {
  if (!INDEX_TYPES.has(desc.mediaType)) {
    if (!scan.names.has(blobPath(desc.digest)))
      throw new ArchiveProblem(`${image}: the archive lacks its manifest ${desc.digest}`);
    return desc;
  }
  const blob = scan.small.get(blobPath(desc.digest));
  if (blob === undefined) throw new ArchiveProblem(`${image}: the archive lacks its index ${desc.digest}`);
  const children = (JSON.parse(blob.toString("utf8")) as { manifests?: Descriptor[] }).manifests ?? [];
  const present = children.filter((c) => scan.names.has(blobPath(c.digest)));
  const chosen = present.find((c) => INDEX_TYPES.has(c.mediaType) || matches(c.platform, wanted));
  if (chosen === undefined)
    throw new ArchiveProblem(
      `${image} has no ${describe(wanted)} content in the archive (it holds ${present.map((c) => (c.platform ? describe(c.platform) : c.digest)).join(", ") || "no platform at all"}); pull it for that platform first: docker pull --platform ${describe(wanted)} ${image}`,
    );
  return resolveManifest(scan, chosen, wanted, image);
}

/** The blobs one manifest needs: itself, its config and its layers. */
function blobsOf(scan: Scan, manifest: Descriptor, image: string): string[] {
  const body = JSON.parse(scan.small.get(blobPath(manifest.digest))!.toString("utf8")) as {
    config: { digest: string };
    layers: { digest: string }[];
  };
  const needed = [manifest.digest, body.config.digest, ...body.layers.map((l) => l.digest)].map(blobPath);
  const missing = needed.filter((path) => !scan.names.has(path));
  if (missing.length > 0) throw new ArchiveProblem(`${image}: the archive lacks ${missing.join(", ")}`);
  return needed;
}

const imageName = (desc: Descriptor) =>
  desc.annotations?.["io.containerd.image.name"] ??
  desc.annotations?.["org.opencontainers.image.ref.name"] ??
  desc.digest;

export interface RewriteOptions {
  /** Extra files to add (the Gateway API CRDs and the stand-in names of an images-save archive). */
  readonly extra?: Readonly<Record<string, string>>;
}

/**
 * Writes `output`: `input` with one `platform` manifest per image and only the blobs those need (an OCI
 * archive), or `input` as it is (a classic docker-archive), plus `extra` files. Returns whether it had to
 * rewrite anything.
 */
export async function singlePlatformArchive(
  input: string,
  output: string,
  platform: Platform,
  options: RewriteOptions = {},
): Promise<boolean> {
  const found = await scan(input);
  const index = found.small.get("index.json");
  let keep: (name: string) => boolean = () => true;
  const replaced = new Map<string, Buffer>();
  if (index !== undefined) {
    const parsed = JSON.parse(index.toString("utf8")) as { manifests: Descriptor[] } & Record<
      string,
      unknown
    >;
    const manifests = parsed.manifests.map((desc) => ({
      ...resolveManifest(found, desc, platform, imageName(desc)),
      annotations: desc.annotations,
    }));
    const blobs = new Set(manifests.flatMap((m) => blobsOf(found, m, imageName(m))));
    keep = (name) => !name.startsWith("blobs/") || blobs.has(name);
    replaced.set("index.json", Buffer.from(JSON.stringify({ ...parsed, manifests })));
  }
  const pack = tar.pack();
  const extract = tar.extract();
  extract.on("entry", (header, stream, next) => {
    const name = header.name.replace(/^\.\//, "");
    const substitute = replaced.get(name);
    if (!keep(name) || substitute !== undefined || (options.extra && name in options.extra)) {
      if (substitute !== undefined) pack.entry({ name, mode: 0o644 }, substitute);
      stream.on("end", next);
      stream.resume();
      return;
    }
    stream.pipe(pack.entry(header, next));
  });
  extract.on("finish", () => {
    for (const [name, text] of Object.entries(options.extra ?? {})) pack.entry({ name, mode: 0o644 }, text);
    pack.finalize();
  });
  await Promise.all([pipeline(createReadStream(input), extract), pipeline(pack, createWriteStream(output))]);
  return index !== undefined;
}

/** The text of some small files of an archive (e.g. what make images-save added), by name. */
export async function readEntries(file: string, names: readonly string[]): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  const extract = tar.extract();
  extract.on("entry", (header, stream, next) => {
    const name = header.name.replace(/^\.\//, "");
    const chunks: Buffer[] = [];
    const wanted = names.includes(name);
    stream.on("data", (chunk: unknown) => void (wanted && chunks.push(chunk as Buffer)));
    stream.on("end", () => {
      if (wanted) found.set(name, Buffer.concat(chunks).toString("utf8"));
      next();
    });
    stream.resume();
  });
  await pipeline(createReadStream(file), extract);
  return found;
}
