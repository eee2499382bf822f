// Test support: a throw-away world for the fake docker/kind/kubectl (fake-tool.ts) — a temp folder with a
// bin/ of wrappers (the only thing on PATH, so a real docker on the test machine is never reached), the
// fakes' state, their call log, and separate state/ and logs/ folders for the bootstrap under test.
import { execFile, execFileSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { REPO_ROOT } from "../../lib/topology.ts";
import type { FakeWorld } from "./fake-tool.ts";

export type FakeToolName = "docker" | "kind" | "kubectl";

export interface FakeCall {
  tool: FakeToolName;
  argv: string[];
  stdinObjects?: string[];
  /** For `docker build`: the lines of the .dockerignore BuildKit would use (beside --file). */
  dockerignore?: string[];
}

export interface AppliedInput {
  context: string;
  input: {
    items: { kind: string; metadata: { name: string; namespace?: string }; [key: string]: unknown }[];
  };
}

export interface Fakes {
  readonly root: string;
  readonly stateDir: string;
  readonly logsDir: string;
  readonly env: Record<string, string>;
  calls(): FakeCall[];
  world(): FakeWorld;
  setWorld(change: (world: FakeWorld) => void): void;
  /** What `kubectl apply -f -` received (the fake clusters' store). */
  applied(): AppliedInput[];
  clearCalls(): void;
  cleanup(): void;
}

const FAKE_TOOL = fileURLToPath(new URL("./fake-tool.ts", import.meta.url));

export function defaultWorld(): FakeWorld {
  return {
    docker: { reachable: true, version: "28.5.1", memTotal: 16 * 1024 ** 3 },
    kind: { version: "0.33.0", clusters: [] },
    kubectl: { version: "1.36.0" },
    images: {},
    loaded: {},
    failures: [],
  };
}

/** A loopback port that was free a moment ago (for tests that must not touch the real gateway port). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

let kustomize: string | null | undefined;

/**
 * The real kustomize binary built by scripts/tools/go-tools.sh (cached; `make test` builds it first), or
 * null when it cannot be had — then the fake kubectl falls back to recorded renderings.
 */
export function realKustomize(): string | null {
  if (kustomize === undefined) {
    try {
      kustomize = execFileSync(join(REPO_ROOT, "scripts", "tools", "go-tools.sh"), ["path", "kustomize"], {
        encoding: "utf8",
        stdio: ["ignore", "pipe", "ignore"],
        timeout: 900_000,
      }).trim();
    } catch {
      kustomize = null;
    }
  }
  return kustomize;
}

export async function createFakes(
  options: { tools?: readonly FakeToolName[]; world?: (world: FakeWorld) => void } = {},
): Promise<Fakes> {
  const root = mkdtempSync(join(tmpdir(), "otel-e2r-fakes-"));
  const bin = join(root, "bin");
  mkdirSync(bin);
  for (const tool of options.tools ?? ["docker", "kind", "kubectl"]) {
    const wrapper = join(bin, tool);
    writeFileSync(wrapper, `#!/bin/sh\nexec "${process.execPath}" "${FAKE_TOOL}" ${tool} "$@"\n`);
    chmodSync(wrapper, 0o755);
  }
  const statePath = join(root, "fake-world.json");
  const world = defaultWorld();
  options.world?.(world);
  writeFileSync(statePath, JSON.stringify(world, null, 2));
  const log = join(root, "calls.jsonl");
  const applied = join(root, "fake-cluster-store.jsonl");
  const env: Record<string, string> = {
    PATH: bin,
    HOME: root,
    NO_COLOR: "1",
    FAKE_STATE: statePath,
    FAKE_LOG: log,
    FAKE_APPLIED: applied,
    OTEL_E2R_STATE_DIR: join(root, "state"),
    OTEL_E2R_LOGS_DIR: join(root, "logs"),
    OTEL_E2R_PREFLIGHT_GATEWAY_PORT: String(await freePort()),
  };
  const renderer = realKustomize();
  if (renderer) env.FAKE_KUSTOMIZE = renderer;
  const readJsonLines = <T>(path: string): T[] =>
    existsSync(path)
      ? readFileSync(path, "utf8")
          .split("\n")
          .filter((line) => line !== "")
          .map((line) => JSON.parse(line) as T)
      : [];
  return {
    root,
    stateDir: env.OTEL_E2R_STATE_DIR!,
    logsDir: env.OTEL_E2R_LOGS_DIR!,
    env,
    calls: () => readJsonLines<FakeCall>(log),
    world: () => JSON.parse(readFileSync(statePath, "utf8")) as FakeWorld,
    setWorld(change) {
      const current = JSON.parse(readFileSync(statePath, "utf8")) as FakeWorld;
      change(current);
      writeFileSync(statePath, JSON.stringify(current, null, 2));
    },
    applied: () => readJsonLines<AppliedInput>(applied),
    clearCalls: () => rmSync(log, { force: true }),
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  };
}

export interface ScriptResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Runs `scripts/bootstrap/<name>.ts` with Node 24 in the fakes' environment (and nothing else on PATH). */
export function runBootstrap(
  fakes: Fakes,
  name: string,
  args: readonly string[] = [],
  extraEnv: Record<string, string> = {},
): Promise<ScriptResult> {
  const script = join(REPO_ROOT, "scripts", "bootstrap", `${name}.ts`);
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
