// `make manifests`: what `kubectl kustomize` renders for each cluster (the rendering `make up` applies,
// before it sets the app images' tags and any PIN_OVERRIDES stand-ins), written to .cache/manifests/ (one
// file per cluster) to be read, diffed or applied by hand.
//   hack/run node scripts/commands/manifests.ts [edge|remote ...]
import { mkdirSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { kustomize, toYaml } from "../kube/render.ts";
import { REPO_ROOT, clusterKeys, type ClusterKey } from "../lib/topology.ts";
import { useClusterTools } from "../provision/cluster-tools.ts";

async function main(args: readonly string[]): Promise<number> {
  if (args.includes("-h") || args.includes("--help")) {
    console.log(`usage: manifests.ts [${clusterKeys.join("|")} ...]   (default: all)`);
    return 0;
  }
  const unknown = args.filter((arg) => !(clusterKeys as readonly string[]).includes(arg));
  if (unknown.length > 0) {
    console.error(
      `make manifests: unknown cluster(s) ${unknown.map((a) => `"${a}"`).join(", ")}; expected any of: ${clusterKeys.join(", ")}`,
    );
    return 2;
  }
  const chosen = (args.length > 0 ? args : clusterKeys) as readonly ClusterKey[];
  await useClusterTools();
  const out = join(REPO_ROOT, ".cache", "manifests");
  mkdirSync(out, { recursive: true });
  for (const [i, cluster] of chosen.entries()) {
    const started = performance.now();
    const objects = await kustomize(cluster);
    const file = join(out, `${cluster}.yaml`);
    writeFileSync(file, toYaml(objects));
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
    console.error(`make manifests: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
