// Whether the offline build fits on this machine's disks. The needs are what a first build left behind on
// a measured machine (docs/results/cold-set-up.json); Go's caches count what they already hold, because a
// machine that built the tools once (or built other Go code) needs little more, and refusing it would send
// people to free space they do not need.
import { statSync } from "node:fs";
import { execa } from "execa";
import { CACHE_DIR } from "../lib/cache.ts";
import { exitCodes, type ExitCode } from "../lib/exit-codes.ts";
import { run } from "../lib/exec.ts";
import { coldSetUpResults } from "../gobuild/costs.ts";
import { GiB, existingParent, freeBytes } from "../provision/host.ts";

export interface DiskProblem {
  readonly code: ExitCode;
  readonly message: string;
}

/** A folder's share of a filesystem: what it must grow to, and what it holds now. */
export interface DiskNeed {
  readonly path: string;
  readonly grownBytes: number;
  readonly presentBytes: number;
}

/**
 * Bytes a folder takes on disk (du), 0 when it does not exist. du still prints its total when a file
 * vanished or could not be read under it (exit 1): a Go build running beside it removes temporary files,
 * and counting the whole cache as empty then asked for its full size again (seen in a CI run).
 */
export async function usedBytes(path: string): Promise<number> {
  return duTotalBytes(String((await execa("du", ["-sk", path], { reject: false })).stdout));
}

/** The first total of `du -sk` output, in bytes, whatever du's exit code; 0 when it printed none. */
export function duTotalBytes(stdout: string): number {
  const total = /^(\d+)\s/m.exec(stdout);
  return total ? Number(total[1]) * 1024 : 0;
}

/**
 * Bytes still to be written, per filesystem (keyed by the first path on it). A folder that already holds
 * more than it will grow to needs nothing; a shortfall on one folder is not offset by another's surplus.
 */
export function bytesToWrite(
  needs: readonly DiskNeed[],
  deviceOf: (path: string) => number,
): Map<number, { path: string; bytes: number }> {
  const byDevice = new Map<number, { path: string; bytes: number }>();
  for (const { path, grownBytes, presentBytes } of needs) {
    const device = deviceOf(path);
    const entry = byDevice.get(device) ?? { path, bytes: 0 };
    entry.bytes += Math.max(0, grownBytes - presentBytes);
    byDevice.set(device, entry);
  }
  return byDevice;
}

/** Free disk against the measured needs (Go's caches when tools are built, the engine's data). */
export async function diskProblems(buildsTools: boolean, dockerRoot?: string): Promise<DiskProblem[]> {
  const { disk } = coldSetUpResults();
  const folders: [string, number][] = [];
  if (buildsTools) {
    const env = String((await execa("go", ["env", "GOMODCACHE", "GOCACHE"], { reject: false })).stdout).split(
      "\n",
    );
    folders.push([env[0] || CACHE_DIR, disk.goModules * GiB], [env[1] || CACHE_DIR, disk.goBuildCache * GiB]);
  }
  const root =
    dockerRoot ??
    (await run("docker", ["info", "--format", "{{.DockerRootDir}}"], { allowFailure: true })).stdout.trim();
  // The engine's share is not discounted: its data root also holds images and clusters of other projects.
  const needs: DiskNeed[] = await Promise.all(
    folders.map(async ([path, grownBytes]) => ({ path, grownBytes, presentBytes: await usedBytes(path) })),
  );
  needs.push({ path: root || CACHE_DIR, grownBytes: disk.docker * GiB, presentBytes: 0 });
  const deviceOf = (path: string) => statSync(existingParent(path)).dev;
  return [...bytesToWrite(needs, deviceOf).values()]
    .filter(({ path, bytes }) => freeBytes(path) < bytes)
    .map(({ path, bytes }) => ({
      code: exitCodes.notEnoughDisk,
      message: `the offline build needs about ${(bytes / GiB).toFixed(1)} GiB free on the filesystem of ${path}, and it has ${(freeBytes(path) / GiB).toFixed(1)} GiB: free some space (\`docker system prune\` removes what no container uses; clearing Go's caches does not help, what they hold counts) and run this again`,
    }));
}
