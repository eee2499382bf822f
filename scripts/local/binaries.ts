// Where the local topology's programs are: the Go-built collector, Jaeger, Traefik, Prometheus and
// telemetrygen, built and cached by scripts/gobuild at the pinned versions.
import { toolPath } from "../gobuild/build.ts";
import { Failure, exitCodes } from "../lib/exit-codes.ts";

export interface Binaries {
  readonly otelcol: string;
  readonly jaeger: string;
  readonly traefik: string;
  readonly prometheus: string;
  readonly telemetrygen: string;
  /** The Node running this script (the pinned Node 24 under hack/run): runs the two apps. */
  readonly node: string;
}

/** Every binary, or one error listing everything missing and how to get it. */
export async function resolveBinaries(): Promise<Binaries> {
  const problems: string[] = [];
  const tools: Partial<Record<"otelcol" | "jaeger" | "traefik" | "prometheus" | "telemetrygen", string>> = {};
  for (const tool of ["otelcol", "jaeger", "traefik", "prometheus", "telemetrygen"] as const) {
    try {
      tools[tool] = await toolPath(tool, { stream: process.stdout });
    } catch (error) {
      problems.push((error as Error).message);
    }
  }
  if (problems.length > 0)
    throw new Failure(`the local topology cannot start:\n  - ${problems.join("\n  - ")}`, exitCodes.notReady);
  return Object.freeze({
    otelcol: tools.otelcol!,
    jaeger: tools.jaeger!,
    traefik: tools.traefik!,
    prometheus: tools.prometheus!,
    telemetrygen: tools.telemetrygen!,
    node: process.execPath,
  });
}
