import { describe, expect, it } from "vitest";
import { missingPackages } from "./apt.ts";

describe("missingPackages", () => {
  it.each([
    ["a command on PATH", { node: "nodejs" }, []],
    ["a command nowhere on PATH", { "otel-e2r-no-such-command": "pkg-a" }, ["pkg-a"]],
    ["a file that exists, named by its absolute path", { [process.execPath]: "nodejs" }, []],
    [
      "a file that does not exist (a keyring not installed)",
      { "/nonexistent/keyring.gpg": "pkg-k" },
      ["pkg-k"],
    ],
  ])("%s", (_, needs, missing) => {
    expect(missingPackages(needs)).toEqual(missing);
  });

  it("names a package once when several of its files are missing", () => {
    expect(missingPackages({ "/nonexistent/a": "pkg", "/nonexistent/b": "pkg" })).toEqual(["pkg"]);
  });
});
