// The Docker engine `make up` needs. One answers: use it as it is (and refuse Podman, which kind's Docker
// provider cannot drive the way the project needs). None answers: on a Debian-like machine, as root, start
// the project's own (hack/engine/docker-engine.sh, with Debian's docker.io installed first); anywhere else,
// one message saying exactly what to start or install. `make down` stops only the engine the project
// started, and PURGE=1 also deletes its data.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { CACHE_DIR } from "../lib/cache.ts";
import { REPO_ROOT } from "../lib/topology.ts";
import { ToolMissing, lastLines, run } from "../lib/exec.ts";
import { Failure, exitCodes } from "../lib/exit-codes.ts";
import { ensurePackages, missingPackages } from "./apt.ts";
import { recordTiming } from "../gobuild/build.ts";
import { host, type Host } from "./host.ts";

const SCRIPT = join(REPO_ROOT, "hack", "engine", "docker-engine.sh");
const PIDFILE = join(CACHE_DIR, "docker-engine", "dockerd.pid");

/** What the engine needs from Debian, command → package (busybox: the privileged probe's image). */
const ENGINE_PACKAGES = Object.freeze({ dockerd: "docker.io", jq: "jq", busybox: "busybox-static" });

export type EngineState =
  | { readonly answers: true; readonly version: string; readonly ours: boolean }
  | { readonly answers: false; readonly cliMissing: boolean; readonly error: string };

/** Whether the engine this project started is running (its pid file names a live process). */
export function oursRunning(): boolean {
  if (!existsSync(PIDFILE)) return false;
  try {
    process.kill(Number(readFileSync(PIDFILE, "utf8").trim()), 0);
    return true;
  } catch {
    return false;
  }
}

export async function engineState(): Promise<EngineState> {
  try {
    const version = await run("docker", ["version", "--format", "{{.Server.Version}}"], {
      allowFailure: true,
    });
    if (version.exitCode === 0 && version.stdout.trim() !== "") {
      const client = await run("docker", ["--version"], { allowFailure: true });
      if (/podman/i.test(client.stdout + version.stdout))
        throw new Failure(
          "`docker` here is Podman. kind's Podman provider is not supported by this project (its network and image loading differ, and nothing proves it here): use Docker Engine or Docker Desktop. See the platform table in the README.",
          exitCodes.podmanUnsupported,
        );
      return { answers: true, version: version.stdout.trim(), ours: oursRunning() };
    }
    return { answers: false, cliMissing: false, error: lastLines(version.stderr, 2) };
  } catch (error) {
    if (error instanceof ToolMissing) return { answers: false, cliMissing: true, error: "" };
    throw error;
  }
}

export type EnginePlan = { readonly action: "use"; readonly version: string } | { readonly action: "start" };

/**
 * What to do about the engine, or a Failure that says exactly what the user must start or install. The
 * project starts its own only where it can and where no engine of the user's is merely stopped.
 */
export function planEngine(state: EngineState, facts: Host = host()): EnginePlan {
  if (state.answers) return { action: "use", version: state.version };
  const detail = state.cliMissing
    ? " (docker is not installed: not on PATH)"
    : state.error
      ? `:\n${state.error.replace(/^/gm, "      ")}`
      : "";
  if (facts.dockerDesktop)
    throw new Failure(
      `Docker Desktop is installed but its engine does not answer${detail}\n    Start it (${facts.platform === "darwin" ? "`open -a Docker`" : "from the Start menu or `systemctl --user start docker-desktop`"}), wait until \`docker info\` works, then run make up again.`,
      exitCodes.dockerUnreachable,
    );
  if (facts.platform !== "linux")
    throw new Failure(
      `no Docker engine answers${detail}\n    Install and start Docker Desktop (https://docs.docker.com/desktop/), or another Docker engine, then run make up again.`,
      state.cliMissing ? exitCodes.dockerMissing : exitCodes.dockerUnreachable,
    );
  if (facts.systemd && existsSync("/lib/systemd/system/docker.service"))
    throw new Failure(
      `this machine's Docker engine is installed but not running${detail}\n    Start it: \`sudo systemctl start docker\` (and make sure \`docker info\` works without sudo), then run make up again.`,
      exitCodes.dockerUnreachable,
    );
  if (!facts.debianLike)
    throw new Failure(
      `no Docker engine answers, and this is not a Debian-like machine the project can install one on${detail}\n    Install Docker Engine (https://docs.docker.com/engine/install/) and start it, then run make up again.`,
      state.cliMissing ? exitCodes.dockerMissing : exitCodes.dockerUnreachable,
    );
  if (!facts.root)
    throw new Failure(
      `no Docker engine answers. make up can install and start Debian's engine for you, which needs root: run \`sudo make up\`. Or install Docker Engine yourself (https://docs.docker.com/engine/install/debian/), start it and add yourself to the docker group.`,
      exitCodes.needsRoot,
    );
  return { action: "start" };
}

export function describeEnginePlan(plan: EnginePlan): string {
  return plan.action === "use"
    ? `Docker ${plan.version} answers`
    : "no Docker engine answers: make up starts the project's own (Debian's docker.io, data under the project's cache folder)";
}

/** Installs Debian's engine if needed and starts the project's; returns what it did. */
export async function startEngine(note: (line: string) => void): Promise<string> {
  const started = performance.now();
  const installed = missingPackages(ENGINE_PACKAGES).length > 0;
  await ensurePackages(ENGINE_PACKAGES, "the project's Docker engine", note);
  const result = await run(SCRIPT, ["start"], { allowFailure: true });
  for (const line of result.stderr.trim().split("\n"))
    if (line !== "") note(line.replace(/^\[docker-engine\] /, ""));
  if (result.exitCode !== 0)
    throw new Failure(
      `the project's Docker engine did not start (see above; its log is under ${CACHE_DIR}/docker-engine)`,
      exitCodes.stepFailed,
    );
  recordTiming("engine", (performance.now() - started) / 1000, { installed });
  return "the project's Docker engine started";
}

/** Stops the engine the project started (PURGE: and deletes its data); undefined when there was none. */
export async function stopEngine(purge: boolean): Promise<string | undefined> {
  const dataExists = existsSync(join(CACHE_DIR, "docker-engine"));
  if (!oursRunning() && !(purge && dataExists)) return undefined;
  const result = await run(SCRIPT, [purge ? "purge" : "stop"], { allowFailure: true });
  if (result.exitCode !== 0)
    throw new Failure(
      `could not stop the project's Docker engine:\n${lastLines(result.stderr, 5)}`,
      exitCodes.stepFailed,
    );
  return purge
    ? "the project's Docker engine: stopped, its data deleted"
    : "the project's Docker engine: stopped (make down PURGE=1 also deletes its data)";
}
