// What a cold build costs, from the measured figures in docs/results/cold-set-up.json (the same figures
// hack/images/README.md's cost table is generated from): the progress lines' estimates and the set-up's
// "about N min on this machine". Builds are bound by compiling, so a machine with more cores than the one
// measured gets a proportionally smaller estimate.
import { readFileSync } from "node:fs";
import { cpus } from "node:os";
import { join } from "node:path";
import { REPO_ROOT } from "../lib/topology.ts";

export const COLD_SET_UP_RESULTS = join(REPO_ROOT, "docs", "results", "cold-set-up.json");

export interface ColdSetUpResults {
  /** What was measured, in words (kept as it is when the figures are recorded again). */
  readonly what?: string;
  readonly date: string;
  readonly machine: string;
  readonly cores: number;
  /** Seconds per Go tool, built from empty Go caches one after the other. */
  readonly tools: Readonly<Record<string, number>>;
  /** Seconds to assemble every offline image once the Go binaries exist (root filesystems included). */
  readonly images: number;
  /** Installing Debian's docker.io and starting the project's engine. */
  readonly engine: number;
  /** GiB the build leaves: Go's module cache, Go's build cache, the engine's images. */
  readonly disk: { readonly goModules: number; readonly goBuildCache: number; readonly docker: number };
}

let cached: ColdSetUpResults | undefined;

export function coldSetUpResults(): ColdSetUpResults {
  cached ??= JSON.parse(readFileSync(COLD_SET_UP_RESULTS, "utf8")) as ColdSetUpResults;
  return cached;
}

/** A tool the results do not list yet is assumed to take two minutes. */
const UNMEASURED_SECONDS = 120;

const scale = () => coldSetUpResults().cores / Math.max(1, cpus().length);

/** Expected seconds to build these tools from empty caches on this machine. */
export function estimateSeconds(tools: readonly string[]): number {
  const { tools: measured } = coldSetUpResults();
  return tools.reduce((sum, tool) => sum + (measured[tool] ?? UNMEASURED_SECONDS), 0) * scale();
}

/** Expected seconds to assemble the offline images from built binaries on this machine. */
export function imagesEstimateSeconds(): number {
  return coldSetUpResults().images * scale();
}

interface Timing {
  readonly tool: string;
  readonly seconds: number;
  readonly date: string;
  readonly installed?: boolean;
}

/**
 * The results file from this machine's timings log, after a run from empty caches (`make test` in CI, or
 * `make up` on a fresh machine): the newest figure per tool, the images, and the engine as installed.
 */
export function costsFromTimings(
  log: string,
  disk: ColdSetUpResults["disk"],
  machine: string,
): ColdSetUpResults {
  const newest = new Map<string, Timing>();
  for (const line of log.split("\n").filter((l) => l.trim() !== "")) {
    const timing = JSON.parse(line) as Timing;
    if (timing.tool === "engine" && timing.installed !== true) continue;
    newest.set(timing.tool, timing);
  }
  const pick = (tool: string) =>
    newest.get(tool)?.seconds ?? coldSetUpResults().tools[tool] ?? UNMEASURED_SECONDS;
  const tools = Object.fromEntries(
    [...newest.keys()].filter((t) => t !== "images" && t !== "engine").map((t) => [t, pick(t)]),
  );
  const dates = [...newest.values()].map((t) => t.date).sort();
  return {
    date: (dates.at(-1) ?? new Date().toISOString()).slice(0, 10),
    machine,
    cores: cpus().length,
    tools,
    images: newest.get("images")?.seconds ?? coldSetUpResults().images,
    engine: newest.get("engine")?.seconds ?? coldSetUpResults().engine,
    disk,
  };
}
