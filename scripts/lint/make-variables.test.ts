// Make variables reach the commands by one route: the Makefile turns each into a flag. A command that also
// read the variable from its environment would have two sources for one value, and they can disagree (a
// stale `export AUTH=…` in the shell against the `AUTH=` on the make line).
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../lib/topology.ts";

/** `$(if $(AUTH),--auth $(AUTH))` → AUTH: every make variable the Makefile hands on as a flag. */
function flagVariables(makefile: string): string[] {
  return [...new Set([...makefile.matchAll(/\$\(if \$\(([A-Z_]+)\),--[a-z-]+/g)].map((match) => match[1]!))];
}

function scriptFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === "node_modules" ? [] : scriptFiles(path);
    return entry.name.endsWith(".ts") && !entry.name.endsWith(".test.ts") ? [path] : [];
  });
}

describe("make variables", () => {
  const variables = flagVariables(readFileSync(join(REPO_ROOT, "Makefile"), "utf8"));

  it("are handed on as flags, AUTH and WHAT among them", () => {
    expect(variables).toEqual(expect.arrayContaining(["AUTH", "WHAT", "IMAGES_ARCHIVE", "PLATFORM", "PORT"]));
  });

  it("are never read from a command's environment as well", () => {
    const readers = scriptFiles(join(REPO_ROOT, "scripts")).flatMap((file) => {
      const text = readFileSync(file, "utf8");
      return variables
        .filter((name) => new RegExp(`process\\.env(\\.${name}\\b|\\[["']${name}["']\\])`).test(text))
        .map((name) => `${relative(REPO_ROOT, file)}: ${name}`);
    });
    expect(readers).toEqual([]);
  });
});
