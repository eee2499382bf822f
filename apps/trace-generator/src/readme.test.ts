// The README's flag table is written for people; this keeps it from drifting from the real flags.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { OPTIONS } from "./config/options.ts";
import { builtinScenarios } from "./scenario/load.ts";

const README = readFileSync(new URL("../README.md", import.meta.url), "utf8");

describe("README", () => {
  it("documents every flag with its environment variable in one table row", () => {
    const rows = README.split("\n").filter((l) => l.startsWith("| `-"));
    for (const setting of Object.values(OPTIONS)) {
      const flag = setting.flags.split(" ").find((f) => f.startsWith("--"))!;
      const row = rows.find((r) => r.includes(`${flag} `) || r.includes(`${flag}\``));
      expect(row, `a row for ${flag}`).toBeDefined();
      expect(row, `${flag}'s row names ${setting.env}`).toContain(setting.env);
    }
  });

  it("names every built-in scenario", () => {
    for (const name of builtinScenarios()) expect(README).toContain(`\`${name}\``);
  });
});
