// `make manifests`: exactly what `make up` applies to each cluster, from the same renderer
// (scripts/kube/render.ts): kustomize, the app images' tags, the PIN_OVERRIDES stand-ins and the auth
// mode's collector overlays (AUTH=…, else the mode the last `make up` deployed). Written to
// .cache/manifests/ (one file per cluster) to be read, diffed or applied by hand.
//   hack/run node scripts/commands/manifests.ts [edge|remote ...]   (AUTH=basic|mtls|both in the environment)
import { mkdirSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { appImageRefs } from "../images/apps.ts";
import { kustomize, manifestsFor, toYaml, type ImageRefs } from "../kube/render.ts";
import { allContainers } from "../kube/objects.ts";
import { chooseAuthMode, STATE_DIR } from "../lib/state.ts";
import { overrides } from "../lib/pinned.ts";
import { REPO_ROOT, appImages, clusterKeys, type ClusterKey } from "../lib/topology.ts";
import { useClusterTools } from "../provision/cluster-tools.ts";
import { useEarlierOfflineBuild } from "../images/sources.ts";

const usage = (message: string) => {
  console.error(`make manifests: ${message}`);
  return 2;
};

/** Without the base image, the app images keep their committed names, and the output says so. */
async function committedAppImages(): Promise<ImageRefs> {
  const ours = new Set(appImages.map((image) => image.repository));
  const refs = new Map<string, string>();
  for (const cluster of clusterKeys)
    for (const container of allContainers(await kustomize(cluster)) as unknown as { image?: string }[]) {
      const repository = container.image?.replace(/:[^/]*$/, "");
      if (repository !== undefined && ours.has(repository)) refs.set(repository, container.image!);
    }
  return refs;
}

async function main(args: readonly string[]): Promise<number> {
  if (args.includes("-h") || args.includes("--help")) {
    console.log(`usage: AUTH=basic|mtls|both manifests.ts [${clusterKeys.join("|")} ...]   (default: all)`);
    return 0;
  }
  const unknown = args.filter((arg) => !(clusterKeys as readonly string[]).includes(arg));
  if (unknown.length > 0)
    return usage(
      `unknown cluster(s) ${unknown.map((a) => `"${a}"`).join(", ")}; expected any of: ${clusterKeys.join(", ")}`,
    );
  let mode;
  try {
    mode = chooseAuthMode(process.env.AUTH, STATE_DIR);
    overrides();
  } catch (error) {
    return usage((error as Error).message);
  }
  const chosen = (args.length > 0 ? args : clusterKeys) as readonly ClusterKey[];
  await useClusterTools();
  // The stand-ins make up chose where no registry answered, so that the images are the ones it applied.
  await useEarlierOfflineBuild();
  const subs = overrides();
  const built = await appImageRefs();
  console.log(
    `AUTH=${mode.mode} (${mode.from === "AUTH" ? "from AUTH" : mode.from === "state folder" ? "the last make up's" : "the default"}); ` +
      (built
        ? "app images tagged as make up tags them"
        : "app images as committed (no base image here to hash: run make up first for make up's tags)"),
  );
  const refs = built ?? (await committedAppImages());
  const out = join(REPO_ROOT, ".cache", "manifests");
  mkdirSync(out, { recursive: true });
  for (const [i, cluster] of chosen.entries()) {
    const started = performance.now();
    const objects = await manifestsFor(cluster, refs, subs, mode.mode);
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
