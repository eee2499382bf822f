// `make up`'s preflight failures that no real machine produces on demand — Docker missing or down, Podman,
// kind or kubectl missing or too old with no way to get the pinned ones, an old Go, too little memory, the
// gateway port taken — against stand-in tools (scripts/testing/fakes). Each must stop at preflight with its
// message and exit code, all problems at once, before anything is created. The set-up's own failure paths
// are in first-run.integration.test.ts; what works is proven by the real-cluster suite.
import { createServer, type Server } from "node:net";
import { statSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { clusters, gateway } from "../lib/topology.ts";
import {
  createFakes,
  keepTranscript,
  runBootstrap,
  type FakeToolName,
  type FakeWorld,
  type Fakes,
} from "../testing/fakes/fake-path.ts";
import { portsToCheck } from "./up.ts";
import { exitCodes } from "../lib/exit-codes.ts";

const PROCESS_TEST_TIMEOUT_MS = 120_000;
let fakes: Fakes | undefined;
let holder: Server | undefined;
afterEach(() => {
  fakes?.cleanup();
  fakes = undefined;
  holder?.close();
  holder = undefined;
});

/** Preflight's read-only calls are the only ones allowed before it passes. */
const onlyPreflightCalls = (calls: readonly string[]) =>
  calls.filter(
    (c) =>
      !/^(docker (info|version|--version|image inspect)|kind version|kind get clusters|kubectl --context \S+ version --client|go version)/.test(
        c,
      ),
  );

interface Case {
  name: string;
  /** docs/transcripts/<transcript>.txt: the troubleshooting page quotes it. */
  transcript: string;
  tools?: FakeToolName[];
  world?: (world: FakeWorld) => void;
  code: number;
  message: RegExp;
}

/** kind or kubectl on PATH older than the minimum, the one case each tool's check has in common. */
const tooOld = (tool: "kind" | "kubectl", version: string, code: number): Case => ({
  name: `${tool} too old`,
  transcript: `make-up-preflight-${tool}-too-old`,
  world: (w) => void (w[tool].version = version),
  code,
  message: new RegExp(
    `${tool} ${version.replaceAll(".", "\\.")} on PATH is older than \\d+\\.\\d+\\.\\d+, and the project cannot get its own`,
  ),
});

describe("make up preflight (stand-in tools, a real port)", { timeout: PROCESS_TEST_TIMEOUT_MS }, () => {
  const cases: Case[] = [
    {
      name: "docker missing, on a machine the project cannot install one on",
      transcript: "make-up-preflight-docker-missing",
      tools: ["kind", "kubectl"],
      code: exitCodes.dockerMissing,
      message:
        /no Docker engine answers, and this is not a Debian-like machine the project can install one on \(docker is not installed: not on PATH\)\n\s+Install Docker Engine/,
    },
    {
      name: "docker down",
      transcript: "make-up-preflight-docker-down",
      world: (w) => void (w.docker = "down"),
      code: exitCodes.dockerUnreachable,
      message:
        /no Docker engine answers, and this is not a Debian-like machine the project can install one on:\n.*Cannot connect to the Docker daemon.*\n\s+Install Docker Engine/,
    },
    {
      name: "Podman posing as docker",
      transcript: "make-up-preflight-podman",
      world: (w) => void (w.dockerClient = "podman"),
      code: exitCodes.podmanUnsupported,
      message: /`docker` here is Podman\. kind's Podman provider is not supported by this project/,
    },
    {
      name: "kind missing, no release download, no Go",
      transcript: "make-up-preflight-kind-missing",
      tools: ["docker", "kubectl"],
      code: exitCodes.kindMissing,
      message:
        /kind is not on PATH, and the project cannot get its own: the release download is unreachable \(127\.0\.0\.1:\d+: ECONNREFUSED\), and Go is not installed to build it from modules\. Either install kind \d+\.\d+\.\d+ or newer yourself/,
    },
    tooOld("kind", "0.29.0", exitCodes.kindTooOld),
    {
      name: "kubectl missing",
      transcript: "make-up-preflight-kubectl-missing",
      tools: ["docker", "kind"],
      code: exitCodes.kubectlMissing,
      message: /kubectl is not on PATH, and the project cannot get its own/,
    },
    tooOld("kubectl", "1.31.4", exitCodes.kubectlTooOld),
    {
      name: "kind missing and a Go too old to build it",
      transcript: "make-up-preflight-go-too-old",
      tools: ["docker", "kubectl", "go"],
      world: (w) => void (w.go.version = "1.25.3"),
      code: exitCodes.goTooOld,
      message:
        /kind is not on PATH, .*, and Go 1\.25\.3 is older than 1\.26 to build it from modules\. .*or install Go 1\.26 or newer/,
    },
    {
      name: "too little memory",
      transcript: "make-up-preflight-memory",
      world: (w) => void (w.docker = { version: "28.5.1", memTotal: 2 * 1024 ** 3 }),
      code: exitCodes.notEnoughMemory,
      message: /Docker has 2\.0 GiB of memory; the clusters need at least 4\.0 GiB/,
    },
  ];

  it.each(cases)(
    "$name → its message and exit code, nothing else done",
    async ({ transcript, tools, world, code, message }) => {
      fakes = await createFakes({ tools, world });
      const result = await runBootstrap(fakes, "up");
      keepTranscript(transcript, "make up", result, fakes, [
        [(fakes.env.OTEL_E2R_RELEASE_MIRROR ?? "").replace("http://", ""), "<release server>"],
      ]);
      expect(result.exitCode).toBe(code);
      expect(result.stdout).toMatch(message);
      expect(result.stdout).toContain(`[exit ${code}]`);
      expect(result.stderr).toMatch(/step 1\/\d+ "Preflight/);
      expect(result.stderr).not.toMatch(/\n\s+at /);
      expect(onlyPreflightCalls(fakes.calls())).toEqual([]);
      expect(() => statSync(fakes!.stateDir)).toThrow();
    },
  );

  it("port taken → exit 16 naming the port; all problems reported at once, lowest code wins", async () => {
    fakes = await createFakes({
      tools: ["docker", "kubectl"],
      world: (w) => void (w.kubectl.version = "1.20.0"),
    });
    const port = Number(fakes.env.OTEL_E2R_PREFLIGHT_GATEWAY_PORT);
    holder = createServer();
    await new Promise<void>((resolve) => holder!.listen(port, "127.0.0.1", resolve));
    const result = await runBootstrap(fakes, "up");
    keepTranscript("make-up-preflight-port-taken", "make up", result, fakes, [
      [`:${port}`, `:${gateway.hostPort}`],
      [`port ${port}`, `port ${gateway.hostPort}`],
      [(fakes.env.OTEL_E2R_RELEASE_MIRROR ?? "").replace("http://", ""), "<release server>"],
    ]);
    expect(result.stdout).toContain("preflight found 3 problems");
    expect(result.stdout).toMatch(new RegExp(`\\[exit 16\\] port ${port} on this machine is already in use`));
    expect(result.stdout).toMatch(/\[exit 12\] kind is not on PATH/);
    expect(result.stdout).toMatch(/\[exit 15\] kubectl 1\.20\.0 on PATH is older than/);
    expect(result.exitCode).toBe(exitCodes.kindMissing);
  });

  it("does not count the gateway port as taken when the remote cluster (its owner) exists", () => {
    expect(portsToCheck(new Set([clusters.edge.name]))).toEqual([gateway.hostPort]);
    expect(portsToCheck(new Set([clusters.edge.name, clusters.remote.name]))).toEqual([]);
  });

  it("rejects an unknown flag, a bad PIN_OVERRIDES or a missing IMAGES_ARCHIVE with exit 2 before doing anything", async () => {
    fakes = await createFakes();
    const flag = await runBootstrap(fakes, "up", ["--no-such-flag"]);
    expect(flag.exitCode).toBe(exitCodes.usage);
    expect(flag.stderr).toContain("--no-such-flag");
    const overrides = await runBootstrap(fakes, "up", [], { PIN_OVERRIDES: "/nonexistent/overrides.env" });
    expect(overrides.exitCode).toBe(exitCodes.usage);
    expect(overrides.stderr).toContain('PIN_OVERRIDES is "/nonexistent/overrides.env", which does not exist');
    const archive = await runBootstrap(fakes, "up", ["--images-archive", "/nonexistent/images.tar"]);
    expect(archive.exitCode).toBe(exitCodes.usage);
    expect(archive.stderr).toContain('IMAGES_ARCHIVE is "/nonexistent/images.tar", which does not exist');
    for (const result of [flag, overrides, archive]) expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(fakes.calls()).toEqual([]);
  });

  it("rejects a bad EDGES, and a fleet that AUTH=mtls cannot tell apart, naming each problem at once, before doing anything", async () => {
    fakes = await createFakes();
    const both = await runBootstrap(fakes, "up", ["--edges", "0", "--auth", "tls"]);
    expect(both.exitCode).toBe(exitCodes.usage);
    expect(both.stderr).toContain('EDGES is "0"; expected a whole number of edge clusters from 1 to 5');
    expect(both.stderr).toContain('AUTH is "tls"');
    const mtls = await runBootstrap(fakes, "up", ["--edges", "2", "--auth", "mtls"]);
    expect(mtls.exitCode).toBe(exitCodes.usage);
    expect(mtls.stderr).toContain("AUTH=mtls with EDGES=2");
    expect(mtls.stderr).toContain("Use AUTH=basic or AUTH=both for a fleet");
    for (const result of [both, mtls]) expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(fakes.calls()).toEqual([]);
  });
});
