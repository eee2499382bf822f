// `make manifests`: exactly what `make up` applies to each cluster, from the same renderer
// (scripts/kube/render.ts): kustomize, the app images' tags, the PIN_OVERRIDES stand-ins and the auth
// mode's collector overlays (AUTH=…, else the mode the last `make up` deployed). Written to
// .cache/manifests/ (one file per cluster) to be read, diffed or applied by hand.
//   make manifests [AUTH=basic|mtls|both], or hack/run node scripts/commands/manifests.ts [--auth MODE] [edge|remote ...]
import { mkdirSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { appImageRefs } from "../images/apps.ts";
import { kustomize, manifestsFor, toYaml, type ImageRefs } from "../kube/render.ts";
import { allContainers } from "../kube/objects.ts";
import { parseFlags, runMain, stepFailure } from "../cli/command.ts";
import { AUTH_MODES, DEFAULT_AUTH_MODE } from "../lib/auth-modes.ts";
import { Failure, exitCodes } from "../lib/exit-codes.ts";
import { chooseAuthMode, STATE_DIR } from "../lib/state.ts";
import { overrides } from "../lib/pinned.ts";
import { REPO_ROOT, appImages, clusterKeys, type ClusterKey } from "../lib/topology.ts";
import { useClusterTools } from "../provision/cluster-tools.ts";
import { useEarlierOfflineBuild } from "../images/sources.ts";

const command = {
  name: "manifests",
  summary:
    "Renders exactly what make up applies to each cluster (all of them, or the ones named) into .cache/manifests/.",
  options: { auth: { type: "string" } },
  help: {
    auth: `the auth mode whose overlays to render: ${AUTH_MODES.join(", ")} (default: the last make up's, else ${DEFAULT_AUTH_MODE})`,
  },
  allowPositionals: true,
} as const;

/** The flags, checked before anything renders; every mistake is named at once. */
function parseOptions(argv: string[]): {
  clusters: readonly ClusterKey[];
  mode: ReturnType<typeof chooseAuthMode>;
} {
  const { values, positionals } = parseFlags(command, argv);
  const problems: string[] = [];
  const unknown = positionals.filter((arg) => !(clusterKeys as readonly string[]).includes(arg));
  if (unknown.length > 0)
    problems.push(
      `unknown cluster(s) ${unknown.map((a) => `"${a}"`).join(", ")}; expected any of: ${clusterKeys.join(", ")}`,
    );
  let mode: ReturnType<typeof chooseAuthMode> | undefined;
  try {
    mode = chooseAuthMode(values.auth, STATE_DIR);
  } catch (error) {
    problems.push((error as Error).message);
  }
  try {
    overrides();
  } catch (error) {
    problems.push((error as Error).message);
  }
  if (problems.length > 0) throw new Failure(`make manifests: ${problems.join("; ")}`, exitCodes.usage);
  return {
    clusters: (positionals.length > 0 ? positionals : clusterKeys) as readonly ClusterKey[],
    mode: mode!,
  };
}

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

async function main(argv: string[]): Promise<void> {
  const { clusters: chosen, mode } = parseOptions(argv);
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
}

if (import.meta.main) runMain(() => main(process.argv.slice(2)).catch(stepFailure));
