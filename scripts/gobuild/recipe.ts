// What a Go tool recipe is: its cache key (the pins it is built from), its build, and the binaries the
// build leaves. Plus the go.mod reading that the throwaway-module recipes share.
import { createHash } from "node:crypto";
import type { GoSession } from "./go.ts";

/** local: the local topology; contract: the offline manifest checks; cluster: the offline kind node image. */
export type ToolGroup = "local" | "contract" | "cluster";

export interface Recipe {
  readonly group: ToolGroup;
  /** The binaries the build leaves in its output folder; the first is the tool's own. */
  readonly binaries: readonly string[];
  /** The cache key: a tool is rebuilt only when its key changes (a pin, a recipe's substitutions). */
  key(): string | Promise<string>;
  build(out: string, go: GoSession): Promise<void>;
}

export const sha256 = (text: string | Buffer): string => createHash("sha256").update(text).digest("hex");

/** `go install <pkg>@<version>` into the output folder (a recipe whose module builds as released). */
export async function goInstall(
  go: GoSession,
  out: string,
  packages: readonly string[],
  flags: readonly string[] = ["-ldflags", "-s -w"],
): Promise<void> {
  await go.go(["install", ...flags, ...packages], { env: { GOBIN: out } });
}

export interface GoMod {
  readonly requires: readonly (readonly [string, string])[];
  /** `from[@version] => to[@version]`; a `to` without a version is a folder. */
  readonly replaces: readonly { from: string; fromVersion?: string; to: string; toVersion?: string }[];
  readonly excludes: readonly (readonly [string, string])[];
}

/** The require, replace and exclude directives of a go.mod, single-line and block forms alike. */
export function parseGoMod(text: string): GoMod {
  const requires: [string, string][] = [];
  const replaces: GoMod["replaces"][number][] = [];
  const excludes: [string, string][] = [];
  let block: string | undefined;
  for (const raw of text.split("\n")) {
    const line = raw.replace(/\/\/.*$/, "").trim();
    if (line === "") continue;
    if (block !== undefined && line === ")") {
      block = undefined;
      continue;
    }
    const opening = /^(require|replace|exclude)\s*\($/.exec(line);
    if (opening) {
      block = opening[1];
      continue;
    }
    const single = /^(require|replace|exclude)\s+(.*)$/.exec(line);
    const [verb, rest] = single ? [single[1], single[2]!] : [block, line];
    if (verb === "require" || verb === "exclude") {
      const [path, version] = rest.split(/\s+/);
      if (path && version) (verb === "require" ? requires : excludes).push([path, version]);
    } else if (verb === "replace") {
      const [left = "", right = ""] = rest.split("=>").map((side) => side.trim());
      const [from = "", fromVersion] = left.split(/\s+/);
      const [to = "", toVersion] = right.split(/\s+/);
      replaces.push({ from, fromVersion, to, toVersion });
    }
  }
  return { requires, replaces, excludes };
}

/** `go mod edit` arguments that make a throwaway module resolve as `mod` does. */
export function replaceArgs(replaces: GoMod["replaces"]): string[] {
  return replaces.map(
    (r) =>
      `-replace=${r.from}${r.fromVersion ? `@${r.fromVersion}` : ""}=${r.to}${r.toVersion ? `@${r.toVersion}` : ""}`,
  );
}

export const requireArgs = (requires: GoMod["requires"]): string[] =>
  requires.map(([path, version]) => `-require=${path}@${version}`);
