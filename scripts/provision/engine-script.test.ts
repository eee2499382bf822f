// The Docker engine script's decision: the runc wrapper only for the one failure it works around. The
// script itself runs for real in .ci/run; here the verdict on each outcome of the privileged probe,
// with the error texts Docker prints.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../lib/topology.ts";

const verdict = (code: number, output: string) =>
  execFileSync(
    "bash",
    [
      "-c",
      `source "$1" && probe_verdict "$2" "$3"`,
      "_",
      join(REPO_ROOT, "hack/engine/docker-engine.sh"),
      String(code),
      output,
    ],
    {
      encoding: "utf8",
    },
  ).trim();

describe("hack/engine/docker-engine.sh: the privileged probe's verdict", () => {
  it("takes the plain path when a privileged container starts", () => {
    expect(verdict(0, "")).toBe("ok");
  });

  it("adds the runc wrapper only for the missing-capability failure", () => {
    const caps =
      "docker: Error response from daemon: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: unable to apply caps: operation not permitted: unknown";
    expect(verdict(125, caps)).toBe("caps");
  });

  it("reports any other failure as it is, without a workaround", () => {
    expect(verdict(125, "docker: Error response from daemon: no space left on device")).toBe(
      "other:docker: Error response from daemon: no space left on device",
    );
  });
});

// dockerd leaves its data root bound onto itself, and a dead container's network namespace bound on a
// file, after it stops; `purge` met them in CI as "Device or resource busy". Bind mounts (root only)
// recreate both here.
describe.skipIf(process.getuid?.() !== 0)(
  "hack/engine/docker-engine.sh purge (needs root for mounts)",
  () => {
    it("unmounts what dockerd left mounted under its folder, then deletes it", () => {
      const cache = mkdtempSync(join(tmpdir(), "engine-purge-"));
      const engine = join(cache, "docker-engine");
      const data = join(engine, "data");
      const netns = join(engine, "exec/netns");
      mkdirSync(data, { recursive: true });
      mkdirSync(netns, { recursive: true });
      writeFileSync(join(netns, "d98e1909d514"), "");
      const mount = (source: string, target: string) => execFileSync("mount", ["--bind", source, target]);
      try {
        mount(data, data);
        mount("/proc/self/ns/net", join(netns, "d98e1909d514"));
        const purge = spawnSync("bash", [join(REPO_ROOT, "hack/engine/docker-engine.sh"), "purge"], {
          encoding: "utf8",
          env: { ...process.env, OTEL_E2R_CACHE: cache },
        });
        expect(purge.stderr).toContain("deleted its data");
        expect(purge.status).toBe(0);
        expect(existsSync(engine)).toBe(false);
        expect(readFileSync("/proc/self/mountinfo", "utf8")).not.toContain(cache);
      } finally {
        for (const target of [join(netns, "d98e1909d514"), data]) spawnSync("umount", ["-l", target]);
        rmSync(cache, { recursive: true, force: true });
      }
    });
  },
);
