// Test support for the failure paths a real machine cannot produce on demand — Docker missing or down,
// Podman posing as docker, kind or kubectl missing or too old, too little memory, no cluster, no Debian
// mirror, an old Go — with stand-in `docker`, `kind`, `kubectl`, `apt-get` and `go` executables. They answer only the few read-only calls preflight and the "not ready" paths
// make, log every call, and fail loudly (exit 99) on anything else, so a test sees at once when a
// command went further than it should. Everything that works is proven against the real tools by the
// real-cluster suite (scripts/suites/clusters).
import { writeTranscript } from "../../docs/transcripts.ts";
import { execFile } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { REPO_ROOT } from "../../lib/topology.ts";
import { freePort } from "../../lib/ports.ts";
import { versions } from "../../lib/versions.ts";

export type FakeToolName = "docker" | "kind" | "kubectl" | "apt-get" | "go";

export interface FakeWorld {
  /** `docker info`'s answer, or "down" for a daemon that does not answer. */
  docker: { version: string; memTotal: number; rootDir?: string } | "down";
  /** What `docker --version` calls itself: Podman's docker emulation says "podman". */
  dockerClient: "docker" | "podman";
  /** `docker image inspect` finds every image (true) or none (false); `docker pull` then fails as offline. */
  imagesPresent: boolean;
  kind: { version: string; clusters: readonly string[] };
  kubectl: { version: string };
  /** `go version`'s Go. */
  go: { version: string };
}

export function defaultWorld(): FakeWorld {
  return {
    docker: { version: "28.5.1", memTotal: 16 * 1024 ** 3 },
    dockerClient: "docker",
    imagesPresent: true,
    // The pins themselves, so that a bump in versions.env keeps the healthy world healthy.
    kind: { version: versions().KIND_VERSION, clusters: [] },
    kubectl: { version: versions().KUBECTL_MIN_VERSION },
    go: { version: "1.26.8" },
  };
}

const SCRIPTS: Record<FakeToolName, string> = {
  docker: `case "$1 $2" in
  "--version "*) if [ "$FAKE_DOCKER_CLIENT" = podman ]; then echo "podman version 4.3.1"; else echo "Docker version 28.5.1, build fake"; fi ;;
  "version "*|"info "*) if [ "$FAKE_DOCKER" = down ]; then
      echo "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?" >&2; exit 1
    fi
    case "$*" in
      *DockerRootDir*) echo "$FAKE_DOCKER_ROOT" ;;
      *Server.Version*) echo "\${FAKE_DOCKER%% *}" ;;
      *) echo "$FAKE_DOCKER" ;;
    esac ;;
  "image inspect") [ "$FAKE_IMAGES" = present ] && echo "sha256:fake" || { echo "Error: No such image: $5" >&2; exit 1; } ;;
  "pull "*) echo "Error response from daemon: Get \\"https://registry-1.docker.io/v2/\\": dial tcp: lookup registry-1.docker.io on 127.0.0.53:53: no such host" >&2; exit 1 ;;
  *) echo "fake docker: unexpected call: $*" >&2; exit 99 ;;
esac`,
  kind: `case "$1 $2" in
  "version "*) echo "kind v$FAKE_KIND_VERSION go1.26.8 linux/amd64" ;;
  "get clusters") if [ -z "$FAKE_KIND_CLUSTERS" ]; then echo "No kind clusters found." >&2; else printf '%s\\n' $FAKE_KIND_CLUSTERS; fi ;;
  *) echo "fake kind: unexpected call: $*" >&2; exit 99 ;;
esac`,
  kubectl: `[ "$1" = --context ] || { echo "fake kubectl: every call needs --context first: $*" >&2; exit 98; }
case " $* " in
  *" version --client --output=json "*) echo "{\\"clientVersion\\":{\\"gitVersion\\":\\"v$FAKE_KUBECTL_VERSION\\"}}" ;;
  *" port-forward "*) echo "error: context \\"$2\\" does not exist" >&2; exit 1 ;;
  *) echo "fake kubectl: unexpected call: $*" >&2; exit 99 ;;
esac`,
  // apt-get as it answers where no Debian mirror can be reached.
  "apt-get": `case "$1" in
  update) echo "W: Failed to fetch http://deb.debian.org/debian/dists/bookworm/InRelease  Temporary failure resolving 'deb.debian.org'" >&2
    echo "W: Some index files failed to download. They have been ignored, or old ones used instead." >&2 ;;
  install) echo "E: Unable to locate package $5" >&2; exit 100 ;;
  *) echo "fake apt-get: unexpected call: $*" >&2; exit 99 ;;
esac`,
  go: `case "$1" in
  version) echo "go version go$FAKE_GO_VERSION linux/amd64" ;;
  *) echo "fake go: unexpected call: $*" >&2; exit 99 ;;
esac`,
};

export interface Fakes {
  readonly root: string;
  readonly stateDir: string;
  readonly env: Record<string, string>;
  /** Every call the fakes got, as "tool arg arg…". */
  calls(): string[];
  cleanup(): void;
}

/** A loopback port nothing listens on (taken free, then released). */
async function closedPort(): Promise<number> {
  return freePort();
}

export async function createFakes(
  options: { tools?: readonly FakeToolName[]; world?: (world: FakeWorld) => void } = {},
): Promise<Fakes> {
  const root = mkdtempSync(join(tmpdir(), "otel-e2r-fakes-"));
  const bin = join(root, "bin");
  mkdirSync(bin);
  const log = join(root, "calls.log");
  for (const tool of options.tools ?? ["docker", "kind", "kubectl"]) {
    writeFileSync(join(bin, tool), `#!/bin/sh\necho "${tool} $*" >> "$FAKE_LOG"\n${SCRIPTS[tool]}\n`);
    chmodSync(join(bin, tool), 0o755);
  }
  const world = defaultWorld();
  options.world?.(world);
  const env: Record<string, string> = {
    // Only the fakes: a real docker on the test machine is never reached (the fakes name /bin/sh).
    PATH: bin,
    HOME: root,
    NO_COLOR: "1",
    FAKE_LOG: log,
    FAKE_DOCKER: world.docker === "down" ? "down" : `${world.docker.version} ${world.docker.memTotal}`,
    FAKE_DOCKER_ROOT: world.docker === "down" ? "" : (world.docker.rootDir ?? join(root, "docker")),
    FAKE_DOCKER_CLIENT: world.dockerClient,
    FAKE_IMAGES: world.imagesPresent ? "present" : "absent",
    FAKE_GO_VERSION: world.go.version,
    FAKE_KIND_VERSION: world.kind.version,
    FAKE_KIND_CLUSTERS: world.kind.clusters.join(" "),
    FAKE_KUBECTL_VERSION: world.kubectl.version,
    OTEL_E2R_STATE_DIR: join(root, "state"),
    OTEL_E2R_LOGS_DIR: join(root, "logs"),
    OTEL_E2R_PREFLIGHT_GATEWAY_PORT: String(await freePort()),
    // The outside world is a closed port on loopback: a release download or a registry probe fails at once,
    // and no test traffic leaves this machine.
    OTEL_E2R_RELEASE_MIRROR: `http://127.0.0.1:${await closedPort()}`,
    OTEL_E2R_REGISTRY_URL: `http://127.0.0.1:${await closedPort()}/v2/`,
  };
  return {
    root,
    stateDir: env.OTEL_E2R_STATE_DIR!,
    env,
    calls: () =>
      existsSync(log)
        ? readFileSync(log, "utf8")
            .split("\n")
            .filter((line) => line !== "")
        : [],
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  };
}

export interface ScriptResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `scripts/commands/<name>.ts` with this Node in the fakes' environment; `runner` replaces this Node
 * (e.g. setpriv and a Node copy, to run it as another user).
 */
export function runBootstrap(
  fakes: Fakes,
  name: string,
  args: readonly string[] = [],
  extraEnv: Record<string, string> = {},
  runner: readonly string[] = [process.execPath],
): Promise<ScriptResult> {
  const script = join(REPO_ROOT, "scripts", "commands", `${name}.ts`);
  const [file, ...before] = runner;
  return new Promise((resolve) => {
    execFile(
      file!,
      [...before, script, ...args],
      { cwd: REPO_ROOT, env: { ...fakes.env, ...extraEnv }, maxBuffer: 16 * 1024 * 1024, timeout: 120_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
        resolve({ exitCode: code, stdout, stderr });
      },
    );
  });
}

/**
 * Keeps a run's output as docs/transcripts/<name>.txt (the troubleshooting page quotes it), with the
 * fakes' temporary folders written as a reader's machine has them.
 */
export function keepTranscript(
  name: string,
  command: string,
  result: ScriptResult,
  fakes: Fakes,
  replacements: ReadonlyArray<readonly [string, string]> = [],
): void {
  writeTranscript(name, command, result, {
    replacements: [...replacements, [fakes.stateDir, "<repo>/.state"], [fakes.root, "<tmp>"]],
  });
}
