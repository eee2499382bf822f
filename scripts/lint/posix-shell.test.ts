// The scan for GNU-only and bash-only constructs on the POSIX bootstrap path (make lint): each construct
// it knows is found in a line that uses it, a comment is not, and the bootstrap as it is passes.
import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../lib/topology.ts";
import { BASH_FILES, POSIX_FILES, POSIX_RECIPE_FILES, scanNonPortable } from "./posix-shell.ts";

const scan = (line: string) => scanNonPortable(["x.sh"], () => `#!/bin/sh\n${line}\n`).map((f) => f.why);

describe("the POSIX path's construct scan", () => {
  it.each([
    ["flock 9", /flock does not exist on macOS/],
    ["declare -A GROUP=()", /bash 4 only/],
    ["mapfile -t lines < f", /bash 4 only/],
    ['if [[ -n "$x" ]]; then :; fi', /\[\[ is bash/],
    ['echo "${name,,}"', /case conversion/],
    ["sed -i -e 's/a/b/' f", /sed -i differs/],
    ["sed -n 's/a\\+/b/p' f", /GNU sed extensions/],
    ["sha256sum f | cut -c1-12", /sha256sum is absent on macOS/],
    ["dir=$(readlink -f .)", /readlink -f is GNU/],
    ["grep -P '\\d' f", /grep -P is GNU/],
    ["  local value=1", /local is not POSIX/],
  ])("finds %s", (line, why) => {
    expect(scan(line).join("\n")).toMatch(why);
  });

  it("skips comments", () => {
    expect(scan("# no flock here, and no declare -A")).toEqual([]);
  });

  it("finds nothing on the bootstrap as it is", () => {
    expect(scanNonPortable([...POSIX_FILES, ...POSIX_RECIPE_FILES])).toEqual([]);
  });
});

describe(".gitattributes", () => {
  it("checks out every script, the Makefile and the YAML with LF endings on any platform (a Windows clone used from WSL)", () => {
    const files = [...POSIX_FILES, ...POSIX_RECIPE_FILES, ...BASH_FILES, "manifests/edge/kustomization.yaml"];
    const attrs = execFileSync("git", ["check-attr", "eol", "--", ...files], {
      cwd: REPO_ROOT,
      encoding: "utf8",
    });
    expect(
      attrs
        .trim()
        .split("\n")
        .map((line) => line.split(": ").at(-1)),
    ).toEqual(files.map(() => "lf"));
  });
});
