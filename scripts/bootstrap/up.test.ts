// `make up` against fake docker/kind/kubectl (scripts/testing/fakes): the orchestration, idempotency,
// preflight failures and secret hygiene. Docker cannot run here; what the real clusters do is proven
// only by the CI workflow on a machine with Docker (see scripts/bootstrap/README.md).
import { readFileSync, readdirSync, statSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { join, relative } from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { htpasswdVerifies, credentials } from "../lib/credentials.ts";
import { describeCertificate, isSignedBy } from "../lib/pki.ts";
import { gateway, secrets, stateFiles } from "../lib/topology.ts";
import { versions } from "../lib/versions.ts";
import {
  createFakes,
  runBootstrap,
  realKustomize,
  type FakeCall,
  type Fakes,
} from "../testing/fakes/fake-path.ts";
import { exitCodes } from "./exit-codes.ts";

const DAY_MS = 24 * 3600 * 1000;
const line = (call: FakeCall) => `${call.tool} ${call.argv.join(" ")}`;

// The fakes render manifests with the real kustomize; building it (once, cached) may take minutes.
beforeAll(() => void realKustomize(), 900_000);

// Each test runs the scripts as processes, several times; generous under a loaded 2-core machine.
const PROCESS_TEST_TIMEOUT_MS = 120_000;
let fakes: Fakes | undefined;
afterEach(() => {
  fakes?.cleanup();
  fakes = undefined;
});

function stateFile(f: Fakes, name: string): string {
  return readFileSync(join(f.stateDir, name), "utf8");
}

/** True when any 12-character stretch of `secret` appears in `text` (catches partial leaks too). */
function containsPartOf(text: string, secret: string): boolean {
  expect(secret.length).toBeGreaterThanOrEqual(12);
  for (let i = 0; i + 12 <= secret.length; i++) if (text.includes(secret.slice(i, i + 12))) return true;
  return false;
}

/** Every file under `dir` (recursively), except those under `skip`. */
function filesUnder(dir: string, skip: readonly string[]): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name))
    .filter((path) => !skip.some((s) => path === s || path.startsWith(`${s}/`)));
}

describe("make up (fake docker, kind and kubectl)", { timeout: PROCESS_TEST_TIMEOUT_MS }, () => {
  it("runs the seven steps in order and converges the clusters", async () => {
    fakes = await createFakes();
    const result = await runBootstrap(fakes, "up", ["--no-verify"]);
    expect(result.stderr).toBe("");
    expect(result.exitCode).toBe(0);

    const headers = [...result.stdout.matchAll(/^\[(\d)\/7\] (.*)$/gm)].map((m) => Number(m[1]));
    expect(headers).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(result.stdout).toMatch(/All 7 steps done in \d+\.\ds\./);
    expect(result.stdout).toMatch(/✓ created edge, remote \(\d+\.\ds\)/);
    expect(result.stdout).toContain("make jaeger");

    const calls = fakes.calls().map(line);
    const first = (pattern: RegExp) => calls.findIndex((c) => pattern.test(c));
    const order = [
      /^docker info/,
      /^kind create cluster --name (edge|remote)/,
      /^kubectl --context kind-edge wait --for=condition=Ready nodes/,
      /^docker build --file \S+\/Dockerfile --build-arg NODE_IMAGE=node:/,
      /^kind load docker-image otel-e2r\/sample-service:sha256-[0-9a-f]{16} --name edge/,
      /^kubectl --context kind-edge apply --server-side .* -f -$/,
      /^kubectl --context kind-remote apply --server-side .*-f https:\/\/github\.com\/envoyproxy\/gateway\/releases\/download\/v[\d.]+\/install\.yaml$/,
      /^kubectl --context kind-remote --namespace envoy-gateway-system wait --for=condition=Available/,
      /^kubectl --context kind-remote kustomize \S+manifests\/remote$/,
      /^kubectl --context kind-remote --namespace observability wait --for=condition=Programmed gateway\/otlp-gateway/,
      /^kubectl --context kind-edge kustomize \S+manifests\/edge$/,
      /^kubectl --context kind-edge --namespace observability rollout status daemonset\/otel-collector/,
    ].map(first);
    expect(
      order.every((index) => index >= 0),
      `missing a call: ${JSON.stringify(order)}`,
    ).toBe(true);
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(calls.filter((c) => c.startsWith("kind create cluster"))).toHaveLength(2);
    // Parallel creates write throw-away kubeconfigs; the real one is updated serially afterwards.
    for (const create of calls.filter((c) => c.startsWith("kind create cluster")))
      expect(create).toMatch(/ --kubeconfig \S+\/(edge|remote)\.kubeconfig /);
    const exports = calls.flatMap((c, i) => (c.startsWith("kind export kubeconfig") ? [i] : []));
    expect(exports).toHaveLength(2);
    expect(Math.min(...exports)).toBeGreaterThan(calls.findLastIndex((c) => c.startsWith("kind create")));
  });

  it("passes --context on every kubectl call", async () => {
    fakes = await createFakes();
    expect((await runBootstrap(fakes, "up", ["--no-verify"])).exitCode).toBe(0);
    const kubectl = fakes.calls().filter((c) => c.tool === "kubectl");
    expect(kubectl.length).toBeGreaterThan(10);
    for (const call of kubectl) {
      expect(call.argv.slice(0, 2), line(call)).toEqual([
        "--context",
        expect.stringMatching(/^kind-(edge|remote)$/),
      ]);
    }
  });

  it("tags app images by content (never :latest) and applies them without editing committed files", async () => {
    fakes = await createFakes();
    expect((await runBootstrap(fakes, "up", ["--no-verify"])).exitCode).toBe(0);
    // The build context is the repository root: the state folder must be kept out of it.
    const builds = fakes.calls().filter((c) => c.tool === "docker" && c.argv[0] === "build");
    expect(builds).toHaveLength(2);
    for (const build of builds)
      expect(build.dockerignore).toEqual(expect.arrayContaining([".state/", ".logs/"]));
    const images = fakes
      .applied()
      .flatMap((a) => a.input.items)
      .flatMap((item) => JSON.stringify(item).match(/"image":"[^"]+"/g) ?? []);
    const pins = versions();
    expect(images).toContain(`"image":"${pins.OTELCOL_IMAGE}:${pins.OTELCOL_VERSION}"`);
    const apps = images.filter((i) => i.includes("otel-e2r/"));
    expect(apps).toHaveLength(2);
    for (const image of apps) expect(image).toMatch(/otel-e2r\/[a-z-]+:sha256-[0-9a-f]{16}"$/);
    expect(JSON.stringify(fakes.world().loaded.edge)).toBe(
      JSON.stringify(apps.map((i) => i.slice(9, -1)).sort()),
    );
  });

  it("writes the CA, the gateway certificate and the credentials to the state folder (0600) and into Secrets", async () => {
    fakes = await createFakes();
    expect((await runBootstrap(fakes, "up", ["--no-verify"])).exitCode).toBe(0);
    expect(statSync(fakes.stateDir).mode & 0o777).toBe(0o700);
    for (const name of Object.values(stateFiles))
      expect(statSync(join(fakes.stateDir, name)).mode & 0o777, name).toBe(0o600);

    const cert = describeCertificate(stateFile(fakes, stateFiles.serverCert));
    expect(cert.dnsNames).toEqual([...gateway.dnsNames]);
    expect(cert.ipAddresses).toEqual([...gateway.ipAddresses]);
    expect(cert.keyUsages).toEqual(["digitalSignature"]);
    expect(cert.extendedKeyUsages).toEqual(["serverAuth"]);
    expect(cert.isCa).toBe(false);
    expect(cert.notAfter.getTime() - Date.now()).toBeGreaterThan(364 * DAY_MS);
    expect(cert.notAfter.getTime() - Date.now()).toBeLessThanOrEqual(365 * DAY_MS);
    expect(
      await isSignedBy(stateFile(fakes, stateFiles.serverCert), stateFile(fakes, stateFiles.caCert)),
    ).toBe(true);

    const password = stateFile(fakes, stateFiles.password);
    expect(Buffer.from(password, "base64url").length * 8).toBeGreaterThanOrEqual(128);
    const creds = credentials(stateFile(fakes, stateFiles.username), password);
    expect(htpasswdVerifies(stateFile(fakes, stateFiles.htpasswd), creds)).toBe(true);

    // What reached the (fake) clusters is exactly the state folder's content, under topology's names.
    const secretData = (context: string, name: string) => {
      const item = fakes!
        .applied()
        .filter((a) => a.context === context)
        .flatMap((a) => a.input.items)
        .find((i) => i.kind === "Secret" && i.metadata.name === name) as
        { data: Record<string, string> } | undefined;
      return Object.fromEntries(
        Object.entries(item?.data ?? {}).map(([k, v]) => [k, Buffer.from(v, "base64").toString("utf8")]),
      );
    };
    expect(secretData("kind-edge", secrets.edge.exporterAuth.name)).toEqual({
      username: creds.username,
      password: creds.password,
    });
    expect(secretData("kind-edge", secrets.edge.gatewayCa.name)).toEqual({
      "ca.crt": stateFile(fakes, stateFiles.caCert),
    });
    expect(secretData("kind-remote", secrets.remote.gatewayTls.name)).toEqual({
      "tls.crt": stateFile(fakes, stateFiles.serverCert),
      "tls.key": stateFile(fakes, stateFiles.serverKey),
    });
    expect(secretData("kind-remote", secrets.remote.htpasswd.name)).toEqual({
      htpasswd: stateFile(fakes, stateFiles.htpasswd),
    });
  });

  it("never shows a secret in its output, in argv, in the logs or anywhere outside the state folder", async () => {
    fakes = await createFakes();
    // Make the failure path run too: it prints diagnostics and exports logs.
    const ok = await runBootstrap(fakes, "up", ["--no-verify"]);
    fakes.setWorld((w) =>
      w.failures.push({ match: "rollout status deployment/jaeger", stderr: "error: timed out", exitCode: 1 }),
    );
    const failed = await runBootstrap(fakes, "up", ["--no-verify"]);
    expect(failed.exitCode).toBe(exitCodes.stepFailed);

    const secretsToFind = [
      stateFile(fakes, stateFiles.password),
      stateFile(fakes, stateFiles.htpasswd).trim().split(":")[1]!,
      ...[stateFiles.caKey, stateFiles.serverKey].map(
        (name) =>
          // The base64 body of each private key, in PEM and in base64-of-PEM (as in a Secret's data).
          stateFile(fakes!, name).split("\n")[1]!,
      ),
    ];
    const base64Forms = [stateFiles.password, stateFiles.serverKey].map((name) =>
      Buffer.from(stateFile(fakes!, name)).toString("base64").slice(0, 40),
    );
    const places: [string, string][] = [
      ["stdout/stderr", ok.stdout + ok.stderr + failed.stdout + failed.stderr],
      ...filesUnder(fakes.root, [fakes.stateDir, join(fakes.root, "fake-cluster-store.jsonl")]).map(
        (path) => [relative(fakes!.root, path), readFileSync(path, "utf8")] as [string, string],
      ),
    ];
    expect(places.map(([where]) => where)).toEqual(expect.arrayContaining(["calls.jsonl", "stdout/stderr"]));
    expect(places.some(([where]) => where.startsWith("logs/up-"))).toBe(true);
    for (const [where, text] of places)
      for (const secret of [...secretsToFind, ...base64Forms])
        expect(containsPartOf(text, secret), `a secret in ${where}`).toBe(false);
    // The Secrets went over stdin: the call log only names them.
    const applies = fakes.calls().filter((c) => c.stdinObjects);
    expect(applies.flatMap((c) => c.stdinObjects)).toContain(
      `Secret/observability/${secrets.edge.exporterAuth.name}`,
    );
  });

  it("creates nothing twice on a second run", async () => {
    fakes = await createFakes();
    expect((await runBootstrap(fakes, "up", ["--no-verify"])).exitCode).toBe(0);
    const state = Object.values(stateFiles).map((name) => [
      name,
      stateFile(fakes!, name),
      statSync(join(fakes!.stateDir, name)).mtimeMs,
    ]);
    const firstImages = fakes.world().images;
    fakes.clearCalls();

    const again = await runBootstrap(fakes, "up", ["--no-verify"]);
    expect(again.exitCode).toBe(0);
    expect(again.stdout).toContain("edge, remote already existed");
    expect(again.stdout).toContain("CA reused, certificate reused");
    expect(again.stdout).toContain("credentials reused");
    const calls = fakes.calls().map(line);
    expect(calls.filter((c) => c.startsWith("kind create"))).toEqual([]);
    expect(calls.filter((c) => c.startsWith("kind export kubeconfig"))).toHaveLength(2);
    // The same state, byte for byte and untouched on disk; the same image tags.
    expect(
      Object.values(stateFiles).map((name) => [
        name,
        stateFile(fakes!, name),
        statSync(join(fakes!.stateDir, name)).mtimeMs,
      ]),
    ).toEqual(state);
    expect(fakes.world().images).toEqual(firstImages);
    expect(Object.values(fakes.world().loaded).flat()).toHaveLength(2);
  });

  it("on a failing step names it, shows what failed, exports kind logs and leaves the clusters up", async () => {
    fakes = await createFakes();
    fakes.setWorld((w) =>
      w.failures.push({
        match: "rollout status deployment/otel-gateway",
        stderr: 'error: deployment "otel-gateway" exceeded its progress deadline',
        exitCode: 1,
      }),
    );
    const result = await runBootstrap(fakes, "up", ["--no-verify"]);
    expect(result.exitCode).toBe(exitCodes.stepFailed);
    expect(result.stdout).toContain(
      'Step 6/7 "Envoy Gateway and the manifests (remote first, then edge)" failed:',
    );
    expect(result.stdout).toContain("exceeded its progress deadline");
    expect(result.stdout).toMatch(/Pods in remote:\n.*otel-gateway/s);
    expect(result.stderr).toContain(
      'step 6/7 "Envoy Gateway and the manifests (remote first, then edge)" failed',
    );
    const exported = readdirSync(fakes.logsDir, { recursive: true }).map(String);
    expect(exported).toEqual(
      expect.arrayContaining([expect.stringMatching(/^kind-.*\/edge\/edge-control-plane\/kubelet\.log$/)]),
    );
    expect(exported).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^kind-.*\/remote\/remote-control-plane\/kubelet\.log$/),
      ]),
    );
    expect(
      fakes
        .calls()
        .map(line)
        .filter((c) => c.startsWith("kind delete")),
    ).toEqual([]);
    expect(fakes.world().kind.clusters.sort()).toEqual(["edge", "remote"]);
    // The edge manifests were never applied: the run stopped at the failing step.
    expect(fakes.calls().map(line)).not.toContain(expect.stringMatching(/kustomize \S+manifests\/edge$/));
  });

  it("rejects an unknown flag with exit 2 before doing anything", async () => {
    fakes = await createFakes();
    const result = await runBootstrap(fakes, "up", ["--verify-later"]);
    expect(result.exitCode).toBe(exitCodes.usage);
    expect(result.stderr).toContain("Unknown option '--verify-later'");
    expect(result.stderr).toContain("usage: node scripts/bootstrap/up.ts");
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(fakes.calls()).toEqual([]);
  });
});

describe("make up preflight (fake tools, a real port)", { timeout: PROCESS_TEST_TIMEOUT_MS }, () => {
  const cases: {
    name: string;
    tools?: ("docker" | "kind" | "kubectl")[];
    world?: Parameters<Fakes["setWorld"]>[0];
    code: number;
    message: RegExp;
  }[] = [
    {
      name: "docker missing",
      tools: ["kind", "kubectl"],
      code: exitCodes.dockerMissing,
      message: /docker is not installed \(not on PATH\)\. Install Docker/,
    },
    {
      name: "docker down",
      world: (w) => void (w.docker.reachable = false),
      code: exitCodes.dockerUnreachable,
      message: /Docker daemon is not reachable:\n.*Cannot connect to the Docker daemon.*\n.*Start Docker/,
    },
    {
      name: "kind missing",
      tools: ["docker", "kubectl"],
      code: exitCodes.kindMissing,
      message: /kind is not installed \(not on PATH\); this project needs kind 0\.33\.0 or newer/,
    },
    {
      name: "kind too old",
      world: (w) => void (w.kind.version = "0.29.0"),
      code: exitCodes.kindTooOld,
      message: /kind 0\.29\.0 is too old; this project needs kind 0\.33\.0 or newer\. Upgrade/,
    },
    {
      name: "kubectl missing",
      tools: ["docker", "kind"],
      code: exitCodes.kubectlMissing,
      message: /kubectl is not installed \(not on PATH\); this project needs kubectl 1\.35\.0 or newer/,
    },
    {
      name: "kubectl too old",
      world: (w) => void (w.kubectl.version = "1.31.4"),
      code: exitCodes.kubectlTooOld,
      message: /kubectl 1\.31\.4 is too old; this project needs kubectl 1\.35\.0 or newer/,
    },
    {
      name: "too little memory",
      world: (w) => void (w.docker.memTotal = 2 * 1024 ** 3),
      code: exitCodes.notEnoughMemory,
      message: /Docker has 2\.0 GiB of memory; the two clusters need at least 4\.0 GiB/,
    },
  ];

  it.each(cases)(
    "$name → its message and exit code, nothing else done",
    async ({ tools, world, code, message }) => {
      fakes = await createFakes({ tools, world });
      const result = await runBootstrap(fakes, "up");
      expect(result.exitCode).toBe(code);
      expect(result.stdout).toMatch(message);
      expect(result.stdout).toContain(`[exit ${code}]`);
      expect(result.stderr).toContain('step 1/7 "Preflight');
      expect(result.stderr).not.toMatch(/\n\s+at /);
      expect(
        fakes
          .calls()
          .map(line)
          .filter((c) =>
            /^(kind create|docker build|kubectl --context \S+ (apply|wait|rollout|kustomize))/.test(c),
          ),
      ).toEqual([]);
      expect(() => statSync(fakes!.stateDir)).toThrow();
    },
  );

  let holder: Server | undefined;
  afterEach(() => {
    holder?.close();
    holder = undefined;
  });

  it("port taken → exit 16 naming the port; all problems reported at once, lowest code wins", async () => {
    fakes = await createFakes({
      tools: ["docker", "kubectl"],
      world: (w) => void (w.kubectl.version = "1.20.0"),
    });
    const port = Number(fakes.env.OTEL_E2R_PREFLIGHT_GATEWAY_PORT);
    holder = createServer();
    await new Promise<void>((resolve) => holder!.listen(port, "127.0.0.1", resolve));
    const result = await runBootstrap(fakes, "up");
    expect(result.stdout).toContain("preflight found 3 problems");
    expect(result.stdout).toMatch(new RegExp(`\\[exit 16\\] port ${port} on this machine is already in use`));
    expect(result.stdout).toMatch(/\[exit 12\] kind is not installed/);
    expect(result.stdout).toMatch(/\[exit 15\] kubectl 1\.20\.0 is too old/);
    expect(result.exitCode).toBe(exitCodes.kindMissing);
  });

  it("does not count the gateway port as taken when the remote cluster (its owner) exists", async () => {
    fakes = await createFakes({ world: (w) => void (w.kind.clusters = ["edge", "remote"]) });
    const port = Number(fakes.env.OTEL_E2R_PREFLIGHT_GATEWAY_PORT);
    holder = createServer();
    await new Promise<void>((resolve) => holder!.listen(port, "127.0.0.1", resolve));
    const result = await runBootstrap(fakes, "up", ["--no-verify"]);
    expect(result.stdout).not.toContain("already in use");
    expect(result.exitCode).toBe(0);
  });
});
