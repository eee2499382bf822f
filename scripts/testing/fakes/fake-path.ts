// Test support for the failure paths a real machine cannot produce on demand — Docker missing or down,
// kind or kubectl missing or too old, too little memory, no cluster — with stand-in `docker`, `kind` and
// `kubectl` executables. They answer only the few read-only calls preflight and the "not ready" paths
// make, log every call, and fail loudly (exit 99) on anything else, so a test sees at once when a
// command went further than it should. Everything that works is proven against the real tools by the
// real-cluster suite (scripts/suites/clusters).
import { execFile } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { REPO_ROOT } from "../../lib/topology.ts";
import { freePort } from "../../lib/ports.ts";
import { versions } from "../../lib/versions.ts";

export type FakeToolName = "docker" | "kind" | "kubectl";

export interface FakeWorld {
  /** `docker info`'s answer, or "down" for a daemon that does not answer. */
  docker: { version: string; memTotal: number } | "down";
  kind: { version: string; clusters: readonly string[] };
  kubectl: { version: string };
}

export function defaultWorld(): FakeWorld {
  return {
    docker: { version: "28.5.1", memTotal: 16 * 1024 ** 3 },
    // The pins themselves, so that a bump in versions.env keeps the healthy world healthy.
    kind: { version: versions().KIND_VERSION, clusters: [] },
    kubectl: { version: versions().KUBECTL_MIN_VERSION },
  };
}

const SCRIPTS: Record<FakeToolName, string> = {
  docker: `case "$1" in
  info) if [ "$FAKE_DOCKER" = down ]; then
      echo "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?" >&2; exit 1
    fi; echo "$FAKE_DOCKER" ;;
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
};

export interface Fakes {
  readonly root: string;
  readonly stateDir: string;
  readonly env: Record<string, string>;
  /** Every call the fakes got, as "tool arg arg…". */
  calls(): string[];
  cleanup(): void;
}

export async function createFakes(
  options: { tools?: readonly FakeToolName[]; world?: (world: FakeWorld) => void } = {},
): Promise<Fakes> {
  const root = mkdtempSync(join(tmpdir(), "otel-e2r-fakes-"));
  const bin = join(root, "bin");
  mkdirSync(bin);
  const log = join(root, "calls.log");
  for (const tool of options.tools ?? ["docker", "kind", "kubectl"]) {
    writeFileSync(join(bin, tool), `#!/bin/bash\necho "${tool} $*" >> "$FAKE_LOG"\n${SCRIPTS[tool]}\n`);
    chmodSync(join(bin, tool), 0o755);
  }
  const world = defaultWorld();
  options.world?.(world);
  const env: Record<string, string> = {
    // Only the fakes: a real docker on the test machine is never reached (the fakes name /bin/bash).
    PATH: bin,
    HOME: root,
    NO_COLOR: "1",
    FAKE_LOG: log,
    FAKE_DOCKER: world.docker === "down" ? "down" : `${world.docker.version} ${world.docker.memTotal}`,
    FAKE_KIND_VERSION: world.kind.version,
    FAKE_KIND_CLUSTERS: world.kind.clusters.join(" "),
    FAKE_KUBECTL_VERSION: world.kubectl.version,
    OTEL_E2R_STATE_DIR: join(root, "state"),
    OTEL_E2R_LOGS_DIR: join(root, "logs"),
    OTEL_E2R_PREFLIGHT_GATEWAY_PORT: String(await freePort()),
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

/** Runs `scripts/commands/<name>.ts` with this Node in the fakes' environment. */
export function runBootstrap(
  fakes: Fakes,
  name: string,
  args: readonly string[] = [],
  extraEnv: Record<string, string> = {},
): Promise<ScriptResult> {
  const script = join(REPO_ROOT, "scripts", "commands", `${name}.ts`);
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [script, ...args],
      { cwd: REPO_ROOT, env: { ...fakes.env, ...extraEnv }, maxBuffer: 16 * 1024 * 1024, timeout: 120_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
        resolve({ exitCode: code, stdout, stderr });
      },
    );
  });
}
