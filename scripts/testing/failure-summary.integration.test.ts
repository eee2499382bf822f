// The summary read from a report the real vitest wrote, with the flags `make test` passes it: a failed
// assertion's message (the value that was wrong) must be in it, and a passing test must not.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { afterAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../lib/topology.ts";
import { failureSummary, failureSummaryOf } from "./failure-summary.ts";

const dir = mkdtempSync(join(tmpdir(), "failure-summary-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("failureSummaryOf a real vitest report", () => {
  it("names the failed test and its message, not the passing one", async () => {
    writeFileSync(
      join(dir, "sample.test.ts"),
      [
        'import { expect, it } from "vitest";',
        'it("passes", () => expect(1).toBe(1));',
        'const problems = ["docs/a.md:3: x is not in the transcript"];',
        'it("8. the docs match", () => expect(problems, problems.join("\\n")).toEqual([]));',
      ].join("\n"),
    );
    const report = join(dir, "report.json");
    const run = await execa(
      join(REPO_ROOT, "node_modules", ".bin", "vitest"),
      ["run", "--root", dir, "--reporter=default", "--reporter=json", `--outputFile.json=${report}`],
      { reject: false, env: { CI: "true" } },
    );
    expect(run.exitCode).toBe(1);
    const summary = failureSummaryOf(report).join("\n");
    expect(summary).toContain("failed: 8. the docs match");
    expect(summary).toContain("docs/a.md:3: x is not in the transcript");
    expect(summary).not.toContain("passes");
  }, 60_000);

  it("is empty when the stage wrote no report", () => {
    expect(failureSummaryOf(join(dir, "none.json"))).toEqual([]);
  });

  it("keeps a long message short and says how much it left out", () => {
    const message = Array.from({ length: 20 }, (_, i) => `line ${i} ${"x".repeat(400)}`).join("\n");
    const lines = failureSummary(
      {
        testResults: [
          { assertionResults: [{ fullName: "t", status: "failed", failureMessages: [message] }] },
        ],
      },
      { lines: 3, width: 50 },
    );
    expect(lines).toHaveLength(5);
    expect(lines[1]).toHaveLength(4 + 50);
    expect(lines.at(-1)).toContain("17 more lines");
  });
});
