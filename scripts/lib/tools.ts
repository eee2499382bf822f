// Where a Go-built tool is: scripts/tools/go-tools.sh builds it at its pinned version (once, cached
// outside the repo, waiting on a lock if another process is building it) and prints its path. The one
// lookup every script uses: the local topology, the contract tests, the suites (the apps' benchmarks, which
// may not import scripts/, run go-tools.sh themselves).
import { dirname, join } from "node:path";
import { execa } from "execa";
import { REPO_ROOT } from "./topology.ts";

/** The tools scripts/tools/go-tools.sh knows (its TOOLS list). */
export type GoTool =
  "otelcol" | "jaeger" | "traefik" | "prometheus" | "telemetrygen" | "kubectl-validate" | "kube-linter";

const GO_TOOLS = join(REPO_ROOT, "scripts/tools/go-tools.sh");
const paths = new Map<GoTool, Promise<string>>();

/**
 * The tool's path, built first if needed. A cold build takes minutes; `progress: true` shows go-tools.sh's
 * progress on this process's stderr (for commands a user watches), otherwise its tail is in the error.
 */
export function toolPath(tool: GoTool, options: { progress?: boolean } = {}): Promise<string> {
  let path = paths.get(tool);
  if (path === undefined) {
    path = (async () => {
      const result = await execa(GO_TOOLS, ["path", tool], {
        stderr: options.progress ? "inherit" : "pipe",
        reject: false,
      });
      if (result.exitCode !== 0)
        throw new Error(
          `could not build or find ${tool}: scripts/tools/go-tools.sh path ${tool} exited ${result.exitCode}${
            options.progress ? "" : `\n${String(result.stderr).split("\n").slice(-15).join("\n")}`
          }`,
        );
      return String(result.stdout).trim();
    })();
    paths.set(tool, path);
  }
  return path;
}

/** Prometheus's rule tester, built with Prometheus (scripts/tools/recipes/prometheus.sh). */
export async function promtoolPath(options: { progress?: boolean } = {}): Promise<string> {
  return join(dirname(await toolPath("prometheus", options)), "promtool");
}
