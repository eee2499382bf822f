// The pinned images on this machine, from wherever they can come: an explicit IMAGES_ARCHIVE or
// PIN_OVERRIDES first; then what is already here (the pinned images, or an earlier offline build that still
// fits); then a registry (`docker pull`); and where none answers, a build from source on this machine
// (offline-build.ts). Whatever was chosen becomes the overrides in effect for the rest of the run.
import { mkdirSync, writeFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { join } from "node:path";
import { CACHE_DIR } from "../lib/cache.ts";
import { run } from "../lib/exec.ts";
import { Failure, exitCodes } from "../lib/exit-codes.ts";
import { overrides, overridesFile, pinnedImages, resolve, useOverridesFile } from "../lib/pinned.ts";
import { readEntries } from "./archive.ts";
import { absent } from "./present.ts";
import { archiveEntry, keepArchivedCrds } from "../provision/gateway-api-crds.ts";
import {
  buildOfflineImages,
  describeOfflinePlan,
  offlineProblems,
  planOfflineBuild,
  reusableOfflineBuild,
  type OfflineProblem,
} from "./offline.ts";

/** Where an archive written by make images-save keeps which stand-in each pin was saved as. */
export const ARCHIVE_PINS_ENTRY = "otel-e2r/pins.env";

/** Pinned images (as the overrides in effect name them) that this machine's engine lacks. */
export async function missingImages(): Promise<string[]> {
  return absent(pinnedImages().map((image) => resolve(image.ref)));
}

/** A registry that does not answer, as `docker pull` reports it (DNS, TCP, TLS), as opposed to a bad pin. */
export function isUnreachable(stderr: string): boolean {
  return /no such host|dial tcp|i\/o timeout|connection refused|TLS handshake|x509|network is unreachable|Client\.Timeout|proxyconnect/i.test(
    stderr,
  );
}

/** The registry most pinned images come from; OTEL_E2R_REGISTRY_URL names a mirror (or the tests' loopback). */
const registryUrl = () => process.env.OTEL_E2R_REGISTRY_URL ?? "https://registry-1.docker.io/v2/";

/** Why the default registry cannot be reached from this host, or undefined when it answers. */
export async function registryUnreachable(): Promise<string | undefined> {
  try {
    await fetch(registryUrl(), { method: "HEAD", signal: AbortSignal.timeout(5000) });
    return undefined;
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    return `${new URL(registryUrl()).host}: ${cause ?? (error as Error).message}`;
  }
}

export interface ImagesForecast {
  readonly line: string;
  /** Set when the images will be built here: the expected seconds, and what stands in the way. */
  readonly buildSeconds?: number;
  readonly problems?: readonly OfflineProblem[];
}

/**
 * What the images step will do, for preflight, before the engine may even run (`engineAnswers` false: the
 * project's engine will be started, with its data in the project's cache).
 */
export async function forecastImages(
  archive: string | undefined,
  engineAnswers: boolean,
): Promise<ImagesForecast> {
  if (archive) return { line: `from IMAGES_ARCHIVE ${archive}` };
  if (overridesFile() !== undefined) return { line: `as PIN_OVERRIDES names them (${overridesFile()})` };
  if (engineAnswers && (await missingImages()).length === 0)
    return { line: "every pinned image is on this machine" };
  if (engineAnswers && (await reusableOfflineBuild()) !== undefined)
    return { line: "the images built here earlier from source" };
  const offline = await registryUnreachable();
  if (offline === undefined) return { line: "pulling the pinned images from their registry" };
  const plan = await planOfflineBuild();
  return {
    line: `no registry reachable (${offline}): building them from source: ${describeOfflinePlan(plan)}`,
    buildSeconds: plan.seconds,
    problems: await offlineProblems(plan, engineAnswers ? undefined : join(CACHE_DIR, "docker-engine")),
  };
}

/** Loads an archive written by make images-save: its images, its stand-in names, its Gateway API CRDs. */
async function loadArchive(file: string, note: (line: string) => void): Promise<void> {
  const extras = await readEntries(file, [ARCHIVE_PINS_ENTRY, archiveEntry()]);
  await run("docker", ["load", "--input", file]);
  note(`loaded ${file}`);
  const crds = extras.get(archiveEntry());
  if (crds !== undefined) keepArchivedCrds(crds);
  const pins = extras.get(ARCHIVE_PINS_ENTRY)?.trim() ?? "";
  if (pins !== "") {
    const kept = join(
      CACHE_DIR,
      "images",
      `archive-${createHash("sha256").update(pins).digest("hex").slice(0, 12)}.env`,
    );
    mkdirSync(join(CACHE_DIR, "images"), { recursive: true });
    writeFileSync(kept, `# The stand-ins of ${file} (make images-save)\n${pins}\n`);
    useOverridesFile(kept);
  }
}

/**
 * Without PIN_OVERRIDES, and where the pinned images are not on this machine, the images built here from
 * source earlier stand in, as `make up` chose them (and `make manifests` must render the same).
 */
export async function useEarlierOfflineBuild(): Promise<boolean> {
  if ((process.env.PIN_OVERRIDES ?? "") !== "" || (await missingImages()).length === 0) return false;
  const reuse = await reusableOfflineBuild();
  if (reuse === undefined) return false;
  useOverridesFile(reuse);
  return true;
}

export interface EnsureImagesOptions {
  readonly archive?: string;
  /** Build from source where no registry answers (make up); false: say so instead (make images). */
  readonly buildOffline: boolean;
}

/** Every pinned image present on this machine; returns a one-line summary. */
export async function ensurePinnedImages(
  options: EnsureImagesOptions,
  note: (line: string) => void,
): Promise<string> {
  if (options.archive) await loadArchive(options.archive, note);
  if (!options.archive && (await useEarlierOfflineBuild()))
    note("using the images built here from source earlier (no registry answered then)");
  let missing = await missingImages();
  const subs = overrides();
  const standIn = missing.find((ref) => [...subs.values()].includes(ref));
  if (standIn !== undefined)
    throw new Failure(
      options.archive
        ? `${standIn} is not in ${options.archive}; write the archive again with \`make images-save\``
        : `${standIn} (a stand-in named by ${overridesFile()}) is not on this machine; \`make images-offline\` builds it`,
      exitCodes.notReady,
    );
  let pulled = 0;
  for (const ref of missing) {
    note(`pulling ${ref}`);
    const pull = await run("docker", ["pull", ref], { allowFailure: true });
    if (pull.exitCode === 0) {
      pulled += 1;
      continue;
    }
    if (!isUnreachable(pull.stderr) || pulled > 0)
      throw new Failure(
        `docker pull ${ref} failed:\n${pull.stderr.trim().replace(/^/gm, "    ")}`,
        exitCodes.stepFailed,
      );
    if (!options.buildOffline)
      throw new Failure(
        `no registry answers (${pull.stderr.trim().split("\n").at(-1)}); \`make up\` builds the images from source here, or \`make images-offline\` alone`,
        exitCodes.notReady,
      );
    const plan = await planOfflineBuild();
    note(`no registry answers: building the images from source, ${describeOfflinePlan(plan)}`);
    useOverridesFile(await buildOfflineImages(plan, note));
    missing = await missingImages();
    if (missing.length > 0)
      throw new Failure(`the offline build left ${missing.join(", ")} missing`, exitCodes.stepFailed);
    return `${pinnedImages().length} images present (built here from source)`;
  }
  const source = overrides().size > 0 ? `, ${overrides().size} stand-ins from ${overridesFile()}` : "";
  return `${pinnedImages().length} images present (${pulled} pulled${source})`;
}
