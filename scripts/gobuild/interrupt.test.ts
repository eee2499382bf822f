// Ctrl-C in the middle of a Go build, for real: a build of the pause binary from an empty Go build cache (the standard library alone takes a while), interrupted
// once it is compiling. Nothing half-done may stay (no partial folder, no lock) and the re-run must finish,
// continuing from what Go's build cache kept.
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { afterEach, expect, it } from "vitest";
import { exitCodes } from "../lib/exit-codes.ts";
import { REPO_ROOT } from "../lib/topology.ts";
import { recipes } from "./recipes/index.ts";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

it("an interrupted build exits 130 and leaves no partial folder and no lock; the re-run finishes", async () => {
  const cache = mkdtempSync(join(tmpdir(), "otel-e2r-cache-"));
  const goCache = mkdtempSync(join(tmpdir(), "otel-e2r-gocache-"));
  dirs.push(cache, goCache);
  const env = { OTEL_E2R_CACHE: cache, GOCACHE: goCache, NO_COLOR: "1" };
  const build = () =>
    execa(process.execPath, ["scripts/commands/tools.ts", "path", "pause"], {
      cwd: REPO_ROOT,
      env,
      reject: false,
      all: true,
    });

  const first = build();
  let output = "";
  first.all?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  while (!output.includes("building pause")) await new Promise((resolve) => setTimeout(resolve, 200));
  // Compiling by now (an empty build cache takes tens of seconds).
  await new Promise((resolve) => setTimeout(resolve, 3000));
  first.kill("SIGINT");
  const stopped = await first;
  expect(stopped.exitCode, stopped.all).toBe(exitCodes.interrupted);
  expect(stopped.all).toContain("interrupted: pause not built (Go's build cache keeps the work done)");
  expect(readdirSync(join(cache, "go-bin", "pause"))).toEqual([]);

  const again = await build();
  expect(again.exitCode, again.all).toBe(0);
  const key = await recipes.pause.key();
  expect(again.stdout.trim()).toBe(join(cache, "go-bin", "pause", key, "pause"));
  expect(readdirSync(join(cache, "go-bin", "pause"))).toEqual([key]);
}, 300_000);
