import { execFileSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { versions } from "./versions.ts";

const root = fileURLToPath(new URL("../..", import.meta.url));

// A PATH whose `node` claims an old version, so the toolchain must provide the pinned one. The cache
// folder is the real one, so this uses the Node that scripts/run already installed (or installs it).
function pathWithOldNode(): string {
  const dir = mkdtempSync(join(tmpdir(), "old-node-"));
  writeFileSync(join(dir, "node"), "#!/bin/sh\necho 20.20.2\n");
  chmodSync(join(dir, "node"), 0o755);
  return `${dir}:/usr/local/bin:/usr/bin:/bin`;
}

describe("scripts/run toolchain", () => {
  it("provides the pinned Node when the system Node is older", () => {
    const out = execFileSync(`${root}/scripts/run`, ["--no-install", "node", "-p", "process.versions.node"], {
      encoding: "utf8",
      env: { HOME: process.env.HOME ?? "/root", PATH: pathWithOldNode() },
    });
    expect(out.trim()).toBe(versions().NODE_VERSION);
  });

  it("provides the pnpm pinned by packageManager", () => {
    const pkg = JSON.parse(readFileSync(`${root}/package.json`, "utf8")) as { packageManager: string };
    const out = execFileSync(`${root}/scripts/run`, ["--no-install", "pnpm", "--version"], {
      encoding: "utf8",
      env: { HOME: process.env.HOME ?? "/root", PATH: pathWithOldNode() },
    });
    expect(`pnpm@${out.trim()}`).toBe(pkg.packageManager);
  });
});
