// Builds the Go tools into a cache outside the repository, keyed by their pins:
//   <cache>/go-bin/<tool>/<key>/<binaries>
// A build runs in a temporary folder that is renamed into place only when it succeeded, so a folder that
// exists is a complete build. A lock per tool lets parallel callers (make targets, test workers) wait for
// one build. An interrupted build (Ctrl-C) leaves no partial folder and no lock; Go's own build cache keeps
// what was compiled, so a re-run continues where it stopped.
import { appendFileSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync } from "node:fs";
import { cpus, hostname } from "node:os";
import { join } from "node:path";
import lockfile from "proper-lockfile";
import { startProgress, duration, type Progress } from "../cli/progress.ts";
import { CACHE_DIR } from "../lib/cache.ts";
import { Failure, exitCodes } from "../lib/exit-codes.ts";
import { lastLines } from "../lib/exec.ts";
import { GoCommandFailed, GoSession, requireGo } from "./go.ts";
import { estimateSeconds } from "./costs.ts";
import { recipes, type GoTool } from "./recipes/index.ts";
import { readFileSync } from "node:fs";

export const GO_BIN_CACHE = join(CACHE_DIR, "go-bin");
/** One JSON line per finished build: what `make docs` turns into the cost table (docs/results/). */
export const TIMINGS_FILE = join(GO_BIN_CACHE, "timings.jsonl");

export async function toolDir(tool: GoTool): Promise<string> {
  return join(GO_BIN_CACHE, tool, await recipes[tool].key());
}

const isBuilt = (tool: GoTool, dir: string) => recipes[tool].binaries.every((b) => existsSync(join(dir, b)));

/** Whether the tool is in the cache at its current key (no build, no lock). */
export async function isCached(tool: GoTool): Promise<boolean> {
  return isBuilt(tool, await toolDir(tool));
}

export interface EnsureOptions {
  /** "[3/8]" in the progress line. */
  position?: { index: number; total: number };
  /** Where progress goes (default stdout); null for none (the log's tail is still in any error). */
  stream?: NodeJS.WriteStream | null;
}

/** The tool's cache folder, building it first if needed. */
export async function ensureTool(tool: GoTool, options: EnsureOptions = {}): Promise<string> {
  const dir = await toolDir(tool);
  if (isBuilt(tool, dir)) return dir;
  await requireGo(tool);
  const folder = join(GO_BIN_CACHE, tool);
  mkdirSync(folder, { recursive: true });
  const release = await lockfile.lock(folder, {
    lockfilePath: join(folder, ".build.lock"),
    realpath: false,
    stale: 30_000,
    update: 10_000,
    retries: { retries: 24 * 3600, factor: 1, minTimeout: 1000, maxTimeout: 1000 },
  });
  try {
    if (!isBuilt(tool, dir)) await build(tool, dir, options);
  } finally {
    await release();
  }
  return dir;
}

async function build(tool: GoTool, dir: string, options: EnsureOptions): Promise<void> {
  removeAbandoned(join(GO_BIN_CACHE, tool));
  const tmp = `${dir}.tmp.${process.pid}`;
  const log = `${tmp}.log`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  const where = options.position ? `[${options.position.index}/${options.position.total}] ` : "";
  const progress: Progress | undefined =
    options.stream === null
      ? undefined
      : startProgress(`${where}building ${tool} (${await recipes[tool].key()})`, {
          estimateSeconds: estimateSeconds([tool]),
          stream: options.stream ?? process.stdout,
        });
  const onSignal = (signal: NodeJS.Signals) => {
    progress?.end(`interrupted: ${tool} not built (Go's build cache keeps the work done)`);
    rmSync(tmp, { recursive: true, force: true });
    rmSync(log, { force: true });
    process.exit(signal === "SIGINT" ? exitCodes.interrupted : 128 + 15);
  };
  process.once("SIGINT", onSignal).once("SIGTERM", onSignal);
  const started = performance.now();
  try {
    await recipes[tool].build(tmp, new GoSession(log, (line) => progress?.detail(line)));
    const missing = recipes[tool].binaries.filter((b) => !existsSync(join(tmp, b)));
    if (missing.length > 0) throw new GoCommandFailed(`the build left no ${missing.join(", ")}`);
  } catch (error) {
    progress?.end(`✗ building ${tool} failed`);
    const tail = existsSync(log) ? lastLines(readFileSync(log, "utf8"), 25) : "";
    rmSync(tmp, { recursive: true, force: true });
    if (error instanceof Failure) throw error;
    throw new Failure(
      `building ${tool} failed: ${(error as Error).message}\n${tail.replace(/^/gm, "    ")}`,
      exitCodes.stepFailed,
    );
  } finally {
    process.off("SIGINT", onSignal).off("SIGTERM", onSignal);
  }
  rmSync(join(tmp, "build"), { recursive: true, force: true });
  rmSync(dir, { recursive: true, force: true });
  renameSync(tmp, dir);
  rmSync(log, { force: true });
  const seconds = (performance.now() - started) / 1000;
  progress?.end(`built ${tool} in ${duration(seconds)}`);
  recordTiming(tool, seconds, { key: await recipes[tool].key() });
}

/** Appends one measured duration to the timings log (a Go tool, "images", "engine"); see costs.ts. */
export function recordTiming(
  what: string,
  seconds: number,
  extra: Record<string, string | boolean> = {},
): void {
  mkdirSync(GO_BIN_CACHE, { recursive: true });
  appendFileSync(
    TIMINGS_FILE,
    `${JSON.stringify({ tool: what, ...extra, seconds: Math.round(seconds), date: new Date().toISOString(), host: hostname(), cores: cpus().length })}\n`,
  );
}

/** Temporary folders of builds whose process is gone (killed without a chance to clean up). */
function removeAbandoned(folder: string): void {
  for (const name of readdirSync(folder)) {
    const pid = /\.tmp\.(\d+)(\.log)?$/.exec(name)?.[1];
    if (pid !== undefined && !alive(Number(pid)))
      rmSync(join(folder, name), { recursive: true, force: true });
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The path of one of the tool's binaries (default: the tool's own), building it first if needed. */
export async function toolPath(
  tool: GoTool,
  options: EnsureOptions & { binary?: string } = {},
): Promise<string> {
  return join(await ensureTool(tool, options), options.binary ?? recipes[tool].binaries[0]!);
}

/**
 * Builds every tool of the list that is not cached yet, numbering them; returns what it built. `parallel`
 * builds run at once: two keep both cores busy while one of them links (a single-threaded step of a minute
 * for the largest binaries), but their progress needs plain lines (not a terminal's live line).
 */
export async function ensureTools(
  tools: readonly GoTool[],
  stream?: NodeJS.WriteStream | null,
  parallel = 1,
): Promise<GoTool[]> {
  const missing: GoTool[] = [];
  for (const tool of tools) if (!(await isCached(tool))) missing.push(tool);
  const queue = [...missing.entries()];
  const worker = async () => {
    for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
      const [i, tool] = next;
      await ensureTool(tool, { position: { index: i + 1, total: missing.length }, stream });
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, parallel) }, worker));
  return missing;
}
