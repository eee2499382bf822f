// Step 6o of the real-cluster suite: the offline workshop. The archive `make images-save` wrote (step 2) is
// all a machine needs on site besides the project's caches (Node, kind, kubectl): with the clusters gone,
// the images and the Gateway API CRDs removed from this machine, and every non-loopback connection of the
// run refused, `IMAGES_ARCHIVE=… make up` creates and verifies both clusters again.
import { existsSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { execa } from "execa";
import { expect, it } from "vitest";
import { readEntries } from "../../../images/archive.ts";
import { ARCHIVE_PINS_ENTRY } from "../../../images/sources.ts";
import { pinnedImages } from "../../../lib/pinned.ts";
import { REPO_ROOT } from "../../../lib/topology.ts";
import { crdsFile } from "../../../provision/gateway-api-crds.ts";
import { oursRunning } from "../../../provision/engine.ts";
import { MINUTES, type SuiteContext } from "../context.ts";
import { figures, make } from "../harness.ts";
import { cutNetwork } from "../network-cut.ts";
import { rows } from "./bring-up.ts";

export function offlineArchiveSteps(context: SuiteContext): void {
  it(
    "6o. offline workshop: IMAGES_ARCHIVE=… make up from nothing with every non-loopback connection refused",
    async () => {
      await context.jaeger?.forward.stop();
      context.jaeger = undefined;
      const down = await make("down");
      expect(down.exitCode, down.stderr).toBe(0);
      // make down stopped the project's engine; the site's engine runs, without the images.
      if (!oursRunning()) await execa(join(REPO_ROOT, "hack/engine/docker-engine.sh"), ["start"]);
      const pins = (await readEntries(context.archive, [ARCHIVE_PINS_ENTRY])).get(ARCHIVE_PINS_ENTRY) ?? "";
      const standIn = new Map(
        pins
          .split("\n")
          .filter((l) => l.includes("="))
          .map((l) => l.split("=") as [string, string]),
      );
      for (const image of pinnedImages())
        await execa("docker", ["rmi", "--force", standIn.get(image.ref) ?? image.ref], { reject: false });
      rmSync(dirname(crdsFile()), { recursive: true, force: true });

      const cut = await cutNetwork();
      try {
        expect(
          await cut.refusesOutside("https://proxy.golang.org/"),
          "the cut refuses the Go module proxy",
        ).toBe(true);
        const up = await make("up", {}, { env: { IMAGES_ARCHIVE: context.archive }, prefix: cut.prefix });
        expect(up.exitCode, `${up.stdout}\n${up.stderr}`).toBe(0);
        expect(up.stdout).toContain(`loaded ${context.archive}`);
        expect(up.stdout).toMatch(/images present \(0 pulled/);
        const failed = rows(up.stdout).filter((row) => row.startsWith("FAIL"));
        expect(failed, failed.join("\n")).toEqual([]);
        expect(up.stdout).toMatch(/verify: all \d+ checks passed/);
        expect(existsSync(crdsFile()), "the CRDs came from the archive").toBe(true);
        figures("make up from the archive, network cut", { seconds: up.seconds.toFixed(1) });
      } finally {
        await cut.remove();
      }
    },
    30 * MINUTES,
  );
}
