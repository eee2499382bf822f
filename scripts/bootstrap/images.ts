// Step 3 of `make up`: build the app images and load them into the edge cluster. Tags are derived from
// the built image's ID (content-addressed): an unchanged build gets the same tag, so a re-run retags
// nothing and kind skips loading an image its nodes already have. Never `:latest` (it forces pulls).
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { REPO_ROOT, clusters } from "../lib/topology.ts";
import { appImages, type AppImage } from "./config.ts";
import { run } from "./exec.ts";

export type ImageRefs = ReadonlyMap<string, string>;

/** `sha256:0123…` → the tag `sha256-0123456789abcdef`. */
export function tagForImageId(imageId: string): string {
  const match = /^sha256:([0-9a-f]{64})$/.exec(imageId.trim());
  if (!match)
    throw new Error(`docker reported the image ID "${imageId.trim()}"; expected sha256:<64 hex digits>`);
  return `sha256-${match[1]!.slice(0, 16)}`;
}

/** Paths that must never enter a build context: the state folder (CA key, credentials) and run logs. */
export const ALWAYS_IGNORED = Object.freeze([".state/", ".logs/"]);

/**
 * The ignore rules for an app's build: whatever the repository's `.dockerignore` and the app's
 * `<Dockerfile>.dockerignore` say, plus ALWAYS_IGNORED. The context is the repository root, which holds
 * the state folder, so this is enforced here rather than left to each Dockerfile's author.
 */
export function dockerignoreFor(image: AppImage): string {
  const sources = [join(REPO_ROOT, ".dockerignore"), join(REPO_ROOT, `${image.dockerfile}.dockerignore`)];
  const lines = sources
    .filter((path) => existsSync(path))
    .flatMap((path) => readFileSync(path, "utf8").split("\n"));
  return `${[...lines.filter((line) => line.trim() !== ""), ...ALWAYS_IGNORED].join("\n")}\n`;
}

async function buildImage(image: AppImage, nodeImage: string): Promise<string> {
  const scratch = mkdtempSync(join(tmpdir(), "otel-e2r-build-"));
  const iidFile = join(scratch, "iid");
  // BuildKit reads `<Dockerfile>.dockerignore` beside the Dockerfile given by --file, before the
  // context's own .dockerignore: a copy of the Dockerfile in a scratch folder carries the merged rules.
  const dockerfile = join(scratch, "Dockerfile");
  if (!existsSync(join(REPO_ROOT, image.dockerfile)))
    throw new Error(`${image.dockerfile} does not exist; the ${image.app} image cannot be built`);
  copyFileSync(join(REPO_ROOT, image.dockerfile), dockerfile);
  writeFileSync(`${dockerfile}.dockerignore`, dockerignoreFor(image));
  try {
    await run(
      "docker",
      [
        "build",
        "--file",
        dockerfile,
        "--build-arg",
        `NODE_IMAGE=${nodeImage}`,
        "--iidfile",
        iidFile,
        REPO_ROOT,
      ],
      { cwd: REPO_ROOT },
    );
    return readFileSync(iidFile, "utf8").trim();
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** Builds, tags and loads every app image; returns repository → full reference (`repo:tag`). */
export async function buildAndLoadImages(
  nodeImage: string,
  note: (line: string) => void,
): Promise<ImageRefs> {
  const refs = new Map<string, string>();
  for (const image of appImages) {
    const id = await buildImage(image, nodeImage);
    const ref = `${image.repository}:${tagForImageId(id)}`;
    await run("docker", ["tag", id, ref]);
    await run("kind", ["load", "docker-image", ref, "--name", clusters[image.cluster].name]);
    note(`${ref} → ${clusters[image.cluster].name}`);
    refs.set(image.repository, ref);
  }
  return refs;
}
