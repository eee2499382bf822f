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

  it("rejects a bad AUTH before rendering anything, naming it and the choices", async () => {
    const result = await execa("make", ["-s", "manifests", "AUTH=tls"], { cwd: REPO_ROOT, reject: false });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/^make manifests: AUTH is "tls".*basic, mtls, both/);
    expect(result.stdout).toBe("");
  });

  it("takes AUTH from make alone: an AUTH in the environment of the command itself is not read", async () => {
    const result = await execa(process.execPath, [cli, "--auth", "tls"], {
      reject: false,
      env: { AUTH: "mtls" },
    });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/^make manifests: AUTH is "tls"/);
  });

  // What make up applies: the mode's collector overlays are part of it (they were missing once).
  it.each([
    ["basic", ["--config=/etc/otelcol-e2r/config/config.yaml"]],
    ["mtls", ["--config=/etc/otelcol-e2r/config/config.yaml", "--config=/etc/otelcol-e2r/config/mtls.yaml"]],
    [
      "both",
      [
        "--config=/etc/otelcol-e2r/config/config.yaml",
        "--config=/etc/otelcol-e2r/config/mtls.yaml",
        "--config=/etc/otelcol-e2r/config/mtls-basic-auth.yaml",
      ],
    ],
  ])(
    "AUTH=%s: writes .cache/manifests/remote.yaml with the remote collector's overlays",
    async (mode, configs) => {
      const result = await execa("make", ["-s", "manifests", `AUTH=${mode}`], { cwd: REPO_ROOT });
      expect(result.stdout).toMatch(new RegExp(`^AUTH=${mode} \\(from AUTH\\); app images `));
      expect(result.stdout).toMatch(
        /\n\[2\/2\] remote: \d+ objects -> \.cache\/manifests\/remote\.yaml \(\d+\.\ds\)$/,
      );
      const objects = parseObjects(readFileSync(join(REPO_ROOT, ".cache/manifests/remote.yaml"), "utf8"));
      expect(objects.some((o) => o.kind === "GRPCRoute")).toBe(true);
      const collector = objects.find(
        (o) => o.kind === "Deployment" && o.metadata.name === "remote-collector",
      );
      const args = (
        collector as unknown as { spec: { template: { spec: { containers: { args?: string[] }[] } } } }
      ).spec.template.spec.containers.flatMap((c) => c.args ?? []);
      expect(args.filter((a) => a.startsWith("--config="))).toEqual(configs);
    },
    600_000,
  );
});
