// hack/run's toolchain (POSIX sh): the pinned Node wherever the system Node cannot run the code, the pnpm
// of packageManager, and the same answers under every strict shell the bootstrap must run on. The cache
// folder is the real one, so this uses the Node that hack/run already installed (or installs it).
import { execFileSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../lib/topology.ts";
import { versions } from "../lib/versions.ts";

/** A PATH whose first `node` claims `version`. */
function pathWithNode(version: string): string {
  const dir = mkdtempSync(join(tmpdir(), "old-node-"));
  writeFileSync(join(dir, "node"), `#!/bin/sh\necho ${version}\n`);
  chmodSync(join(dir, "node"), 0o755);
  return `${dir}:/usr/local/bin:/usr/bin:/bin`;
}

const run = (shell: string, path: string, ...args: string[]) =>
  execFileSync(shell, [join(REPO_ROOT, "hack/run"), "--no-install", ...args], {
    encoding: "utf8",
    env: { HOME: process.env.HOME ?? "/root", PATH: path },
  }).trim();

describe("hack/run's toolchain", () => {
  it.each([
    ["20.20.2", "sh"],
    ["24.1.0", "sh"],
    ["24.1.0", "dash"],
    ["24.0.2", "posh"],
  ])("provides the pinned Node when the system Node is %s (under %s)", (old, shell) => {
    expect(run(shell, pathWithNode(old), "node", "-p", "process.versions.node")).toBe(
      versions().NODE_VERSION,
    );
  });

  it("uses a system Node of the pinned major that is NODE_MIN_VERSION or newer as it is", () => {
    // A stand-in that answers like that Node: the toolchain must not replace it.
    const path = pathWithNode(versions().NODE_MIN_VERSION);
    expect(run("sh", path, "node", "-p", "process.versions.node")).toBe(versions().NODE_MIN_VERSION);
  });

  it("provides the pnpm pinned by packageManager", () => {
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8")) as {
      packageManager: string;
    };
    expect(`pnpm@${run("sh", pathWithNode("20.20.2"), "pnpm", "--version")}`).toBe(pkg.packageManager);
  });

  it("package.json's engines says what NODE_MIN_VERSION says", () => {
    for (const file of [
      "package.json",
      "scripts/package.json",
      "packages/testkit/package.json",
      "packages/pki/package.json",
      "apps/sample-service/package.json",
      "apps/trace-generator/package.json",
      "apps/cert-expiry/package.json",
    ]) {
      const pkg = JSON.parse(readFileSync(join(REPO_ROOT, file), "utf8")) as { engines: { node: string } };
      expect(pkg.engines.node, file).toBe(`^${versions().NODE_MIN_VERSION}`);
    }
  });
});
