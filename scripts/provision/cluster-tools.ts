// kind and kubectl at the pins. The user's own are used when they are at least the pinned versions; else the
// project's copies in its cache (never in /usr/local/bin, never over the user's): the official release
// binary where its host answers (checksum verified), else a build from Go modules where Go ≥ 1.26 is
// installed, else one message naming both ways. Every command that calls kind or kubectl puts the chosen
// copies first on its PATH (useClusterTools), so its children find them too.
import { accessSync, constants, existsSync, mkdirSync, readlinkSync, rmSync, symlinkSync } from "node:fs";
import { delimiter, join } from "node:path";
import { execa } from "execa";
import { CACHE_DIR } from "../lib/cache.ts";
import { Failure, exitCodes, type ExitCode } from "../lib/exit-codes.ts";
import { kubernetesVersionOf, versions } from "../lib/versions.ts";
import { clusters } from "../lib/topology.ts";
import { isCached, toolDir, toolPath } from "../gobuild/build.ts";
import { MIN_GO_VERSION, goProblem } from "../gobuild/go.ts";
import {
  downloadVerified,
  kindRelease,
  kubectlRelease,
  releasePlatform,
  unreachable,
  type Release,
} from "./download.ts";

export type ClusterTool = "kind" | "kubectl";
export const CLUSTER_TOOLS: readonly ClusterTool[] = ["kind", "kubectl"];

/** "kind v0.33.0 go1.26 linux/amd64", "v1.37.0" → [0, 33, 0]. */
export function parseVersion(text: string): [number, number, number] | undefined {
  const match = /v?(\d+)\.(\d+)(?:\.(\d+))?/.exec(text);
  return match ? [Number(match[1]), Number(match[2]), Number(match[3] ?? 0)] : undefined;
}

export function isAtLeast(actual: readonly number[], minimum: readonly number[]): boolean {
  for (let i = 0; i < 3; i++)
    if ((actual[i] ?? 0) !== (minimum[i] ?? 0)) return (actual[i] ?? 0) > (minimum[i] ?? 0);
  return true;
}

interface Spec {
  readonly minimum: () => string;
  readonly release: () => Release | undefined;
  /** The Go tool whose build provides it, and that tool's binary. */
  readonly built: { readonly tool: "kind" | "kubectl"; readonly binary: string };
  readonly codes: { readonly missing: ExitCode; readonly tooOld: ExitCode };
  readonly install: string;
}

const platform = releasePlatform();
const SPECS: Readonly<Record<ClusterTool, Spec>> = {
  kind: {
    minimum: () => versions().KIND_VERSION,
    release: () => (platform ? kindRelease(versions().KIND_VERSION, platform) : undefined),
    built: { tool: "kind", binary: "kind" },
    codes: { missing: exitCodes.kindMissing, tooOld: exitCodes.kindTooOld },
    install: "https://kind.sigs.k8s.io/docs/user/quick-start/#installation",
  },
  kubectl: {
    minimum: () => versions().KUBECTL_MIN_VERSION,
    // The release of the clusters' own Kubernetes.
    release: () =>
      platform ? kubectlRelease(kubernetesVersionOf(versions().KIND_NODE_IMAGE), platform) : undefined,
    built: { tool: "kubectl", binary: "kubectl" },
    codes: { missing: exitCodes.kubectlMissing, tooOld: exitCodes.kubectlTooOld },
    install: "https://kubernetes.io/docs/tasks/tools/#kubectl",
  },
};

const LINKS = join(CACHE_DIR, "bin");
const downloaded = (tool: ClusterTool) => join(CACHE_DIR, "downloads", tool, SPECS[tool].minimum(), tool);

/** The first `tool` on PATH that is not one of the project's links. */
function onUsersPath(tool: ClusterTool): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    if (dir === "" || dir.startsWith(LINKS)) continue;
    try {
      accessSync(join(dir, tool), constants.X_OK);
      return join(dir, tool);
    } catch {
      // not here
    }
  }
  return undefined;
}

export async function versionOf(tool: ClusterTool, path: string): Promise<string | undefined> {
  // --context like every kubectl call; a client-only call does not need the context to exist.
  const args =
    tool === "kind"
      ? ["version"]
      : ["--context", clusters.edge.context, "version", "--client", "--output=json"];
  const result = await execa(path, args, { reject: false });
  let text = String(result.stdout);
  if (tool === "kubectl")
    try {
      text =
        (JSON.parse(text) as { clientVersion?: { gitVersion?: string } }).clientVersion?.gitVersion ?? "";
    } catch {
      text = "";
    }
  return parseVersion(text)?.join(".");
}

export type ToolPlan = Readonly<
  | { tool: ClusterTool; action: "user"; path: string; version: string }
  | { tool: ClusterTool; action: "cached"; path: string; version: string }
  | { tool: ClusterTool; action: "download"; release: Release; why: string }
  | { tool: ClusterTool; action: "build"; why: string }
>;

/** What the user has, in words ("kubectl 1.32.4 on PATH is older than 1.35.0"), or undefined when it will do. */
async function usersProblem(
  tool: ClusterTool,
): Promise<{ path?: string; version?: string; problem?: string }> {
  const path = onUsersPath(tool);
  if (path === undefined) return { problem: `${tool} is not on PATH` };
  const version = await versionOf(tool, path);
  if (version === undefined) return { path, problem: `could not read the version of ${path}` };
  if (!isAtLeast(parseVersion(version)!, parseVersion(SPECS[tool].minimum())!))
    return { path, version, problem: `${tool} ${version} on PATH is older than ${SPECS[tool].minimum()}` };
  return { path, version };
}

/** The project's own copy in its cache, if there is one. */
async function cachedCopy(tool: ClusterTool): Promise<string | undefined> {
  if (existsSync(downloaded(tool))) return downloaded(tool);
  const built = SPECS[tool].built;
  if (await isCached(built.tool)) return join(await toolDir(built.tool), built.binary);
  // A kubectl built with the rest of Kubernetes (the offline node image) will do as well.
  if (tool === "kubectl" && (await isCached("kubernetes")))
    return join(await toolDir("kubernetes"), "kubectl");
  return undefined;
}

/** How one of kind and kubectl will be had; a Failure when neither a download nor a build can work. */
export async function planClusterTool(tool: ClusterTool): Promise<ToolPlan> {
  const mine = await usersProblem(tool);
  if (mine.problem === undefined) return { tool, action: "user", path: mine.path!, version: mine.version! };
  const cached = await cachedCopy(tool);
  if (cached !== undefined)
    return { tool, action: "cached", path: cached, version: (await versionOf(tool, cached)) ?? "?" };
  const release = SPECS[tool].release();
  const offline = release ? await unreachable(release) : `no release for ${process.platform}/${process.arch}`;
  if (release && offline === undefined) return { tool, action: "download", release, why: mine.problem };
  const go = await goProblem();
  if (go !== undefined)
    throw new Failure(
      `${mine.problem}, and the project cannot get its own: the release download is unreachable (${offline}), and ${go.text} to build it from modules. Either install ${tool} ${SPECS[tool].minimum()} or newer yourself (${SPECS[tool].install}), or give this machine internet access, or install Go ${MIN_GO_VERSION} or newer (https://go.dev/dl/).`,
      go.code === exitCodes.goTooOld
        ? go.code
        : mine.path === undefined
          ? SPECS[tool].codes.missing
          : SPECS[tool].codes.tooOld,
    );
  return { tool, action: "build", why: `${mine.problem}; ${offline}` };
}

export function describeToolPlan(plan: ToolPlan): string {
  switch (plan.action) {
    case "user":
      return `${plan.tool} ${plan.version} (${plan.path})`;
    case "cached":
      return `${plan.tool} ${plan.version} (the project's copy: ${plan.path})`;
    case "download":
      return `${plan.tool}: ${plan.why}: downloading ${plan.release.name}`;
    case "build":
      return `${plan.tool}: ${plan.why}: building it from Go modules`;
  }
}

/** Puts one binary first on this process's PATH (a link in <cache>/bin/<tool>/), for it and its children. */
function useCopy(tool: ClusterTool, path: string): void {
  const dir = join(LINKS, tool);
  const link = join(dir, tool);
  mkdirSync(dir, { recursive: true });
  let current: string | undefined;
  try {
    current = readlinkSync(link);
  } catch {
    current = undefined;
  }
  if (current !== path) {
    rmSync(link, { force: true });
    symlinkSync(path, link);
  }
  const rest = (process.env.PATH ?? "").split(delimiter).filter((entry) => entry !== dir);
  process.env.PATH = [dir, ...rest].join(delimiter);
}

/** Carries out the plans (download or build where needed); returns one line per tool. */
export async function provisionClusterTools(
  plans: readonly ToolPlan[],
  note: (line: string) => void,
): Promise<string> {
  const done: string[] = [];
  for (const plan of plans) {
    let path: string;
    if (plan.action === "user") {
      done.push(`${plan.tool} ${plan.version}`);
      continue;
    }
    if (plan.action === "cached") path = plan.path;
    else if (plan.action === "download") {
      note(`${plan.why}: downloading ${plan.release.name} (${plan.release.url})`);
      await downloadVerified(plan.release, downloaded(plan.tool));
      note(`${plan.release.name}: checksum verified`);
      path = downloaded(plan.tool);
    } else {
      note(`${plan.why}: building ${plan.tool} from Go modules`);
      path = await toolPath(SPECS[plan.tool].built.tool, { binary: SPECS[plan.tool].built.binary });
    }
    useCopy(plan.tool, path);
    done.push(`${plan.tool} ${(await versionOf(plan.tool, path)) ?? "?"} (the project's copy)`);
  }
  return done.join(", ");
}

/** For the commands after `make up`: the project's copies first on PATH wherever the user's will not do. */
export async function useClusterTools(): Promise<void> {
  for (const tool of CLUSTER_TOOLS) {
    if ((await usersProblem(tool)).problem === undefined) continue;
    const cached = await cachedCopy(tool);
    if (cached !== undefined) useCopy(tool, cached);
  }
}
