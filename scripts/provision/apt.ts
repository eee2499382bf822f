// Debian packages the set-up needs, installed with apt-get where the machine allows it (Debian-like, root),
// and otherwise named in one actionable message. A package counts as present when its command is on PATH
// (root's PATH has /usr/sbin, where Debian puts dockerd and debootstrap), or, for a package that brings no
// command (a keyring), when the absolute path named instead exists.
import { existsSync } from "node:fs";
import { isAbsolute, join } from "node:path";
import { run } from "../lib/exec.ts";
import { Failure, exitCodes } from "../lib/exit-codes.ts";
import { host } from "./host.ts";

/** command (or absolute file path) → the Debian package that provides it. */
export type Needs = Readonly<Record<string, string>>;

function present(command: string): boolean {
  if (isAbsolute(command)) return existsSync(command);
  return (process.env.PATH ?? "").split(":").some((dir) => dir !== "" && existsSync(join(dir, command)));
}

/** The packages of `needs` whose command is missing. */
export function missingPackages(needs: Needs): string[] {
  return [...new Set(Object.entries(needs).flatMap(([command, pkg]) => (present(command) ? [] : [pkg])))];
}

/** Installs what `needs` lacks, or explains what to install; `why` names what needs them. */
export async function ensurePackages(needs: Needs, why: string, note: (line: string) => void): Promise<void> {
  const missing = missingPackages(needs);
  if (missing.length === 0) return;
  const facts = host();
  if (!facts.debianLike)
    throw new Failure(
      `${why} needs ${missing.join(", ")}, which this machine lacks, and it is not Debian-like (no apt-get on PATH): install them with your package manager.`,
      exitCodes.aptFailed,
    );
  if (!facts.root)
    throw new Failure(
      `${why} needs Debian's ${missing.join(", ")}, and installing them needs root: \`sudo apt-get install ${missing.join(" ")}\`, or run this as root.`,
      exitCodes.needsRoot,
    );
  note(`installing Debian's ${missing.join(", ")} (apt-get) for ${why}`);
  const env = { DEBIAN_FRONTEND: "noninteractive" };
  const install = ["install", "-y", "-qq", "--no-install-recommends", ...missing];
  if ((await run("apt-get", install, { env, allowFailure: true })).exitCode === 0) return;
  // A fresh machine's package lists may be missing or stale: refresh once, then try again.
  const update = await run("apt-get", ["update", "-qq"], { env, allowFailure: true });
  const retry = await run("apt-get", install, { env, allowFailure: true });
  if (retry.exitCode !== 0)
    throw new Failure(
      `apt-get could not install ${missing.join(", ")} for ${why}:\n${(update.stderr + retry.stderr).trim().split("\n").slice(-6).join("\n").replace(/^/gm, "    ")}\n  Is a Debian mirror reachable? Check with \`apt-get update\`, then run this again.`,
      exitCodes.aptFailed,
    );
}
