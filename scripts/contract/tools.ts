// The Go-built tools the contract tests run, at the versions pinned in versions.env: built once and
// cached by scripts/tools/go-tools.sh (which waits on a lock if another process is building them).
import { join } from "node:path";
import { execa } from "execa";
import { REPO_ROOT } from "../lib/topology.ts";

export type ContractTool = "kustomize" | "kubectl-validate" | "kube-linter" | "otelcol" | "jaeger";

const paths = new Map<ContractTool, Promise<string>>();

export function toolPath(tool: ContractTool): Promise<string> {
  let path = paths.get(tool);
  if (path === undefined) {
    path = (async () => {
      const result = await execa(join(REPO_ROOT, "scripts/tools/go-tools.sh"), ["path", tool], {
        reject: false,
      });
      if (result.exitCode !== 0)
        throw new Error(
          `could not build or find ${tool}: scripts/tools/go-tools.sh path ${tool} exited ${result.exitCode}\n${result.stderr.split("\n").slice(-15).join("\n")}`,
        );
      return result.stdout.trim();
    })();
    paths.set(tool, path);
  }
  return path;
}

/** Environment for tools that would otherwise consult the user's cluster: none, the checks are offline. */
export const OFFLINE_ENV = Object.freeze({
  KUBECONFIG: "/nonexistent/kubeconfig-contract-tests-are-offline",
});
