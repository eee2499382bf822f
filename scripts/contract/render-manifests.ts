// `make manifests`: renders what `make up` applies, with the pinned kustomize, into .cache/manifests/
// (one file per cluster) so it can be read, diffed or applied by hand.
//   scripts/run node scripts/contract/render-manifests.ts [edge|remote ...]
import { mkdirSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { REPO_ROOT } from "../lib/topology.ts";
import { KUSTOMIZATIONS, render } from "./render.ts";

const CLUSTERS = KUSTOMIZATIONS.map((dir) => dir.replace(/^manifests\//, ""));

async function main(args: readonly string[]): Promise<number> {
  if (args.includes("-h") || args.includes("--help")) {
    console.log(`usage: render-manifests.ts [${CLUSTERS.join("|")} ...]   (default: all)`);
    return 0;
  }
  const unknown = args.filter((arg) => !CLUSTERS.includes(arg));
  if (unknown.length > 0) {
    console.error(
      `render-manifests: unknown cluster(s) ${unknown.map((a) => `"${a}"`).join(", ")}; expected any of: ${CLUSTERS.join(", ")}`,
    );
    return 2;
  }
  const chosen = args.length > 0 ? args : CLUSTERS;
  const out = join(REPO_ROOT, ".cache", "manifests");
  mkdirSync(out, { recursive: true });
  for (const [i, cluster] of chosen.entries()) {
    const started = performance.now();
    const { yaml, objects } = await render(`manifests/${cluster}`);
    const file = join(out, `${cluster}.yaml`);
    writeFileSync(file, yaml);
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    console.log(
      `[${i + 1}/${chosen.length}] ${cluster}: ${objects.length} objects -> ${relative(REPO_ROOT, file)} (${seconds}s)`,
    );
  }
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`render-manifests: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
