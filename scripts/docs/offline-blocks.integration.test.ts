// The docs' offline lab commands really run: every ```bash offline block (scripts/docs/markdown.ts), with the
// lines of its ```text expected block in the output. They run the project's commands and apps.
import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../lib/topology.ts";
import { offlineBlocks, projectMarkdown } from "./markdown.ts";

describe("docs", () => {
  const runnable = projectMarkdown().flatMap((d) =>
    offlineBlocks(d.text).map((b, i) => [`${d.path} #${i + 1}`, b] as const),
  );
  it.each(runnable)("offline command block %s runs", (_name, block) => {
    const output = execFileSync("bash", ["-euo", "pipefail", "-c", block.script], {
      cwd: REPO_ROOT,
      encoding: "utf8",
      env: { ...process.env, NO_COLOR: "1" },
      timeout: 120_000,
    });
    for (const line of block.expected) expect(output).toContain(line.trim());
  });
});
