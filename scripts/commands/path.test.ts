// make path's line, as a POSIX shell reads it: eval puts the project's folders first and nothing else.
import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { exportLine } from "./path.ts";

const evalIn = (line: string, path: string) =>
  execFileSync("sh", ["-c", `${line}\nprintf %s "$PATH"`], { env: { PATH: path }, encoding: "utf8" });

describe("exportLine", () => {
  it.each([
    ["nothing added", "/usr/bin:/bin", "/usr/bin:/bin", "/usr/bin:/bin"],
    ["one folder in front", "/usr/bin:/bin", "/c/bin/kubectl:/usr/bin:/bin", "/c/bin/kubectl:/usr/bin:/bin"],
    [
      "two, one with a space and a quote",
      "/usr/bin:/bin",
      "/c d/k:/it's/kind:/usr/bin:/bin",
      "/c d/k:/it's/kind:/usr/bin:/bin",
    ],
  ])("%s", (_name, before, after, evaluated) => {
    expect(evalIn(exportLine(before, after), before)).toBe(evaluated);
  });
});
