// The real-cluster suite's harness: whether it may run here, the real make targets as processes, and
// small readers of the clusters' state. Every call goes to the two kind clusters the suite itself creates
// on this machine's Docker engine, to their NodePort on loopback, or to port-forwards on loopback.
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa, type ResultPromise } from "execa";
import { REPO_ROOT, clusterKeys, clusterOf, clusters, type ClusterTarget } from "../../lib/topology.ts";
import { isEdgeName } from "../../lib/fleet.ts";
import { existingClusters } from "../../clusters/clusters.ts";
import { engineState, planEngine } from "../../provision/engine.ts";
import { writeTranscript } from "../../docs/transcripts.ts";
import type { ThroughputFigures } from "../../docs/figures.ts";

/**
 * Why the suite cannot run here, or undefined when a Docker engine answers or `make up` can start one (a
 * Debian-like machine, as root): the suite's first step is `make up` on such a machine, as a newcomer's.
 */
export async function unavailableBecause(): Promise<string | undefined> {
  try {
    planEngine(await engineState());
    return undefined;
  } catch (error) {
    return (error as Error).message.split("\n")[0];
  }
}

/** The suite's own state folder, so it never touches a developer's .state/. */
export const SUITE_STATE_DIR = mkdtempSync(join(tmpdir(), "otel-e2r-clusters-state-"));
export const SUITE_LOGS_DIR = join(REPO_ROOT, ".logs", "clusters-suite");

export interface MakeResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly seconds: number;
}

const env = (extra: Record<string, string> = {}) => ({
  OTEL_E2R_STATE_DIR: SUITE_STATE_DIR,
  OTEL_E2R_LOGS_DIR: SUITE_LOGS_DIR,
  NO_COLOR: "1",
  ...extra,
});

/** Everything every make call printed, for the checks that no secret was ever shown. */
export const printed: string[] = [];

let transcripts = 0;

/**
 * What each make call printed, in order, under .logs/clusters-suite/transcripts/ (the figures and sample
 * outputs in the docs are taken from these; CI keeps them in its log folder).
 */
function saveTranscript(args: readonly string[], outcome: MakeResult): void {
  const dir = join(SUITE_LOGS_DIR, "transcripts");
  mkdirSync(dir, { recursive: true });
  transcripts += 1;
  const name = `${String(transcripts).padStart(2, "0")}-make-${args
    .join("-")
    .replace(/[^\w.=-]+/g, "_")
    .slice(0, 60)}.txt`;
  writeFileSync(
    join(dir, name),
    `$ make ${args.join(" ")}\n${outcome.stdout}${outcome.stderr === "" ? "" : `\n[stderr]\n${outcome.stderr}`}\n[exit ${outcome.exitCode} after ${outcome.seconds.toFixed(1)} s, ${new Date().toISOString()}]\n`,
  );
}

export interface MakeOptions {
  readonly env?: Record<string, string>;
  /** Runs make under another program (the network cut's setpriv). */
  readonly prefix?: readonly string[];
  /** Keeps the output, normalised, as docs/transcripts/<name>.txt: the docs show and check it. */
  readonly transcript?: string;
  /** What this run wrote that a reader would see otherwise (`[value, as the docs show it]`). */
  readonly replacements?: ReadonlyArray<readonly [string, string]>;
}

/** The transcripts this run wrote, for the docs step that checks the docs against them. */
export const writtenTranscripts = new Set<string>();
/** The kind nodes' memory after the monitoring step: docs/results/clusters-suite.json. */
export const nodeMemoryMiB: Partial<Record<"edge" | "remote", number>> = {};
/** Spans sent and found in Jaeger per load run ("rotate-ca"): docs/results/clusters-suite.json. */
export const spanCounts = new Map<string, { sent: number; inJaeger: number }>();
/** Step 6t's top rate and the latency at it: docs/results/clusters-suite.json. */
export const throughputFigures: { -readonly [K in keyof ThroughputFigures]?: ThroughputFigures[K] } = {};
/** How long each transcribed call took: docs/results/clusters-suite.json, which the docs quote. */
export const transcriptSeconds = new Map<string, number>();

/**
 * `make <target> [VAR=value…]` from the repository root, as a user runs it; never throws on exit codes.
 */
export async function make(
  target: string,
  vars: Record<string, string> = {},
  options: MakeOptions = {},
): Promise<MakeResult> {
  const { env: extraEnv = {}, prefix = [] } = options;
  const started = performance.now();
  const args = [target, ...Object.entries(vars).map(([key, value]) => `${key}=${value}`)];
  const [file, ...rest] = [...prefix, "make", "--no-print-directory", ...args];
  const result = await execa(file!, rest, {
    cwd: REPO_ROOT,
    env: env(extraEnv),
    reject: false,
    stdin: "ignore",
  });
  const outcome = {
    exitCode: result.exitCode ?? 1,
    stdout: String(result.stdout),
    stderr: String(result.stderr),
    seconds: (performance.now() - started) / 1000,
  };
  printed.push(outcome.stdout, outcome.stderr);
  saveTranscript(args, outcome);
  if (options.transcript !== undefined) {
    // The suite's own state folder reads as the user's.
    // Quoted as a user types it in a shell: ARGS="--count 50 …".
    const typed = args.map((arg) => arg.replace(/^(\w+)=(.*\s.*)$/, '$1="$2"'));
    writeTranscript(options.transcript, `make ${typed.join(" ")}`, outcome, {
      replacements: [...(options.replacements ?? []), [SUITE_STATE_DIR, "<repo>/.state"]],
    });
    writtenTranscripts.add(options.transcript);
    transcriptSeconds.set(options.transcript, outcome.seconds);
  }
  console.log(
    `[clusters] make ${args.join(" ")}: exit ${outcome.exitCode} in ${outcome.seconds.toFixed(1)}s`,
  );
  return outcome;
}

/**
 * A command the docs show with its output (kubectl, kind), run as they write it and kept as a transcript;
 * `replacements` write this run's temporary paths as a reader's.
 */
export async function transcribe(
  name: string,
  command: readonly string[],
  replacements: ReadonlyArray<readonly [string, string]> = [],
): Promise<{ stdout: string; stderr: string; exitCode: number }> {
  const [file = "", ...args] = command;
  const result = await execa(file, args, { cwd: REPO_ROOT, env: env(), reject: false, stdin: "ignore" });
  const output = {
    stdout: String(result.stdout),
    stderr: String(result.stderr),
    exitCode: result.exitCode ?? 1,
  };
  writeTranscript(name, command.join(" "), output, { replacements });
  writtenTranscripts.add(name);
  return output;
}

/** `make <target>` left running (make jaeger); the caller stops it. */
export function spawnMake(target: string, vars: Record<string, string> = {}): ResultPromise {
  return execa(
    "make",
    ["--no-print-directory", target, ...Object.entries(vars).map(([k, v]) => `${k}=${v}`)],
    // Its own process group, so a test can send Ctrl-C's SIGINT to all of it, as a terminal does.
    { cwd: REPO_ROOT, env: env(), reject: false, stdin: "ignore", buffer: true, detached: true },
  );
}

/** kubectl against one of the suite's clusters (always with --context). */
export async function kubectl(
  cluster: ClusterTarget,
  args: readonly string[],
  input?: string,
): Promise<string> {
  const { context } = clusterOf(cluster);
  const result = await execa("kubectl", ["--context", context, ...args], {
    reject: false,
    ...(input === undefined ? {} : { input }),
  });
  if (result.exitCode !== 0)
    throw new Error(`kubectl --context ${context} ${args.join(" ")}: ${result.stderr}`);
  return result.stdout;
}

export async function kubectlJson<T>(cluster: ClusterTarget, args: readonly string[]): Promise<T> {
  return JSON.parse(await kubectl(cluster, [...args, "--output", "json"])) as T;
}

/** The project's kind clusters (the remote and every edge) that exist now. */
export async function projectClusters(): Promise<string[]> {
  // No engine answering (make down stopped the project's): no cluster runs.
  if (!(await engineState()).answers) return [];
  const existing = await existingClusters();
  const more = [...existing].filter((name) => isEdgeName(name) && name !== clusters.edge.name).sort();
  return [...clusterKeys.map((key) => clusters[key].name), ...more].filter((name) => existing.has(name));
}

/** Pod name → UID in a namespace: equal maps before and after mean nothing was restarted. */
export async function podUids(cluster: ClusterTarget, namespace: string): Promise<Map<string, string>> {
  const list = await kubectlJson<{ items: { metadata: { name: string; uid: string } }[] }>(cluster, [
    "--namespace",
    namespace,
    "get",
    "pods",
  ]);
  return new Map(list.items.map((pod) => [pod.metadata.name, pod.metadata.uid]));
}

/** A printed figure that the README's numbers come from (grep "[clusters figures]" in CI logs). */
export function figures(name: string, values: Record<string, string | number>): void {
  console.log(
    `[clusters figures] ${name}: ${Object.entries(values)
      .map(([key, value]) => `${key}=${value}`)
      .join("  ")}`,
  );
}
