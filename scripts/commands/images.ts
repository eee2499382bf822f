// `make images` and `make images-save`: the pinned images on this machine, for users with a registry.
//   pull   docker pull every image versions.env names (what `make up` would pull), so a workshop starts
//          with nothing left to download; `make up` then only loads them into the clusters
//   save   one `docker save` archive of those images, for machines without internet:
//          `IMAGES_ARCHIVE=<file> make up` loads it first (default file: .cache/otel-e2r-images.tar)
import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { overrides, pinnedImages, resolve } from "../lib/pinned.ts";
import { REPO_ROOT } from "../lib/topology.ts";
import { parseFlags, runMain } from "../cli/command.ts";
import { ensureHostImages } from "../clusters/images.ts";
import { say } from "../cli/ui.ts";
import { run } from "../lib/exec.ts";
import { Failure, exitCodes } from "../lib/exit-codes.ts";

export const DEFAULT_ARCHIVE = join(REPO_ROOT, ".cache", "otel-e2r-images.tar");

const command = {
  name: "images",
  summary:
    "pull: every pinned image onto this machine. save: those images into one archive (IMAGES_ARCHIVE).",
  options: {},
  help: {},
  allowPositionals: true,
} as const;

async function save(archive: string): Promise<void> {
  await ensureHostImages((line) => say(`  ${line}`));
  const refs = pinnedImages().map((image) => resolve(image.ref));
  mkdirSync(dirname(archive), { recursive: true });
  await run("docker", ["save", "--output", archive, ...refs]);
  say(`saved ${refs.length} images to ${archive}; on the offline machine: IMAGES_ARCHIVE=${archive} make up`);
  if (overrides().size > 0)
    say("the archive holds the PIN_OVERRIDES stand-ins: give that machine the same PIN_OVERRIDES file");
}

if (import.meta.main)
  runMain(async () => {
    const { positionals } = parseFlags(command, process.argv.slice(2));
    try {
      overrides();
    } catch (error) {
      throw new Failure((error as Error).message, exitCodes.usage);
    }
    const [action] = positionals;
    if (action === "pull") say(await ensureHostImages((line) => say(`  ${line}`)));
    else if (action === "save") await save(process.env.IMAGES_ARCHIVE || DEFAULT_ARCHIVE);
    else throw new Failure(`expected "pull" or "save", got ${JSON.stringify(action ?? "")}`, exitCodes.usage);
  });
