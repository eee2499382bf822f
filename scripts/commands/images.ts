// `make images`, `make images-save` and `make images-offline`: the pinned images on this machine, ahead of
// `make up`.
//   pull     docker pull every pinned image (what make up would pull), so a workshop starts with nothing
//            left to download; make up then only loads them into the clusters
//   save     one archive of those images for machines without any network, one platform per image (the
//            engine's, or PLATFORM=os/arch), with the Gateway API CRDs and the stand-ins' names inside:
//            `IMAGES_ARCHIVE=<file> make up` needs nothing else (default file: .cache/otel-e2r-images.tar)
//   offline  build every image from source, as make up does where no registry answers; prints the
//            overrides file (PIN_OVERRIDES) it wrote
import { mkdirSync, mkdtempSync, renameSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { overrides, pinnedImages, resolve } from "../lib/pinned.ts";
import { REPO_ROOT } from "../lib/topology.ts";
import { parseFlags, runMain } from "../cli/command.ts";
import { say } from "../cli/ui.ts";
import { run } from "../lib/exec.ts";
import { Failure, exitCodes } from "../lib/exit-codes.ts";
import { enginePlatform } from "../images/apps.ts";
import { parsePlatform, singlePlatformArchive, type Platform } from "../images/archive.ts";
import { buildOfflineImages, planOfflineBuild } from "../images/offline.ts";
import { ARCHIVE_PINS_ENTRY, ensurePinnedImages } from "../images/sources.ts";
import { archiveEntry, ensureGatewayApiCrds, readCrds } from "../provision/gateway-api-crds.ts";

export const DEFAULT_ARCHIVE = join(REPO_ROOT, ".cache", "otel-e2r-images.tar");

const command = {
  name: "images",
  summary:
    "pull: every pinned image onto this machine. save: those images into one archive (IMAGES_ARCHIVE, PLATFORM). offline: build them from source.",
  options: { archive: { type: "string" }, platform: { type: "string" } },
  help: {
    archive: "save: the archive to write (make's IMAGES_ARCHIVE; default .cache/otel-e2r-images.tar)",
    platform: "save: the platform of every image, os/arch (make's PLATFORM; default the engine's)",
  },
  allowPositionals: true,
} as const;

/** PLATFORM=os/arch[/variant], checked before anything runs. */
function platformFrom(text: string | undefined): Platform | undefined {
  if (text === undefined || text === "") return undefined;
  if (!/^[a-z0-9]+\/[a-z0-9_]+(\/[a-z0-9]+)?$/.test(text))
    throw new Failure(
      `PLATFORM is ${JSON.stringify(text)}; expected os/arch such as linux/arm64 or linux/amd64`,
      exitCodes.usage,
    );
  return parsePlatform(text);
}

async function save(archive: string, wanted: Platform | undefined): Promise<void> {
  await ensurePinnedImages({ buildOffline: false }, (line) => say(`  ${line}`));
  const platform = wanted ?? (await enginePlatform());
  const refs = pinnedImages().map((image) => resolve(image.ref));
  if (wanted !== undefined)
    for (const ref of refs.filter((r) => !overrides().has(r) && ![...overrides().values()].includes(r)))
      await run("docker", ["pull", "--platform", `${wanted.os}/${wanted.architecture}`, ref]);
  const pins = pinnedImages()
    .filter((image) => resolve(image.ref) !== image.ref)
    .map((image) => `${image.ref}=${resolve(image.ref)}`);
  await ensureGatewayApiCrds();
  mkdirSync(dirname(archive), { recursive: true });
  const scratch = mkdtempSync(join(tmpdir(), "otel-e2r-save-"));
  try {
    await run("docker", ["save", "--output", join(scratch, "images.tar"), ...refs]);
    await singlePlatformArchive(join(scratch, "images.tar"), `${archive}.partial`, platform, {
      extra: { [archiveEntry()]: readCrds(), [ARCHIVE_PINS_ENTRY]: `${pins.join("\n")}\n` },
    });
    renameSync(`${archive}.partial`, archive);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
    rmSync(`${archive}.partial`, { force: true });
  }
  say(
    `saved ${refs.length} images (${platform.os}/${platform.architecture}) and the Gateway API CRDs to ${archive}; on the offline machine: IMAGES_ARCHIVE=${archive} make up`,
  );
}

if (import.meta.main)
  runMain(async () => {
    const { positionals, values } = parseFlags(command, process.argv.slice(2));
    const platform = platformFrom(values.platform);
    try {
      overrides();
    } catch (error) {
      throw new Failure((error as Error).message, exitCodes.usage);
    }
    const [action, ...extra] = positionals;
    // An unquoted path with a space would arrive as two words: say so rather than use the first.
    if (extra.length > 0)
      throw new Failure(
        `unexpected ${extra.map((word) => JSON.stringify(word)).join(", ")} after "${action}"; quote a path with spaces`,
        exitCodes.usage,
      );
    if (action === "pull") say(await ensurePinnedImages({ buildOffline: false }, (line) => say(`  ${line}`)));
    else if (action === "save") await save(values.archive || DEFAULT_ARCHIVE, platform);
    else if (action === "offline") {
      // Only the overrides file goes to stdout (`PIN_OVERRIDES=$(make images-offline)`); progress to stderr.
      const file = await buildOfflineImages(
        await planOfflineBuild(),
        (line) => process.stderr.write(`      ${line}\n`),
        process.stderr,
      );
      say(file);
    } else
      throw new Failure(
        `expected "pull", "save" or "offline", got ${JSON.stringify(action ?? "")}`,
        exitCodes.usage,
      );
  });
