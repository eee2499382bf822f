// What the offline build still has to write. A landing run (2026-12-05) refused a machine whose Go caches
// were already warm: the check asked for the caches' whole measured size again (21.1 GiB with the
// engine's share) on a disk with about 20 GiB free, and make up stopped at exit 22.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { afterAll, describe, expect, it } from "vitest";
import { bytesToWrite, duTotalBytes, usedBytes, type DiskNeed } from "./disk.ts";

const G = 1024 ** 3;
const one = () => 1;

describe("bytesToWrite", () => {
  it.each<[string, DiskNeed[], (path: string) => number, number[]]>([
    [
      "empty caches need their whole measured size",
      [need("/mod", 6, 0), need("/build", 10, 0)],
      one,
      [16 * G],
    ],
    ["warm caches need nothing more", [need("/mod", 6, 7), need("/build", 10, 11)], one, [0]],
    ["a partly filled cache needs the rest", [need("/mod", 6, 2), need("/build", 10, 10)], one, [4 * G]],
    [
      "one cache's surplus does not pay for another",
      [need("/mod", 6, 20), need("/build", 10, 0)],
      one,
      [10 * G],
    ],
    [
      "each filesystem is counted on its own",
      [need("/mod", 6, 0), need("/var/lib/docker", 5, 0)],
      (path) => (path.startsWith("/var") ? 2 : 1),
      [6 * G, 5 * G],
    ],
  ])("%s", (_, needs, deviceOf, expected) => {
    expect([...bytesToWrite(needs, deviceOf).values()].map((entry) => entry.bytes)).toEqual(expected);
  });
});

describe("usedBytes", () => {
  const dir = mkdtempSync(join(tmpdir(), "otel-e2r-used-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("counts what a folder holds on disk, and 0 for a folder that is not there", async () => {
    writeFileSync(join(dir, "data"), Buffer.alloc(4 * 1024 * 1024, 1));
    const bytes = await usedBytes(dir);
    expect(bytes).toBeGreaterThanOrEqual(4 * 1024 * 1024);
    expect(bytes).toBeLessThan(5 * 1024 * 1024);
    expect(await usedBytes(join(dir, "missing"))).toBe(0);
  });

  it("takes du's total when du also reports an error (exit 1), as when a file vanishes under it", async () => {
    // A real du that exits 1: one path it can count, one that is gone.
    const result = await execa("du", ["-sk", dir, join(dir, "gone")], { reject: false });
    expect(result.exitCode).toBe(1);
    expect(duTotalBytes(String(result.stdout))).toBeGreaterThanOrEqual(4 * 1024 * 1024);
  });
});

function need(path: string, grownGiB: number, presentGiB: number): DiskNeed {
  return { path, grownBytes: grownGiB * G, presentBytes: presentGiB * G };
}
