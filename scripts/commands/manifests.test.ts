import { readFileSync } from "node:fs";
import { join } from "node:path";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../lib/topology.ts";
import { parseObjects } from "../kube/objects.ts";

const cli = join(REPO_ROOT, "scripts/commands/manifests.ts");

describe("make manifests", () => {
  it("rejects unknown clusters before rendering anything, naming each and the choices", async () => {
    const result = await execa(process.execPath, [cli, "edg", "remote", "foo"], { reject: false });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toBe(
      'make manifests: unknown cluster(s) "edg", "foo"; expected any of: edge, remote',
    );
    expect(result.stdout).toBe("");
  });

  it("writes the rendered cluster to .cache/manifests with numbered progress", async () => {
    const result = await execa(process.execPath, [cli, "remote"]);
    expect(result.stdout).toMatch(
      /^\[1\/1\] remote: \d+ objects -> \.cache\/manifests\/remote\.yaml \(\d+\.\ds\)$/,
    );
    const objects = parseObjects(readFileSync(join(REPO_ROOT, ".cache/manifests/remote.yaml"), "utf8"));
    expect(objects.some((o) => o.kind === "GRPCRoute")).toBe(true);
  }, 600_000);
});
