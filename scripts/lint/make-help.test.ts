import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../..", import.meta.url));

describe("make help", () => {
  const makefile = readFileSync(`${root}/Makefile`, "utf8");
  const targets = [...makefile.matchAll(/^([a-z][a-z0-9-]*):/gm)].map((m) => m[1]);
  const output = execFileSync("make", ["--no-print-directory", "help"], {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1" },
  });

  it("is the default goal", () => {
    const bare = execFileSync("make", ["--no-print-directory"], { cwd: root, encoding: "utf8" });
    expect(bare).toBe(output);
  });

  it("lists every target with a one-line description", () => {
    expect(targets.length).toBeGreaterThan(3);
    for (const target of targets) {
      expect(makefile, `target ${target} needs a "## description"`).toMatch(
        new RegExp(`^${target}:.*## \\S`, "m"),
      );
      expect(output).toMatch(new RegExp(`^  ${target} +\\S`, "m"));
    }
  });

  it("prints plain text without a terminal", () => {
    expect(output).not.toContain("\u001b[");
  });
});
