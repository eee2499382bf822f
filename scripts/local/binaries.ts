// Where the local topology's programs are: the Go-built collector, Jaeger, Traefik and telemetrygen, built
// and cached by scripts/tools/go-tools.sh at the pinned versions.
import { join } from "node:path";
import { execa } from "execa";
import { REPO_ROOT } from "../lib/topology.ts";

export type GoTool = "otelcol" | "jaeger" | "traefik" | "telemetrygen";

export interface Binaries {
  readonly otelcol: string;
  readonly jaeger: string;
  readonly traefik: string;
  readonly telemetrygen: string;
  /** The Node running this script (the pinned Node 24 under scripts/run): runs the two apps. */
  readonly node: string;
}

/** Prints go-tools.sh's progress (a cold build takes minutes) and returns the binary's path. */
export async function goTool(tool: GoTool): Promise<string> {
  const result = await execa(join(REPO_ROOT, "scripts/tools/go-tools.sh"), ["path", tool], {
    stderr: "inherit",
    reject: false,
  });
  if (result.exitCode !== 0)
    throw new Error(
      `could not build or find ${tool} (scripts/tools/go-tools.sh path ${tool} exited ${result.exitCode})`,
    );
  return result.stdout.trim();
}

/** Every binary, or one error listing everything missing and how to get it. */
export async function resolveBinaries(): Promise<Binaries> {
  const problems: string[] = [];
  const tools: Partial<Record<GoTool, string>> = {};
  for (const tool of ["otelcol", "jaeger", "traefik", "telemetrygen"] as const) {
    try {
      tools[tool] = await goTool(tool);
    } catch (error) {
      problems.push((error as Error).message);
    }
  }
  if (problems.length > 0)
    throw new Error(`the local topology cannot start:\n  - ${problems.join("\n  - ")}`);
  return Object.freeze({
    otelcol: tools.otelcol!,
    jaeger: tools.jaeger!,
    traefik: tools.traefik!,
    telemetrygen: tools.telemetrygen!,
    node: process.execPath,
  });
}
