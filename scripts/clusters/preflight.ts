// The first step of `make up`: is this machine ready? Every check runs, every failure is reported at once with
// what to do about it, and the exit code is the lowest failing check's own code (see exit-codes.ts).
import { clusters } from "../lib/topology.ts";
import { MIN_DOCKER_MEMORY_BYTES } from "./config.ts";
import { CommandFailed, ToolMissing, lastLines, run } from "../lib/exec.ts";
import { Failure, exitCodes, type ExitCode } from "../lib/exit-codes.ts";
import { portIsFree } from "../lib/ports.ts";

export interface PreflightOptions {
  kindMinVersion: string;
  kubectlMinVersion: string;
  /** Host ports that must be free (skipped by the caller when its own cluster already holds them). */
  ports: readonly number[];
  minMemoryBytes?: number;
}

export interface PreflightReport {
  readonly docker: string;
  readonly memoryBytes: number;
  readonly kind: string;
  readonly kubectl: string;
}

interface Problem {
  readonly code: ExitCode;
  readonly message: string;
}

/** "v1.36.1" / "kind v0.33.0 go1.25 linux/amd64" → [1, 36, 1]. */
export function parseVersion(text: string): [number, number, number] | undefined {
  const match = /v?(\d+)\.(\d+)(?:\.(\d+))?/.exec(text);
  return match ? [Number(match[1]), Number(match[2]), Number(match[3] ?? 0)] : undefined;
}

export function isAtLeast(actual: readonly number[], minimum: readonly number[]): boolean {
  for (let i = 0; i < 3; i++) {
    const a = actual[i] ?? 0;
    const m = minimum[i] ?? 0;
    if (a !== m) return a > m;
  }
  return true;
}

const GiB = 1024 ** 3;

async function checkDocker(
  minMemory: number,
  problems: Problem[],
): Promise<{ version: string; memory: number }> {
  try {
    const { stdout } = await run("docker", ["info", "--format", "{{.ServerVersion}} {{.MemTotal}}"]);
    const [version = "", memoryText = ""] = stdout.trim().split(/\s+/);
    const memory = Number(memoryText);
    if (!Number.isFinite(memory) || version === "")
      problems.push({
        code: exitCodes.dockerUnreachable,
        message: `docker info answered "${stdout.trim()}"; expected "<server version> <memory bytes>". Is the Docker daemon healthy? Try \`docker info\`.`,
      });
    else if (memory < minMemory)
      problems.push({
        code: exitCodes.notEnoughMemory,
        message: `Docker has ${(memory / GiB).toFixed(1)} GiB of memory; the two clusters need at least ${(minMemory / GiB).toFixed(1)} GiB. Give Docker more memory (Docker Desktop: Settings → Resources) or close other containers.`,
      });
    return { version, memory };
  } catch (error) {
    if (error instanceof ToolMissing)
      problems.push({
        code: exitCodes.dockerMissing,
        message:
          "docker is not installed (not on PATH). Install Docker Engine or Docker Desktop: https://docs.docker.com/get-docker/",
      });
    else if (error instanceof CommandFailed)
      problems.push({
        code: exitCodes.dockerUnreachable,
        message: `docker is installed but the Docker daemon is not reachable:\n${lastLines(error.result.stderr, 3).replace(/^/gm, "      ")}\n    Start Docker (Docker Desktop, or \`sudo systemctl start docker\`) and check that \`docker info\` works without sudo.`,
      });
    else throw error;
    return { version: "", memory: 0 };
  }
}

async function checkTool(
  tool: "kind" | "kubectl",
  args: readonly string[],
  minimum: string,
  codes: { missing: ExitCode; tooOld: ExitCode },
  problems: Problem[],
): Promise<string> {
  const install =
    tool === "kind"
      ? "https://kind.sigs.k8s.io/docs/user/quick-start/#installation"
      : "https://kubernetes.io/docs/tasks/tools/#kubectl";
  try {
    const { stdout } = await run(tool, args);
    const found = parseVersion(tool === "kubectl" ? kubectlClientVersion(stdout) : stdout);
    const wanted = parseVersion(minimum)!;
    if (!found) {
      problems.push({
        code: codes.tooOld,
        message: `could not read ${tool}'s version from "${lastLines(stdout, 1)}"; expected ${tool} ${minimum} or newer. Reinstall it: ${install}`,
      });
      return "";
    }
    const version = found.join(".");
    if (!isAtLeast(found, wanted))
      problems.push({
        code: codes.tooOld,
        message: `${tool} ${version} is too old; this project needs ${tool} ${minimum} or newer. Upgrade: ${install}`,
      });
    return version;
  } catch (error) {
    if (!(error instanceof ToolMissing)) throw error;
    problems.push({
      code: codes.missing,
      message: `${tool} is not installed (not on PATH); this project needs ${tool} ${minimum} or newer. Install it: ${install}`,
    });
    return "";
  }
}

function kubectlClientVersion(stdout: string): string {
  try {
    const parsed = JSON.parse(stdout) as { clientVersion?: { gitVersion?: string } };
    return parsed.clientVersion?.gitVersion ?? "";
  } catch {
    return "";
  }
}

async function checkPorts(ports: readonly number[], problems: Problem[]): Promise<void> {
  for (const port of ports)
    if (!(await portIsFree(port)))
      problems.push({
        code: exitCodes.portTaken,
        message: `port ${port} on this machine is already in use; the remote cluster publishes the gateway there. Find the process (\`ss -ltnp 'sport = :${port}'\` or \`lsof -i :${port}\`) and stop it, or remove an old cluster with \`kind delete cluster --name remote\`.`,
      });
}

/** Runs every check; throws one Failure listing all problems, or returns what was found. */
export async function preflight(options: PreflightOptions): Promise<PreflightReport> {
  const problems: Problem[] = [];
  const [docker, kind, kubectl] = await Promise.all([
    checkDocker(options.minMemoryBytes ?? MIN_DOCKER_MEMORY_BYTES, problems),
    checkTool(
      "kind",
      ["version"],
      options.kindMinVersion,
      { missing: exitCodes.kindMissing, tooOld: exitCodes.kindTooOld },
      problems,
    ),
    checkTool(
      "kubectl",
      // --context like every kubectl call; a client-only call does not need the context to exist yet.
      ["--context", clusters.edge.context, "version", "--client", "--output=json"],
      options.kubectlMinVersion,
      { missing: exitCodes.kubectlMissing, tooOld: exitCodes.kubectlTooOld },
      problems,
    ),
    checkPorts(options.ports, problems),
  ]);
  if (problems.length > 0) {
    problems.sort((a, b) => a.code - b.code);
    throw new Failure(
      `preflight found ${problems.length} problem${problems.length === 1 ? "" : "s"}:\n${problems
        .map((p) => `  - [exit ${p.code}] ${p.message}`)
        .join("\n")}`,
      problems[0]!.code,
    );
  }
  return Object.freeze({ docker: docker.version, memoryBytes: docker.memory, kind, kubectl });
}

export function describePreflight(report: PreflightReport): string {
  return `docker ${report.docker} (${(report.memoryBytes / GiB).toFixed(1)} GiB), kind ${report.kind}, kubectl ${report.kubectl}`;
}
