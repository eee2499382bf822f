// The images built on this machine where no registry answers (`make up` decides; `make images-offline`
// asks for it): first the Go tools, each with a progress line and an estimate, then the images from them
// (hack/images/offline.sh), whose lines are passed through with a heartbeat. It checks what it needs first
// (Linux, root, Go, disk) and installs Debian's debootstrap and jq where it may. Its result is an overrides
// file, reused as long as the pins and the image recipes are unchanged and every image in it is present.
import { createHash } from "node:crypto";
import { existsSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { execa } from "execa";
import { about, duration, startProgress } from "../cli/progress.ts";
import { CACHE_DIR } from "../lib/cache.ts";
import { Failure, exitCodes } from "../lib/exit-codes.ts";
import { parseOverrides } from "../lib/pinned.ts";
import { REPO_ROOT } from "../lib/topology.ts";
import { VERSIONS_FILE } from "../lib/versions.ts";
import { ensureTools, isCached, recordTiming } from "../gobuild/build.ts";
import { estimateSeconds, imagesEstimateSeconds } from "../gobuild/costs.ts";
import { MIN_GO_VERSION, goProblem } from "../gobuild/go.ts";
import { recipes, type GoTool } from "../gobuild/recipes/index.ts";
import { ensurePackages, type Needs } from "../provision/apt.ts";
import { host } from "../provision/host.ts";
import { diskProblems, type DiskProblem } from "./disk.ts";
import { absent } from "./present.ts";

const IMAGES_DIR = join(REPO_ROOT, "hack", "images");

/** What debootstrap checks the plain-http mirror's Release signature against (hack/images/rootfs.sh). */
const DEBIAN_KEYRING = "/usr/share/keyrings/debian-archive-keyring.gpg";

/** What making the root filesystems needs from Debian: the tool and the keyring it verifies with. */
export const ROOTFS_PACKAGES: Needs = Object.freeze({
  debootstrap: "debootstrap",
  [DEBIAN_KEYRING]: "debian-archive-keyring",
});

/** The scripts' environment: this process's, plus the keyring they must verify with. */
const scriptEnv = () => ({ ...process.env, DEBIAN_KEYRING });

export const OFFLINE_OVERRIDES = join(CACHE_DIR, "images", "offline.env");
const KEY_FILE = `${OFFLINE_OVERRIDES}.key`;

/** The Go tools whose binaries the offline images carry. */
export const OFFLINE_TOOLS: readonly GoTool[] = [
  "kubernetes",
  "etcd",
  "coredns",
  "containerd",
  "crictl",
  "local-path-provisioner",
  "pause",
  "otelcol",
  "jaeger",
  "traefik",
  "prometheus",
];

/**
 * What the offline images are made from: the pins, the image recipes and each Go tool's own key (a
 * component added to the collector's builder manifest changes its key, not a pin: without it the old
 * collector image was reused, and the new config failed in it).
 */
export async function offlineKey(): Promise<string> {
  const hash = createHash("sha256").update(readFileSync(VERSIONS_FILE));
  for (const tool of OFFLINE_TOOLS) hash.update(`${tool}=${await recipes[tool].key()}`);
  for (const entry of readdirSync(IMAGES_DIR, { recursive: true, withFileTypes: true }).sort((a, b) =>
    join(a.parentPath, a.name).localeCompare(join(b.parentPath, b.name)),
  ))
    if (entry.isFile()) hash.update(entry.name).update(readFileSync(join(entry.parentPath, entry.name)));
  return hash.digest("hex").slice(0, 16);
}

/** The overrides file of an earlier offline build that still fits (same key, every image present). */
export async function reusableOfflineBuild(): Promise<string | undefined> {
  if (!existsSync(OFFLINE_OVERRIDES) || !existsSync(KEY_FILE)) return undefined;
  const key = await offlineKey().catch(() => undefined);
  if (key === undefined || readFileSync(KEY_FILE, "utf8").trim() !== key) return undefined;
  let stand_ins: string[];
  try {
    stand_ins = [...parseOverrides(readFileSync(OFFLINE_OVERRIDES, "utf8"), OFFLINE_OVERRIDES).values()];
  } catch {
    return undefined;
  }
  if ((await absent(stand_ins)).length > 0) return undefined;
  return OFFLINE_OVERRIDES;
}

export interface OfflinePlan {
  readonly tools: readonly GoTool[];
  readonly seconds: number;
}

/** What an offline build would do here, and how long it would take (from the measured costs). */
export async function planOfflineBuild(): Promise<OfflinePlan> {
  const tools: GoTool[] = [];
  // A key that cannot be computed (no Go to read kubeadm's constants) means that tool is not cached.
  for (const tool of OFFLINE_TOOLS) if (!(await isCached(tool).catch(() => false))) tools.push(tool);
  return { tools, seconds: estimateSeconds(tools) + imagesEstimateSeconds() };
}

export function describeOfflinePlan(plan: OfflinePlan): string {
  const what =
    plan.tools.length > 0
      ? `${plan.tools.length} Go tool${plan.tools.length === 1 ? "" : "s"} from the Go module proxy, then the images`
      : "the images from the Go tools already built";
  return `${what}, ${about(plan.seconds)} on this machine`;
}

export type OfflineProblem = DiskProblem;

/**
 * What stands in the way of the build (Linux, root, Go, disk), every problem at once. `dockerRoot` is where
 * the images will go: the answering engine's data root, or the project's engine's (not started yet).
 */
export async function offlineProblems(plan: OfflinePlan, dockerRoot?: string): Promise<OfflineProblem[]> {
  const problems: OfflineProblem[] = [];
  const facts = host();
  if (facts.platform !== "linux")
    problems.push({
      code: exitCodes.stepFailed,
      message:
        "building the images from source needs Linux (debootstrap, chroot); here, give Docker a registry to pull from, or bring an archive (make images-save elsewhere, IMAGES_ARCHIVE=… make up here)",
    });
  if (!facts.root)
    problems.push({
      code: exitCodes.needsRoot,
      message: "building the images from source needs root (debootstrap): run `sudo make up`",
    });
  if (plan.tools.length > 0) {
    const go = await goProblem();
    if (go !== undefined)
      problems.push({
        code: go.code,
        message: `${go.text}, and building the images from source needs it for ${plan.tools.length} Go tools: install Go ${MIN_GO_VERSION} or newer (https://go.dev/dl/)`,
      });
  }
  problems.push(...(await diskProblems(plan.tools.length > 0, dockerRoot)));
  return problems;
}

/** Throws one Failure naming every problem, or returns when the build can start. */
export async function checkOfflinePrerequisites(plan: OfflinePlan): Promise<void> {
  const problems = await offlineProblems(plan);
  if (problems.length === 0) return;
  problems.sort((a, b) => a.code - b.code);
  throw new Failure(
    `the images must be built here (no registry answers), but:\n${problems.map((p) => `  - ${p.message}`).join("\n")}`,
    problems[0]!.code,
  );
}

/**
 * The Debian root filesystems the images start from, as tarballs in the cache (`offline.sh rootfs`): no
 * engine and no Go tool needed, and debootstrap mostly waits on the mirror, so it runs beside the Go
 * builds. Quiet unless it fails; returns its seconds.
 */
export async function prepareRootFilesystems(): Promise<number> {
  const started = performance.now();
  const result = await execa(join(IMAGES_DIR, "offline.sh"), ["rootfs"], {
    env: scriptEnv(),
    reject: false,
    stdin: "ignore",
    all: true,
  });
  if (result.exitCode !== 0)
    throw new Failure(
      `hack/images/offline.sh rootfs failed (exit ${result.exitCode ?? "signal"}):\n${String(result.all).split("\n").slice(-30).join("\n").replace(/^/gm, "    ")}`,
      exitCodes.stepFailed,
    );
  return (performance.now() - started) / 1000;
}

/** Builds the Go tools and the images; returns the overrides file. */
export async function buildOfflineImages(
  plan: OfflinePlan,
  note: (line: string) => void,
  stream: NodeJS.WriteStream = process.stdout,
): Promise<string> {
  await checkOfflinePrerequisites(plan);
  await ensurePackages({ ...ROOTFS_PACKAGES, jq: "jq" }, "the offline images", note);
  const started = performance.now();
  if (plan.tools.length > 0) {
    note(`Go tools: ${plan.tools.join(", ")} (${about(estimateSeconds(plan.tools))})`);
    note("the Debian root filesystems (debootstrap) are made beside them");
    const rootfs = prepareRootFilesystems();
    // Both settle before either failure is reported, so that nothing still runs behind the message.
    const [tools, filesystems] = await Promise.allSettled([ensureTools(plan.tools, stream), rootfs]);
    if (tools.status === "rejected") throw tools.reason;
    if (filesystems.status === "rejected") throw filesystems.reason;
    note(`root filesystems ready (${duration(filesystems.value)}, beside the Go builds)`);
  }
  const imagesStarted = performance.now();
  const progress = startProgress("images: hack/images/offline.sh", {
    estimateSeconds: imagesEstimateSeconds(),
    stream,
  });
  const child = execa(join(IMAGES_DIR, "offline.sh"), [], {
    env: scriptEnv(),
    reject: false,
    stdin: "ignore",
    lines: false,
  });
  let tail = "";
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
    tail = (tail + chunk).split("\n").slice(-40).join("\n");
    for (const line of chunk.split("\n")) {
      const step = /^\[images\] (\[\d+\/\d+\] .*)$/.exec(line)?.[1];
      if (step) progress.detail(step);
    }
  });
  const result = await child;
  if (result.exitCode !== 0) {
    progress.end("✗ the offline images failed");
    throw new Failure(
      `hack/images/offline.sh failed (exit ${result.exitCode ?? "signal"}):\n${tail.replace(/^/gm, "    ")}`,
      exitCodes.stepFailed,
    );
  }
  progress.end(`offline images ready`);
  writeFileSync(KEY_FILE, `${await offlineKey()}\n`);
  recordTiming("images", (performance.now() - imagesStarted) / 1000);
  note(`offline images built in ${duration((performance.now() - started) / 1000)}`);
  return String(result.stdout).trim().split("\n").at(-1) ?? OFFLINE_OVERRIDES;
}
