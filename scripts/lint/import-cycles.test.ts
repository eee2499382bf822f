import { describe, expect, it } from "vitest";
import { importCycles, importGraph } from "./import-cycles.ts";
import { REPO_ROOT } from "../lib/topology.ts";

describe("import circles", () => {
  it("finds a circle of two, one of three, and none in a tree", () => {
    const graph = new Map([
      ["a.ts", ["b.ts"]],
      ["b.ts", ["a.ts", "c.ts"]],
      ["c.ts", []],
      ["d.ts", ["e.ts"]],
      ["e.ts", ["f.ts"]],
      ["f.ts", ["d.ts", "c.ts"]],
    ]);
    expect(importCycles(graph)).toEqual([
      ["a.ts", "b.ts"],
      ["d.ts", "e.ts", "f.ts"],
    ]);
    expect(
      importCycles(
        new Map([
          ["a.ts", ["b.ts"]],
          ["b.ts", []],
        ]),
      ),
    ).toEqual([]);
  });

  it("sees the project's imports, type-only ones and workspace packages by name included", () => {
    const graph = importGraph(REPO_ROOT);
    expect(graph.get("scripts/verify/run.ts")).toContain("scripts/verify/types.ts");
    expect(graph.get("apps/trace-generator/src/export.integration.test.ts")?.join()).toMatch(
      /packages\/testkit\/src\/otlp-receiver\.ts/,
    );
  });

  it("are none in the project's own code", () => {
    expect(importCycles(importGraph(REPO_ROOT))).toEqual([]);
  });
});
