import { appendFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { pollUntil } from "../lib/jaeger-client.ts";
import { followFile } from "./follow-file.ts";

describe("followFile", () => {
  it("reports complete lines appended after it starts, including a file created later", async () => {
    const dir = mkdtempSync(join(tmpdir(), "otel-e2r-follow-"));
    const file = join(dir, "access.log");
    const lines: string[] = [];
    const stop = followFile(file, (line) => lines.push(line), 20);
    try {
      appendFileSync(file, "first\nsecond half");
      await pollUntil("the first line", () => Promise.resolve(lines.length >= 1 || undefined), {
        timeoutMs: 5000,
      });
      appendFileSync(file, "-done\nthird\n");
      await pollUntil("three lines", () => Promise.resolve(lines.length >= 3 || undefined), {
        timeoutMs: 5000,
      });
      expect(lines).toEqual(["first", "second half-done", "third"]);
    } finally {
      stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
