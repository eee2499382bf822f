// CONTRIBUTING.md's map of the tree is how a newcomer finds where a thing lives, so it must match the
// tree both ways: every folder and example it names exists, and every folder of the code is on it.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../lib/topology.ts";

interface MapRow {
  readonly folder: string;
  readonly examples: readonly string[];
}

/** The map's rows: `folder/` in the first column, backticked examples (relative to it) in the last. */
function mapRows(markdown: string): MapRow[] {
  return markdown
    .split("\n")
    .filter((line) => /^\| `[^`]+\/`/.test(line))
    .map((line) => {
      const cells = line.split(/(?<!\\)\|/).map((cell) => cell.trim());
      const folder = /`([^`]+)`/.exec(cells[1] ?? "")![1]!;
      const examples = [...(cells[3] ?? "").matchAll(/`([^`\s]+\.(?:ts|sh|awk|yaml|go)|[^`\s]+\/)`/g)].map(
        (m) => m[1]!,
      );
      return { folder, examples };
    });
}

/** The folders a map must cover: each app, package and scripts folder, and hack/. */
function codeFolders(): string[] {
  const dirs = (parent: string) =>
    readdirSync(join(REPO_ROOT, parent), { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && entry.name !== "node_modules")
      .map((entry) => `${parent}/${entry.name}/`);
  return ["apps/", "hack/", ...dirs("packages"), ...dirs("scripts")];
}

describe("CONTRIBUTING.md's map", () => {
  const rows = mapRows(readFileSync(join(REPO_ROOT, "CONTRIBUTING.md"), "utf8"));

  it("names folders and examples that exist", () => {
    expect(rows.length).toBeGreaterThan(10);
    const missing = rows.flatMap(({ folder, examples }) => [
      ...(existsSync(join(REPO_ROOT, folder)) ? [] : [folder]),
      ...examples
        .filter((file) => !/[*<>]/.test(file) && !existsSync(join(REPO_ROOT, folder, file)))
        .map((file) => `${folder}${file}`),
    ]);
    expect(missing).toEqual([]);
  });

  it("covers every folder of the code", () => {
    const covered = (dir: string) =>
      rows.some(({ folder }) => dir.startsWith(folder) || folder.startsWith(dir));
    expect(codeFolders().filter((dir) => !covered(dir))).toEqual([]);
  });
});
