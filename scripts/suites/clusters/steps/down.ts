// Step 7 of the real-cluster suite: `make down`, with and without PURGE: the clusters, the engine the
// project started, and (PURGE=1) its data and the state folder; no process of the project's is left.
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { execa } from "execa";
import { CACHE_DIR } from "../../../lib/cache.ts";
import { oursRunning } from "../../../provision/engine.ts";
import { expect, it } from "vitest";
import { MINUTES, type SuiteContext } from "../context.ts";
import { SUITE_STATE_DIR, figures, projectClusters, make } from "../harness.ts";
import { stateFiles } from "../../../lib/state.ts";

export function downSteps(context: SuiteContext): void {
  it(
    "7. make down removes both clusters and keeps the state folder; PURGE=1 removes it",
    async () => {
      await context.jaeger?.forward.stop();
      const down = await make("down", {}, { transcript: "make-down" });
      expect(down.exitCode, down.stderr).toBe(0);
      expect(await projectClusters()).toEqual([]);
      expect(readdirSync(SUITE_STATE_DIR)).toContain(stateFiles.caKey);
      figures("make down", { seconds: down.seconds.toFixed(1) });
      const purge = await make("down", { PURGE: "1" });
      expect(purge.exitCode, purge.stderr).toBe(0);
      expect(existsSync(SUITE_STATE_DIR)).toBe(false);
      if (context.fresh) {
        expect(oursRunning()).toBe(false);
        expect(existsSync(join(CACHE_DIR, "docker-engine"))).toBe(false);
        // Nothing the project started runs on: no engine, no container runtime, no node, no port-forward.
        const left = await execa(
          "pgrep",
          ["-af", "dockerd|containerd-shim|kube-apiserver|kubectl port-forward"],
          {
            reject: false,
          },
        );
        expect(left.stdout.trim(), "processes left after make down PURGE=1").toBe("");
      }
    },
    10 * MINUTES,
  );
}
