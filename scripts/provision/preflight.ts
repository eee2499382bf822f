// The first step of `make up`: what this machine has, what make up will set up itself (a Docker engine, kind
// and kubectl, the images) and how long that takes, and what it cannot fix (a port taken, too little memory,
// no way to get a tool). Every check runs; every problem is reported at once with what to do about it, and
// the exit code is the lowest failing check's own (see exit-codes.ts).
import { about } from "../cli/progress.ts";
import { MIN_DOCKER_MEMORY_BYTES } from "../clusters/config.ts";
import { run } from "../lib/exec.ts";
import { Failure, exitCodes, type ExitCode } from "../lib/exit-codes.ts";
import { portIsFree } from "../lib/ports.ts";
import { forecastImages } from "../images/sources.ts";
import { CLUSTER_TOOLS, describeToolPlan, planClusterTool, type ToolPlan } from "./cluster-tools.ts";
import { describeEnginePlan, engineState, planEngine, type EnginePlan } from "./engine.ts";
import { GiB } from "./host.ts";
import { coldSetUpResults, estimateSeconds } from "../gobuild/costs.ts";

export interface PreflightOptions {
  /** Host ports that must be free (the caller leaves out those its own cluster already holds). */
  readonly ports: readonly number[];
  readonly archive?: string;
  readonly minMemoryBytes?: number;
}

export interface Plan {
  readonly engine: EnginePlan;
  readonly tools: readonly ToolPlan[];
  /** What preflight found and decided, one line each. */
  readonly lines: readonly string[];
  /** The set-up still to do, with its estimate, or "nothing to set up". */
  readonly setUp: string;
}

interface Problem {
  readonly code: ExitCode;
  readonly message: string;
}

/** A Failure becomes a problem; anything else is a bug and is thrown. */
async function collect<T>(problems: Problem[], work: () => Promise<T>): Promise<T | undefined> {
  try {
    return await work();
  } catch (error) {
    if (!(error instanceof Failure)) throw error;
    problems.push({ code: error.exitCode, message: error.message });
    return undefined;
  }
}

/** Docker's memory, where an engine answers (a started one is checked again in the engine step). */
export async function checkMemory(minimum = MIN_DOCKER_MEMORY_BYTES): Promise<string> {
  const { stdout } = await run("docker", ["info", "--format", "{{.ServerVersion}} {{.MemTotal}}"]);
  const memory = Number(stdout.trim().split(/\s+/)[1]);
  if (!Number.isFinite(memory))
    throw new Failure(
      `docker info answered "${stdout.trim()}"; expected "<server version> <memory bytes>". Is the Docker daemon healthy? Try \`docker info\`.`,
      exitCodes.dockerUnreachable,
    );
  if (memory < minimum)
    throw new Failure(
      `Docker has ${(memory / GiB).toFixed(1)} GiB of memory; the clusters need at least ${(minimum / GiB).toFixed(1)} GiB (4 GiB for the remote and one edge, 1.5 GiB for each further edge). Give Docker more memory (Docker Desktop: Settings → Resources) or close other containers.`,
      exitCodes.notEnoughMemory,
    );
  return `${(memory / GiB).toFixed(1)} GiB`;
}

async function checkPorts(ports: readonly number[]): Promise<void> {
  for (const port of ports)
    if (!(await portIsFree(port)))
      throw new Failure(
        `port ${port} on this machine is already in use; the remote cluster publishes the gateway there. Find the process (\`ss -ltnp 'sport = :${port}'\` or \`lsof -i :${port}\`) and stop it, or remove an old cluster with \`kind delete cluster --name remote\`.`,
        exitCodes.portTaken,
      );
}

/**
 * Runs every check, saying what it found as it goes (`note`); throws one Failure listing all problems, or
 * returns the plan.
 */
export async function preflight(
  options: PreflightOptions,
  note: (line: string) => void = () => {},
): Promise<Plan> {
  const problems: Problem[] = [];
  const lines: string[] = [];
  const state = await collect(problems, engineState);
  const engine = state && (await collect(problems, () => Promise.resolve().then(() => planEngine(state))));
  const memory =
    engine?.action === "use" ? await collect(problems, () => checkMemory(options.minMemoryBytes)) : undefined;
  if (engine) lines.push(`engine: ${describeEnginePlan(engine)}${memory ? ` (${memory})` : ""}`);
  const tools: ToolPlan[] = [];
  for (const name of CLUSTER_TOOLS) {
    const plan = await collect(problems, () => planClusterTool(name));
    if (plan) tools.push(plan);
  }
  for (const tool of tools) lines.push(describeToolPlan(tool));
  lines.forEach((line) => note(line));
  await collect(problems, () => checkPorts(options.ports));
  const images =
    problems.length === 0 ? await forecastImages(options.archive, engine?.action === "use") : undefined;
  if (images) {
    lines.push(`images: ${images.line}`);
    note(lines.at(-1)!);
  }
  for (const problem of images?.problems ?? []) problems.push(problem);
  if (problems.length > 0) {
    problems.sort((a, b) => a.code - b.code);
    throw new Failure(
      `preflight found ${problems.length} problem${problems.length === 1 ? "" : "s"}:\n${problems
        .map((p) => `  - [exit ${p.code}] ${p.message}`)
        .join("\n")}`,
      problems[0]!.code,
    );
  }
  return Object.freeze({
    engine: engine!,
    tools,
    lines: Object.freeze(lines),
    setUp: describeSetUp(engine!, tools, images?.buildSeconds),
  });
}

/** The set-up make up will do, in one line with its estimate, or that there is none. */
export function describeSetUp(
  engine: EnginePlan,
  tools: readonly ToolPlan[],
  imagesSeconds: number | undefined,
): string {
  const work: string[] = [];
  let seconds = 0;
  if (engine.action === "start") {
    work.push("start the project's Docker engine");
    seconds += coldSetUpResults().engine;
  }
  for (const tool of tools)
    if (tool.action === "download") work.push(`download ${tool.tool}`);
    else if (tool.action === "build") {
      work.push(`build ${tool.tool}`);
      seconds += estimateSeconds([tool.tool]);
    }
  if (imagesSeconds !== undefined) {
    work.push("build the images from source");
    seconds += imagesSeconds;
  }
  if (work.length === 0) return "nothing to set up";
  return `set-up: ${work.join(", ")}${seconds > 0 ? `: ${about(seconds)} on this machine` : ""}`;
}
