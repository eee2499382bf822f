// `make up`'s images, none pulled inside a cluster: the pinned ones are on this machine first
// (scripts/images/sources.ts), the app images are built here from a context prepared on the host, and
// then all of them are loaded into the nodes of the clusters that run them, one platform per image, so that
// every Docker image store works (image-archive.ts). App image tags are a hash of their inputs: an
// unchanged app is neither rebuilt nor reloaded. Never `:latest` (it forces pulls).
import type { ImageRefs } from "../kube/render.ts";
import { createHash } from "node:crypto";
import { copyFileSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { overrides, pinnedImages, resolve, type Overrides } from "../lib/pinned.ts";
import { parsePlatform, singlePlatformArchive, type Platform } from "./archive.ts";
import { imageId, imageIds } from "./present.ts";
import {
  REPO_ROOT,
  appImages,
  clusterKeys,
  clusterOf,
  type AppImage,
  type Cluster,
  type ClusterKey,
} from "../lib/topology.ts";
import { run } from "../lib/exec.ts";

/** Files whose content goes into an app's image, relative to the repository root. */
export function inputsOf(image: AppImage): string[] {
  const app = join(REPO_ROOT, "apps", image.app);
  const files = readdirSync(app, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && !join(entry.parentPath, entry.name).includes("/node_modules/"))
    .map((entry) => relative(REPO_ROOT, join(entry.parentPath, entry.name)));
  return [...files, "package.json", "pnpm-lock.yaml", "pnpm-workspace.yaml"].sort();
}

/** `otel-e2r/<app>:<16 hex>`: a hash of the app's inputs and the base image's ID (`baseId`). */
export function appImageRef(image: AppImage, baseId: string): string {
  const hash = createHash("sha256").update(baseId);
  for (const file of inputsOf(image)) hash.update(`\0${file}\0`).update(readFileSync(join(REPO_ROOT, file)));
  return `${image.repository}:${hash.digest("hex").slice(0, 16)}`;
}

// The context is the app's `pnpm deploy` folder: production dependencies prepared here, where pnpm and
// its store already are, so the build downloads nothing and the repository is never in the context.
async function buildImage(image: AppImage, nodeImage: string, ref: string): Promise<void> {
  const context = mkdtempSync(join(tmpdir(), `otel-e2r-${image.app}-`));
  try {
    await run(
      "pnpm",
      ["--filter", `@otel-e2r/${image.app}`, "deploy", "--prod", "--legacy", "--offline", context],
      { cwd: REPO_ROOT },
    );
    copyFileSync(join(REPO_ROOT, `${image.dockerfile}.dockerignore`), join(context, ".dockerignore"));
    await run("docker", [
      "build",
      "--file",
      join(REPO_ROOT, image.dockerfile),
      "--build-arg",
      `NODE_IMAGE=${nodeImage}`,
      "--tag",
      ref,
      context,
    ]);
  } finally {
    rmSync(context, { recursive: true, force: true });
  }
}

/**
 * The references `make up` would give the app images, without building: undefined where the base image is
 * not on this machine (no engine, or no `make up` yet), since the tags hash its ID.
 */
export async function appImageRefs(): Promise<ImageRefs | undefined> {
  const nodeImage = resolve(pinnedImages().find((image) => image.name === "Node.js")!.ref);
  try {
    const baseId = await imageId(nodeImage);
    return new Map(appImages.map((image) => [image.repository, appImageRef(image, baseId)]));
  } catch {
    return undefined;
  }
}

/** Builds each app image unless an image with its input hash exists; returns repository → reference. */
export async function buildAppImages(note: (line: string) => void): Promise<ImageRefs> {
  const nodeImage = resolve(pinnedImages().find((image) => image.name === "Node.js")!.ref);
  const baseId = await imageId(nodeImage);
  const refs = new Map<string, string>();
  const have = await imageIds(appImages.map((image) => appImageRef(image, baseId)));
  for (const image of appImages) {
    const ref = appImageRef(image, baseId);
    if (have.get(ref) !== undefined) note(`${ref} unchanged`);
    else {
      await buildImage(image, nodeImage, ref);
      note(`${ref} built`);
    }
    refs.set(image.repository, ref);
  }
  return refs;
}

/** Every image each cluster runs, as this machine names it (`subs`: the PIN_OVERRIDES in effect). */
export function imagesFor(cluster: ClusterKey, apps: ImageRefs, subs: Overrides = overrides()): string[] {
  const pinned = pinnedImages()
    .filter((image) => image.clusters.includes(cluster))
    .map((image) => resolve(image.ref, subs));
  const ours = appImages
    .filter((image) => image.clusters.includes(cluster))
    .map((i) => apps.get(i.repository)!);
  return [...pinned, ...ours];
}

/** The platform the engine (and so every kind node it runs) has, as OCI names it. */
export async function enginePlatform(): Promise<Platform> {
  const { stdout } = await run("docker", ["version", "--format", "{{.Server.Os}}/{{.Server.Arch}}"]);
  return parsePlatform(stdout.trim());
}

/** A reference as containerd names it: docker.io/library/node:24 for node:24, docker.io/otel/x for otel/x. */
export function normalizedRef(ref: string): string {
  const [first, ...rest] = ref.split("/");
  if (rest.length === 0) return `docker.io/library/${ref}`;
  return /[.:]/.test(first!) || first === "localhost" ? ref : `docker.io/${ref}`;
}

/** The label a loaded image carries on the node: the image ID this machine's engine gave it. */
export const SOURCE_LABEL = "io.otel-e2r.source-id";

/** ref → the source label of each image on a node (one `ctr images ls`). */
async function nodeImages(node: string): Promise<Map<string, string>> {
  const { stdout } = await run("docker", ["exec", node, "ctr", "--namespace=k8s.io", "images", "ls"]);
  const found = new Map<string, string>();
  for (const line of stdout.split("\n").slice(1)) {
    const [ref, ...fields] = line.trim().split(/\s+/);
    if (!ref) continue;
    const label = fields.find((f) => f.includes(`${SOURCE_LABEL}=`));
    const id = label
      ?.split(",")
      .find((l) => l.startsWith(`${SOURCE_LABEL}=`))
      ?.slice(SOURCE_LABEL.length + 1);
    found.set(ref, id ?? "");
  }
  return found;
}

/**
 * Imports an image archive into a kind cluster's node, one platform per image: what kind's own
 * `kind load image-archive` cannot do for an archive of Docker's containerd image store.
 */
export async function importArchive(cluster: string, archive: string, platform: Platform): Promise<void> {
  const single = `${archive}.${platform.architecture}.tar`;
  try {
    const rewritten = await singlePlatformArchive(archive, single, platform);
    await run("kind", ["load", "image-archive", rewritten ? single : archive, "--name", cluster]);
  } finally {
    rmSync(single, { force: true });
  }
}

/**
 * Loads images into one kind cluster's node, whatever the engine's image store: saved by the engine, cut
 * down to the node's platform (image-archive.ts), imported with `kind load image-archive`, then labelled
 * with the engine's image ID, so a second run sees what the node already has and loads nothing.
 */
export async function loadIntoCluster(
  cluster: string,
  refs: readonly string[],
  platform: Platform,
): Promise<string[]> {
  const node = `${cluster}-control-plane`;
  const have = await nodeImages(node);
  const ids = await imageIds(refs);
  const wanted: { ref: string; id: string }[] = [];
  for (const ref of refs) {
    const id = ids.get(ref) ?? (await imageId(ref)); // a missing image fails here, with docker's message
    if (have.get(normalizedRef(ref)) !== id) wanted.push({ ref, id });
  }
  if (wanted.length === 0) return [];
  const scratch = mkdtempSync(join(tmpdir(), "otel-e2r-load-"));
  try {
    await run("docker", ["save", "--output", join(scratch, "saved.tar"), ...wanted.map((w) => w.ref)]);
    await importArchive(cluster, join(scratch, "saved.tar"), platform);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  for (const { ref, id } of wanted)
    await run("docker", [
      "exec",
      node,
      "ctr",
      "--namespace=k8s.io",
      "images",
      "label",
      normalizedRef(ref),
      `${SOURCE_LABEL}=${id}`,
    ]);
  return wanted.map((w) => w.ref);
}

/** Every image each cluster runs, into its node; what a node already has (same image ID) is skipped. */
export async function loadImages(
  apps: ImageRefs,
  note: (line: string) => void,
  targets: readonly Cluster[] = Object.freeze(clusterKeys.map(clusterOf)),
): Promise<string> {
  const platform = await enginePlatform();
  let loaded = 0;
  for (const cluster of targets) {
    const refs = imagesFor(cluster.key, apps);
    const fresh = await loadIntoCluster(cluster.name, refs, platform);
    loaded += fresh.length;
    note(`${cluster.name}: ${refs.length} images, ${fresh.length} loaded`);
  }
  return loaded === 0 ? "every node already had every image" : `${loaded} image loads`;
}
