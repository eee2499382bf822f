// `make up`'s set-up on a machine that lacks something, where the set-up cannot fix it or must refuse: the
// real thing wherever it can be had on demand (a non-root user, a small filesystem, a loopback release
// server serving a right and a wrong checksum), a stand-in tool otherwise (apt-get with no mirror, which no
// test may reach for real). Each gets one message, its exit code, and nothing half-done. What works is
// proven by the real-cluster suite (its first step is make up on a fresh machine).
import { execFileSync } from "node:child_process";
import {
  copyFileSync,
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { createHash } from "node:crypto";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { exitCodes } from "../lib/exit-codes.ts";
import { versions } from "../lib/versions.ts";
import { createFakes, keepTranscript, runBootstrap, type Fakes } from "../testing/fakes/fake-path.ts";

const TIMEOUT_MS = 120_000;
const root = process.getuid?.() === 0;
let fakes: Fakes | undefined;
let server: Server | undefined;
const cleanups: (() => void)[] = [];
afterEach(() => {
  // Mounts inside the fakes' folder come off before it is removed.
  for (const cleanup of cleanups.splice(0)) cleanup();
  fakes?.cleanup();
  fakes = undefined;
  server?.close();
  server = undefined;
});

const noStack = (text: string) => expect(text).not.toMatch(/\n\s+at /);
/** The real Go's caches, so that cache keys are computed offline (GOPROXY=off: never the network). */
const goEnv = () => {
  const [modcache = "", cache = ""] = execFileSync("go", ["env", "GOMODCACHE", "GOCACHE"], {
    encoding: "utf8",
  }).split("\n");
  return { GOMODCACHE: modcache, GOCACHE: cache, GOPROXY: "off", GOFLAGS: "-mod=mod" };
};
const linkRealGo = (f: Fakes) =>
  symlinkSync(
    execFileSync("sh", ["-c", "command -v go"], { encoding: "utf8" }).trim(),
    join(f.root, "bin", "go"),
  );

/**
 * Empty Go caches and the project's cache (where the engine's data would go) on a tmpfs whose size is only
 * a limit, so the disk preflight finds room for them whatever this machine has free: a landing run on a disk with
 * about 20 GiB free stopped here at exit 22 (2026-12-05), before the step this test is about.
 */
function roomyGoCaches(f: Fakes): Record<string, string> {
  const cache = join(f.root, ".cache");
  mkdirSync(cache, { recursive: true });
  execFileSync("mount", ["-t", "tmpfs", "-o", "size=64g", "tmpfs", cache]);
  cleanups.push(() => execFileSync("umount", [cache]));
  return { ...goEnv(), GOMODCACHE: join(cache, "go-mod"), GOCACHE: join(cache, "go-build") };
}

/** A Debian-like machine (apt-get, stand-in) whose Docker engine does not answer. */
const debianWithoutEngine = () =>
  createFakes({ tools: ["docker", "kind", "kubectl", "apt-get"], world: (w) => void (w.docker = "down") });

describe("make up's set-up where it cannot proceed", { timeout: TIMEOUT_MS }, () => {
  it.runIf(root)(
    "no engine answers on a Debian-like machine, as a user without root → exit 20: run it with sudo, or install Docker",
    async () => {
      fakes = await debianWithoutEngine();
      // The real thing: an unprivileged user (nobody), with its own copy of this Node (root's home is closed).
      chmodSync(fakes.root, 0o777);
      const node = join(fakes.root, "node");
      copyFileSync(process.execPath, node);
      chmodSync(node, 0o755);
      const setpriv = execFileSync("sh", ["-c", "command -v setpriv"], { encoding: "utf8" }).trim();
      const result = await runBootstrap(fakes, "up", [], {}, [
        setpriv,
        "--reuid=65534",
        "--regid=65534",
        "--clear-groups",
        node,
      ]);
      keepTranscript("make-up-needs-root", "make up", result, fakes);
      expect(result.exitCode).toBe(exitCodes.needsRoot);
      expect(result.stdout).toContain(
        "[exit 20] no Docker engine answers. make up can install and start Debian's engine for you, which needs root: run `sudo make up`",
      );
      noStack(result.stdout + result.stderr);
      expect(fakes.calls().filter((c) => c.startsWith("apt-get"))).toEqual([]);
    },
  );

  it.runIf(root)(
    "no engine, as root, and no Debian mirror reachable → exit 21 naming the packages and apt's answer; no engine started",
    async () => {
      fakes = await debianWithoutEngine();
      linkRealGo(fakes);
      const result = await runBootstrap(fakes, "up", [], roomyGoCaches(fakes));
      expect(result.stdout).toContain("engine: no Docker engine answers: make up starts the project's own");
      keepTranscript("make-up-apt-failed", "make up", result, fakes);
      expect(result.exitCode).toBe(exitCodes.aptFailed);
      expect(result.stdout).toMatch(/\[2\/10\] Docker engine/);
      expect(result.stdout).toMatch(
        /apt-get could not install docker\.io, jq, busybox-static for the project's Docker engine:\n[\s\S]*Temporary failure resolving 'deb\.debian\.org'[\s\S]*Is a Debian mirror reachable\? Check with `apt-get update`/,
      );
      expect(fakes.calls().filter((c) => c.startsWith("apt-get"))).toEqual([
        "apt-get install -y -qq --no-install-recommends docker.io jq busybox-static",
        "apt-get update -qq",
        "apt-get install -y -qq --no-install-recommends docker.io jq busybox-static",
      ]);
      expect(existsSync(join(fakes.root, ".cache", "otel-edge-to-remote", "docker-engine"))).toBe(false);
      noStack(result.stdout + result.stderr);
    },
  );

  it.runIf(root)(
    "no registry answers and the engine's disk is too small for the offline build → exit 22 at preflight, with what it needs and has",
    async () => {
      const small = mkdtempSync(join(tmpdir(), "otel-e2r-small-disk-"));
      execFileSync("mount", ["-t", "tmpfs", "-o", "size=64m", "tmpfs", small]);
      cleanups.push(() => {
        execFileSync("umount", [small]);
        rmSync(small, { recursive: true, force: true });
      });
      fakes = await createFakes({
        tools: ["docker", "kind", "kubectl"],
        world: (w) => {
          w.docker = { version: "28.5.1", memTotal: 16 * 1024 ** 3, rootDir: small };
          w.imagesPresent = false;
        },
      });
      linkRealGo(fakes);
      // Go's caches on the roomy tmpfs, so the engine's folder is the one problem whatever this disk has.
      const result = await runBootstrap(fakes, "up", [], roomyGoCaches(fakes));
      keepTranscript("make-up-not-enough-disk", "make up", result, fakes, [[small, "/var/lib/docker"]]);
      expect(result.exitCode).toBe(exitCodes.notEnoughDisk);
      expect(result.stdout).toMatch(
        /images: no registry reachable \(127\.0\.0\.1:\d+: ECONNREFUSED\): building them from source/,
      );
      expect(result.stdout).toMatch(
        new RegExp(
          `\\[exit 22\\] the offline build needs about \\d+\\.\\d GiB free on the filesystem of ${small}, and it has 0\\.1 GiB`,
        ),
      );
      expect(fakes.calls().filter((c) => /^docker (pull|run|build|load|save)/.test(c))).toEqual([]);
      noStack(result.stdout + result.stderr);
    },
  );
});

/** A loopback server with kind's release asset and its checksum file, under the mirror's path scheme. */
async function releaseServer(binary: string, checksum: string): Promise<string> {
  const path = `/github.com/kubernetes-sigs/kind/releases/download/v${versions().KIND_VERSION}/kind-linux-${process.arch === "arm64" ? "arm64" : "amd64"}`;
  server = createServer((request, response) => {
    if (request.url === path) response.end(binary);
    else if (request.url === `${path}.sha256sum`) response.end(`${checksum}  kind-linux-amd64\n`);
    else response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  return `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
}

describe(
  "kind from its release, checksum verified (a loopback server as the release host)",
  { timeout: TIMEOUT_MS },
  () => {
    // The "release" is a stand-in kind that answers like the fakes' and records that it ran.
    const standInKind = `#!/bin/sh\necho "downloaded-kind $*" >> "$FAKE_LOG"\ncase "$1" in version) echo "kind v${versions().KIND_VERSION} go1.26.8 linux/amd64" ;; get) echo "No kind clusters found." >&2 ;; *) exit 99 ;; esac\n`;
    const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");
    const downloads = (f: Fakes) => join(f.root, ".cache", "otel-edge-to-remote", "downloads", "kind");

    it("a binary matching its published checksum is kept in the project's cache and used", async () => {
      fakes = await createFakes({ tools: ["docker", "kubectl"] });
      const mirror = await releaseServer(standInKind, sha256(standInKind));
      const result = await runBootstrap(fakes, "up", ["--no-verify"], { OTEL_E2R_RELEASE_MIRROR: mirror });
      expect(result.stdout).toMatch(/kind: kind is not on PATH: downloading kind \d+\.\d+\.\d+/);
      expect(result.stdout).toMatch(/kind \d+\.\d+\.\d+: checksum verified/);
      expect(existsSync(join(downloads(fakes), versions().KIND_VERSION, "kind"))).toBe(true);
      // From then on it is the kind that make up runs (its version, then the clusters step's calls).
      expect(fakes.calls()).toContain("downloaded-kind version");
      expect(fakes.calls()).toContain("downloaded-kind get clusters");
    });

    it("a binary that does not match is refused: exit 25, both hashes named, nothing left in the cache", async () => {
      fakes = await createFakes({ tools: ["docker", "kubectl"] });
      const mirror = await releaseServer(standInKind, sha256("something else"));
      const result = await runBootstrap(fakes, "up", [], { OTEL_E2R_RELEASE_MIRROR: mirror });
      expect(result.exitCode).toBe(exitCodes.checksumMismatch);
      keepTranscript("make-up-checksum-mismatch", "make up", result, fakes, [[`${mirror}/`, "https://"]]);
      expect(result.stdout).toMatch(
        new RegExp(
          `does not match its published checksum \\(expected sha256 ${sha256("something else")}, got ${sha256(standInKind)}\\); it was deleted`,
        ),
      );
      const left = existsSync(downloads(fakes))
        ? readdirSync(downloads(fakes), { recursive: true }).filter(
            (n) => !String(n).match(/^\d+\.\d+\.\d+$/),
          )
        : [];
      expect(left).toEqual([]);
      expect(fakes.calls().filter((c) => c.startsWith("downloaded-kind"))).toEqual([]);
      noStack(result.stdout + result.stderr);
    });
  },
);

const hasBindfs = (() => {
  try {
    execFileSync("sh", ["-c", "command -v bindfs"]);
    return true;
  } catch {
    return false;
  }
})();

describe(
  "a state folder on a filesystem that ignores file modes (WSL's /mnt/c)",
  { timeout: TIMEOUT_MS },
  () => {
    // bindfs --chmod-ignore behaves as WSL's drvfs does: every file shows 0777, and chmod changes nothing.
    it.runIf(root && hasBindfs)(
      "is refused before anything secret is written: exit 26, what to do instead",
      async () => {
        const source = mkdtempSync(join(tmpdir(), "otel-e2r-drvfs-"));
        const mounted = mkdtempSync(join(tmpdir(), "otel-e2r-mnt-c-"));
        execFileSync("bindfs", ["--chmod-ignore", "--perms=a+rwx", source, mounted]);
        cleanups.push(() => {
          execFileSync("fusermount", ["-u", mounted]);
          rmSync(mounted, { recursive: true, force: true });
          rmSync(source, { recursive: true, force: true });
        });
        fakes = await createFakes();
        const state = join(mounted, "state");
        const result = await runBootstrap(fakes, "regenerate-credentials", [], { OTEL_E2R_STATE_DIR: state });
        keepTranscript("make-regenerate-credentials-mnt-c", "make regenerate-credentials", result, fakes, [
          [state, "/mnt/c/Users/you/otel-edge-to-remote/.state"],
        ]);
        expect(result.exitCode).toBe(exitCodes.stateDirNotPrivate);
        expect(result.stderr).toContain(
          `the state folder ${state} is on a filesystem that ignores file permissions (after chmod 700 it is 777)`,
        );
        expect(result.stderr).toContain("clone the project inside WSL's own filesystem");
        expect(readdirSync(state)).toEqual([]);
        noStack(result.stderr);
      },
    );
  },
);

describe("Node older than the code needs", { timeout: TIMEOUT_MS }, () => {
  it("with a Node 24.1 first on PATH, make up fetches and uses the pinned Node, and runs (it does not exit 0 having done nothing)", async () => {
    // An engine with too little memory: preflight stops there (exit 17), proving that up.ts ran.
    fakes = await createFakes({ world: (w) => void (w.docker = { version: "28.5.1", memTotal: 1024 ** 3 }) });
    const old = join(fakes.root, "old-node");
    mkdirSync(old);
    writeFileSync(join(old, "node"), "#!/bin/sh\necho 24.1.0\n");
    chmodSync(join(old, "node"), 0o755);
    // make, sh and npm from the system; Node's cached copy comes from the real cache (HOME).
    const env = {
      ...fakes.env,
      HOME: process.env.HOME ?? "/root",
      PATH: `${old}:${fakes.env.PATH}:/usr/local/bin:/usr/bin:/bin`,
    };
    const result = (() => {
      try {
        return {
          code: 0,
          out: execFileSync("make", ["--no-print-directory", "up"], {
            cwd: join(import.meta.dirname, "..", ".."),
            env,
            encoding: "utf8",
            stdio: "pipe",
          }),
        };
      } catch (error) {
        const e = error as { status: number; stdout: string; stderr: string };
        return { code: e.status, out: `${e.stdout}${e.stderr}` };
      }
    })();
    expect(result.out).toContain(
      `Node.js 24.1.0 on PATH is older than ${versions().NODE_MIN_VERSION}: using the pinned ${versions().NODE_VERSION}`,
    );
    expect(result.out).toMatch(/\[1\/10\] Preflight/);
    expect(result.out).toMatch(/\[exit 17\] Docker has 1\.0 GiB of memory/);
    expect(result.code).not.toBe(0);
  });
});
