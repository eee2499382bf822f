// The Go toolchain as the builds use it: the hygiene every build shares (no cgo, no toolchain download,
// -trimpath, no silent fall-back from the module proxy to git), the minimum Go version, and the module
// operations the recipes need. A recipe runs `go` only through a GoSession, whose output goes to the
// build's log file instead of the terminal (the progress line stays readable; the log's tail is shown on
// failure).
import { appendFileSync, chmodSync, copyFileSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { execa } from "execa";
import { Failure, exitCodes, type ExitCode } from "../lib/exit-codes.ts";

/** The oldest Go that builds every pinned tool (their go.mod files ask for it). */
export const MIN_GO_VERSION = "1.26";

/** `go1.26.8` → [1, 26, 8]; undefined when not a release version. */
export function parseGoVersion(text: string): [number, number, number] | undefined {
  const match = /\bgo(\d+)\.(\d+)(?:\.(\d+))?\b/.exec(text);
  return match ? [Number(match[1]), Number(match[2]), Number(match[3] ?? 0)] : undefined;
}

/** The installed Go's version, or undefined when `go` is not on PATH. */
export async function installedGo(): Promise<string | undefined> {
  const result = await execa("go", ["version"], { reject: false });
  if ((result as { code?: string }).code === "ENOENT" || result.exitCode !== 0) return undefined;
  const version = parseGoVersion(String(result.stdout));
  return version ? version.join(".") : String(result.stdout).trim();
}

/** Whether an installed Go ("1.26.8") can build the pinned tools. */
export function goNewEnough(version: string): boolean {
  const [major, minor] = MIN_GO_VERSION.split(".").map(Number) as [number, number];
  const [haveMajor = 0, haveMinor = 0] = version.split(".").map(Number);
  return haveMajor > major || (haveMajor === major && haveMinor >= minor);
}

/** What is wrong with this machine's Go for the builds, or undefined when it will do. */
export async function goProblem(): Promise<{ text: string; code: ExitCode } | undefined> {
  const found = await installedGo();
  if (found === undefined) return { text: "Go is not installed", code: exitCodes.goMissing };
  if (!goNewEnough(found))
    return { text: `Go ${found} is older than ${MIN_GO_VERSION}`, code: exitCodes.goTooOld };
  return undefined;
}

/** Throws a clear Failure unless Go ≥ MIN_GO_VERSION is installed; `why` says what needs it. */
export async function requireGo(why: string): Promise<void> {
  const problem = await goProblem();
  if (problem)
    throw new Failure(
      `${problem.text}, and it is needed to build ${why}: install Go ${MIN_GO_VERSION} or newer (https://go.dev/dl/) and run this again.`,
      problem.code,
    );
}

let cachedEnv: Promise<Record<string, string>> | undefined;

/** The environment every Go build runs with. */
export function goEnvironment(): Promise<Record<string, string>> {
  cachedEnv ??= (async () => {
    // No DWARF from the compiler: no one debugs these binaries (most are stripped at link time anyway), and
    // not making it took 5 % off a build and 22 % off its build cache (crictl, empty cache, 2026-12-05).
    const env: Record<string, string> = {
      CGO_ENABLED: "0",
      GOTOOLCHAIN: "local",
      GOFLAGS: "-trimpath -gcflags=all=-dwarf=false",
    };
    // A trailing ",direct" makes a proxy miss fall back to a git clone, which fails where only the module
    // proxy is reachable and hides the proxy's real answer.
    const proxy = String((await execa("go", ["env", "GOPROXY"])).stdout).trim();
    if (proxy.endsWith(",direct") && proxy !== "direct") env.GOPROXY = proxy.slice(0, -",direct".length);
    return env;
  })();
  return cachedEnv;
}

/** A failed go command: the message names it; the output is in the build's log. */
export class GoCommandFailed extends Error {}

/** Runs the go commands of one build, appending their output to its log file. */
export class GoSession {
  readonly logFile: string;
  private readonly onNote: (line: string) => void;

  constructor(logFile: string, onNote: (line: string) => void = () => {}) {
    this.logFile = logFile;
    this.onNote = onNote;
  }

  /** A line for the log and the progress display ("kubernetes: kube-apiserver"). */
  note(line: string): void {
    appendFileSync(this.logFile, `## ${line}\n`);
    this.onNote(line);
  }

  /** Runs a program (go, or a tool the build made) with the Go environment; throws on failure. */
  async run(
    file: string,
    args: readonly string[],
    options: { cwd?: string; env?: Record<string, string> } = {},
  ): Promise<string> {
    appendFileSync(this.logFile, `$ ${[file, ...args].join(" ")}\n`);
    const result = await execa(file, args, {
      cwd: options.cwd ?? tmpdir(),
      env: { ...(await goEnvironment()), ...options.env },
      reject: false,
      all: true,
    });
    appendFileSync(this.logFile, `${String(result.all ?? "")}\n`);
    if (result.exitCode !== 0)
      throw new GoCommandFailed(
        `\`${[file, ...args].join(" ")}\` exited ${result.exitCode ?? "on a signal"}`,
      );
    return String(result.stdout);
  }

  go(args: readonly string[], options: { cwd?: string; env?: Record<string, string> } = {}): Promise<string> {
    return this.run("go", args, options);
  }

  /** The module cache folder of module@version, downloading it first. */
  async moduleDir(spec: string): Promise<string> {
    const info = JSON.parse(await this.go(["mod", "download", "-json", spec])) as { Dir?: string };
    if (!info.Dir) throw new GoCommandFailed(`the Go module proxy did not serve ${spec}`);
    return info.Dir;
  }

  /**
   * `go install pkg@version` refuses a module whose go.mod has replace directives, and ignores a
   * dependency's replace directives. A throwaway main module that requires the module is the standard way
   * around both; the recipe then adds what it needs (requires, replaces) and builds packages from it.
   */
  async throwawayModule(dir: string, spec: string): Promise<void> {
    mkdirSync(dir, { recursive: true });
    await this.go(["mod", "init", "e2r.local/build"], { cwd: dir });
    await this.go(["mod", "edit", "-require", spec], { cwd: dir });
  }

  /**
   * A throwaway module that builds `spec` as its own go.mod would (Jaeger's, Traefik's): it starts from the
   * module's go.sum (whose hashes the checksum database vouches for through the module) and returns the
   * module's go.mod text, whose replace and require directives the recipe then repeats.
   */
  async throwawayLike(dir: string, spec: string): Promise<string> {
    const source = await this.moduleDir(spec);
    await this.throwawayModule(dir, spec);
    copyFileSync(join(source, "go.sum"), join(dir, "go.sum"));
    chmodSync(join(dir, "go.sum"), 0o644);
    return readFileSync(join(source, "go.mod"), "utf8");
  }
}

/** The module cache folder of module@version, outside any build (for cache keys). */
export async function moduleDirOf(spec: string): Promise<string> {
  if ((await installedGo()) === undefined)
    throw new Failure(
      `Go is not installed, and ${spec} comes from the Go module proxy. Install Go ${MIN_GO_VERSION} or newer (https://go.dev/dl/) and run this again.`,
      exitCodes.goMissing,
    );
  const result = await execa("go", ["mod", "download", "-json", spec], {
    cwd: tmpdir(),
    env: await goEnvironment(),
    reject: false,
  });
  const dir = result.exitCode === 0 ? (JSON.parse(String(result.stdout)) as { Dir?: string }).Dir : undefined;
  if (!dir) throw new Error(`the Go module proxy did not serve ${spec}: ${String(result.stderr).trim()}`);
  return dir;
}
