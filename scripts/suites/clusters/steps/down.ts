// Step 7 of the real-cluster suite: `make down`, with and without PURGE.
import { existsSync, readdirSync } from "node:fs";
import { expect, it } from "vitest";
import { MINUTES, type SuiteContext } from "../context.ts";
import { SUITE_STATE_DIR, figures, projectClusters, make } from "../harness.ts";
import { stateFiles } from "../../../lib/state.ts";

export function downSteps(context: SuiteContext): void {
  it(
    "7. make down removes both clusters and keeps the state folder; PURGE=1 removes it",
    async () => {
      await context.jaeger?.forward.stop();
      const down = await make("down");
      expect(down.exitCode, down.stderr).toBe(0);
      expect(await projectClusters()).toEqual([]);
      expect(readdirSync(SUITE_STATE_DIR)).toContain(stateFiles.caKey);
      figures("make down", { seconds: down.seconds.toFixed(1) });
      const purge = await make("down", { PURGE: "1" });
      expect(purge.exitCode, purge.stderr).toBe(0);
      expect(existsSync(SUITE_STATE_DIR)).toBe(false);
    },
    10 * MINUTES,
  );
}
