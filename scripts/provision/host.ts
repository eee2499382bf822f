// Facts about this machine that decide what `make up` may set up by itself: the OS, whether it is Debian-like
// with apt, root, systemd, WSL, Docker Desktop, and free disk. Read once, frozen; the tests give their own.
import { existsSync, readFileSync, statfsSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

export interface Host {
  readonly platform: NodeJS.Platform;
  /** Debian or Ubuntu (or a derivative) with apt-get: the project can install its engine here. */
  readonly debianLike: boolean;
  readonly root: boolean;
  /** systemd is PID 1: a distribution's docker.service would be the user's engine to start. */
  readonly systemd: boolean;
  readonly wsl: boolean;
  /** Docker Desktop is installed (macOS app, or its Linux/WSL traces). */
  readonly dockerDesktop: boolean;
}

function readOr(path: string, fallback = ""): string {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return fallback;
  }
}

function onPath(command: string): boolean {
  return (process.env.PATH ?? "").split(":").some((dir) => dir !== "" && existsSync(join(dir, command)));
}

let cached: Host | undefined;

export function host(): Host {
  if (cached) return cached;
  const osRelease = readOr("/etc/os-release");
  const ids = (osRelease.match(/^ID(?:_LIKE)?=.*$/gm) ?? []).join(" ");
  cached = Object.freeze({
    platform: process.platform,
    debianLike: process.platform === "linux" && /\b(debian|ubuntu)\b/.test(ids) && onPath("apt-get"),
    root: process.getuid?.() === 0,
    systemd: existsSync("/run/systemd/system"),
    wsl: /microsoft/i.test(readOr("/proc/version")),
    dockerDesktop:
      existsSync("/Applications/Docker.app") ||
      existsSync(join(homedir(), ".docker", "desktop")) ||
      existsSync("/mnt/wsl/docker-desktop"),
  });
  return cached;
}

/** The path itself, or its nearest ancestor that exists: where a folder yet to be made will live. */
export function existingParent(path: string): string {
  let dir = path;
  while (!existsSync(dir) && dir !== "/") dir = join(dir, "..");
  return dir;
}

/** Free bytes on the filesystem holding `path` (or its nearest existing parent). */
export function freeBytes(path: string): number {
  const stats = statfsSync(existingParent(path));
  return stats.bavail * stats.bsize;
}

export const GiB = 1024 ** 3;
