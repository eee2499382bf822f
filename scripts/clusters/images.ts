// `make up`'s images, none pulled inside a cluster: every pinned image is made present on this machine
// first (from IMAGES_ARCHIVE, the local stand-ins PIN_OVERRIDES names, or `docker pull`), the two app
// images are built from a context prepared on the host, and then all of them are loaded into the
// clusters that run them with `kind load docker-image`. App image tags are a hash of their inputs: an
// unchanged app is neither rebuilt nor reloaded. Never `:latest` (it forces pulls).
import type { ImageRefs } from "../kube/render.ts";
import { createHash } from "node:crypto";
import { copyFileSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { overrides, pinnedImages, resolve, type Overrides } from "../lib/pinned.ts";
import { REPO_ROOT, clusters, type ClusterKey, appImages, type AppImage } from "../lib/topology.ts";
import { run } from "../lib/exec.ts";
import { Failure, exitCodes } from "../lib/exit-codes.ts";

async function present(ref: string): Promise<boolean> {
  return (
    (await run("docker", ["image", "inspect", "--format", "{{.Id}}", ref], { allowFailure: true }))
      .exitCode === 0
  );
}

/** Every pinned image on this machine: loaded from an archive, already there, or pulled. */
export async function ensureHostImages(note: (line: string) => void, archive?: string): Promise<string> {
  if (archive !== undefined && archive !== "") {
    await run("docker", ["load", "--input", archive]);
    note(`loaded ${archive}`);
  }
  const subs = overrides();
  let pulled = 0;
  for (const image of pinnedImages()) {
    const ref = resolve(image.ref, subs);
    if (await present(ref)) continue;
    if (subs.has(image.ref))
      throw new Failure(
        `the ${image.name} image ${ref} (PIN_OVERRIDES' stand-in for ${image.ref}) is not on this machine; \`make images-offline\` builds it`,
        exitCodes.notReady,
      );
    note(`pulling ${ref}`);
    await run("docker", ["pull", ref]);
    pulled += 1;
  }
  const substituted = pinnedImages().filter((image) => subs.has(image.ref)).length;
  return `${pinnedImages().length} images present (${pulled} pulled${substituted > 0 ? `, ${substituted} offline stand-ins from PIN_OVERRIDES` : ""})`;
}

/** Files whose content goes into an app's image, relative to the repository root. */
export function inputsOf(image: AppImage): string[] {
  const app = join(REPO_ROOT, "apps", image.app);
  const files = readdirSync(app, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && !join(entry.parentPath, entry.name).includes("/node_modules/"))
    .map((entry) => relative(REPO_ROOT, join(entry.parentPath, entry.name)));
  return [...files, "package.json", "pnpm-lock.yaml", "pnpm-workspace.yaml"].sort();
}

/** `otel-e2r/<app>:<16 hex>`: a hash of the app's inputs and the base image's ID. */
export async function appImageRef(image: AppImage, nodeImage: string): Promise<string> {
  const base = await run("docker", ["image", "inspect", "--format", "{{.Id}}", nodeImage]);
  const hash = createHash("sha256").update(base.stdout.trim());
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

/** Builds each app image unless an image with its input hash exists; returns repository → reference. */
export async function buildAppImages(note: (line: string) => void): Promise<ImageRefs> {
  const nodeImage = resolve(pinnedImages().find((image) => image.name === "Node.js")!.ref);
  const refs = new Map<string, string>();
  for (const image of appImages) {
    const ref = await appImageRef(image, nodeImage);
    if (await present(ref)) note(`${ref} unchanged`);
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

/** `kind load docker-image` per cluster; kind itself skips what a node already has. */
export async function loadImages(apps: ImageRefs, note: (line: string) => void): Promise<string> {
  let loaded = 0;
  for (const key of Object.keys(clusters) as ClusterKey[]) {
    const refs = imagesFor(key, apps);
    const result = await run("kind", ["load", "docker-image", ...refs, "--name", clusters[key].name]);
    const fresh = (`${result.stdout}\n${result.stderr}`.match(/not yet present on node/g) ?? []).length;
    loaded += fresh;
    note(`${clusters[key].name}: ${refs.length} images, ${fresh} loaded`);
  }
  return loaded === 0 ? "every node already had every image" : `${loaded} image loads`;
}
