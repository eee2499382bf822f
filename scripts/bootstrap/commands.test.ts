// The commands around `make up` — down, status, logs, regenerate-credentials, verify — against the fake
// docker/kind/kubectl; `make send` against a real TLS + basic-auth OTLP receiver on loopback.
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { spawn } from "node:child_process";
import { connect, createServer } from "node:net";
import { join } from "node:path";
import { status } from "@grpc/grpc-js";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { credentials, ensureCredentials, htpasswdVerifies } from "../lib/credentials.ts";
import { startOtlpReceiver, type OtlpReceiver } from "../lib/otlp-receiver.ts";
import { REPO_ROOT, ports, stateFiles } from "../lib/topology.ts";
import {
  createFakes,
  freePort,
  realKustomize,
  runBootstrap,
  type FakeCall,
  type Fakes,
} from "../testing/fakes/fake-path.ts";
import { ensureGatewayCertificates } from "./certificates.ts";
import { exitCodes } from "./exit-codes.ts";
import { portIsFree } from "./preflight.ts";

const line = (call: FakeCall) => `${call.tool} ${call.argv.join(" ")}`;

// The fakes render manifests with the real kustomize; building it (once, cached) may take minutes.
beforeAll(() => void realKustomize(), 900_000);

// Each test runs the scripts as processes, several times; generous under a loaded 2-core machine.
const PROCESS_TEST_TIMEOUT_MS = 120_000;
let fakes: Fakes | undefined;
let receiver: OtlpReceiver | undefined;
afterEach(async () => {
  fakes?.cleanup();
  fakes = undefined;
  await receiver?.close();
  receiver = undefined;
});

/** Fakes with both clusters running and a state folder as `make up` leaves it. */
async function runningSetup(): Promise<Fakes> {
  const f = await createFakes({ world: (w) => void (w.kind.clusters = ["edge", "remote"]) });
  await ensureGatewayCertificates(f.stateDir);
  ensureCredentials({ stateDir: f.stateDir });
  return f;
}

const read = (f: Fakes, name: string) => readFileSync(join(f.stateDir, name), "utf8");

describe("make down", { timeout: PROCESS_TEST_TIMEOUT_MS }, () => {
  it("deletes both clusters, keeps the state folder, and is a no-op the second time", async () => {
    fakes = await runningSetup();
    const first = await runBootstrap(fakes, "down");
    expect(first.exitCode).toBe(0);
    expect(
      fakes
        .calls()
        .map(line)
        .filter((c) => c.startsWith("kind delete")),
    ).toEqual(["kind delete cluster --name edge", "kind delete cluster --name remote"]);
    expect(fakes.world().kind.clusters).toEqual([]);
    expect(first.stdout).toContain("kept");
    expect(existsSync(join(fakes.stateDir, stateFiles.password))).toBe(true);
    fakes.clearCalls();
    const second = await runBootstrap(fakes, "down");
    expect(second.exitCode).toBe(0);
    expect(second.stdout).toContain("cluster edge: not running");
    expect(
      fakes
        .calls()
        .map(line)
        .filter((c) => c.startsWith("kind delete")),
    ).toEqual([]);
  });

  it("--purge also deletes the state folder, but never a folder holding files it did not create", async () => {
    fakes = await runningSetup();
    writeFileSync(join(fakes.stateDir, "notes.txt"), "mine");
    const refused = await runBootstrap(fakes, "down", ["--purge"]);
    expect(refused.exitCode).toBe(exitCodes.notReady);
    expect(refused.stderr).toContain("refusing to delete");
    expect(refused.stderr).toContain("notes.txt");
    expect(existsSync(fakes.stateDir)).toBe(true);
    rmSync(join(fakes.stateDir, "notes.txt"));
    const purged = await runBootstrap(fakes, "down", ["--purge"]);
    expect(purged.exitCode).toBe(0);
    expect(existsSync(fakes.stateDir)).toBe(false);
  });

  it("says so when kind is missing (exit 12) and rejects unknown flags (exit 2)", async () => {
    fakes = await createFakes({ tools: ["docker", "kubectl"] });
    expect((await runBootstrap(fakes, "down")).exitCode).toBe(exitCodes.kindMissing);
    const bad = await runBootstrap(fakes, "down", ["--everything"]);
    expect(bad.exitCode).toBe(exitCodes.usage);
    expect(bad.stderr).toContain("'--everything'");
  });
});

describe("make status", { timeout: PROCESS_TEST_TIMEOUT_MS }, () => {
  it("shows our workloads, the gateway, certificate expiry and where the credentials are — not what they are", async () => {
    fakes = await runningSetup();
    const result = await runBootstrap(fakes, "status");
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/observability\s+daemonset\.apps\/otel-collector/);
    expect(result.stdout).toMatch(/observability\s+deployment\.apps\/otel-gateway/);
    expect(result.stdout).toMatch(/demo\s+deployment\.apps\/sample-service/);
    expect(result.stdout).not.toContain("kube-system");
    expect(result.stdout).toContain("https://localhost:30443");
    expect(result.stdout).toContain("https://remote-control-plane:30443");
    expect(result.stdout).toMatch(
      /gateway certificate\s+CN=remote-control-plane, expires \d{4}-\d\d-\d\d \(in 36[45] days\)/,
    );
    expect(result.stdout).toMatch(
      new RegExp(`password\\s+${join(fakes.stateDir, stateFiles.password)} \\(mode 600\\)`),
    );
    expect(result.stdout).not.toContain(read(fakes, stateFiles.password));
    expect(result.stdout).not.toContain(read(fakes, stateFiles.serverKey).split("\n")[1]);
    for (const call of fakes.calls().filter((c) => c.tool === "kubectl"))
      expect(call.argv[0], line(call)).toBe("--context");
  });

  it("works before make up, saying what is missing", async () => {
    fakes = await createFakes();
    const result = await runBootstrap(fakes, "status");
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain("not running — `make up` creates it");
    expect(result.stdout).toContain("not created yet");
  });
});

describe("make logs", { timeout: PROCESS_TEST_TIMEOUT_MS }, () => {
  it("reads both collectors with --context, and validates --tail", async () => {
    fakes = await runningSetup();
    const result = await runBootstrap(fakes, "logs", ["--tail", "20"]);
    expect(result.exitCode).toBe(0);
    expect(fakes.calls().map(line)).toEqual([
      "kubectl --context kind-edge --namespace observability logs daemonset/otel-collector --all-containers --prefix --tail=20",
      "kubectl --context kind-remote --namespace observability logs deployment/otel-gateway --all-containers --prefix --tail=20",
    ]);
    const bad = await runBootstrap(fakes, "logs", ["--tail", "lots"]);
    expect(bad.exitCode).toBe(exitCodes.usage);
    expect(bad.stderr).toContain('--tail "lots" is not a whole number');
  });
});

describe("make regenerate-credentials", { timeout: PROCESS_TEST_TIMEOUT_MS }, () => {
  it("replaces the credentials, updates both clusters' Secrets and restarts the collectors", async () => {
    fakes = await runningSetup();
    const oldPassword = read(fakes, stateFiles.password);
    const oldCa = read(fakes, stateFiles.caCert);
    const result = await runBootstrap(fakes, "regenerate-credentials");
    expect(result.exitCode).toBe(0);
    const creds = credentials(read(fakes, stateFiles.username), read(fakes, stateFiles.password));
    expect(creds.password).not.toBe(oldPassword);
    expect(htpasswdVerifies(read(fakes, stateFiles.htpasswd), creds)).toBe(true);
    expect(read(fakes, stateFiles.caCert)).toBe(oldCa);
    expect(result.stdout + result.stderr).not.toContain(creds.password);
    const applied = fakes
      .applied()
      .flatMap((a) => a.input.items.map((i) => `${a.context} ${i.kind}/${i.metadata.name}`));
    expect(applied).toEqual(
      expect.arrayContaining([
        "kind-edge Secret/remote-gateway-credentials",
        "kind-remote Secret/collector-htpasswd",
      ]),
    );
    expect(fakes.calls().map(line)).toEqual(
      expect.arrayContaining([
        "kubectl --context kind-remote --namespace observability rollout restart deployment/otel-gateway",
        "kubectl --context kind-edge --namespace observability rollout restart daemonset/otel-collector",
      ]),
    );
  });

  it("--certificates also replaces the CA; without clusters it only updates the state folder", async () => {
    fakes = await runningSetup();
    fakes.setWorld((w) => void (w.kind.clusters = []));
    const oldCa = read(fakes, stateFiles.caCert);
    const result = await runBootstrap(fakes, "regenerate-credentials", ["--certificates"]);
    expect(result.exitCode).toBe(0);
    expect(read(fakes, stateFiles.caCert)).not.toBe(oldCa);
    expect(result.stdout).toContain("the next `make up` applies the new Secrets");
    expect(fakes.calls().filter((c) => c.tool === "kubectl")).toEqual([]);
  });
});

describe(
  "make verify (fake port-forward to a recorded Jaeger; nothing on the gateway port)",
  { timeout: PROCESS_TEST_TIMEOUT_MS },
  () => {
    it("needs the state folder: without it, exit 4 and what to do", async () => {
      fakes = await createFakes({ world: (w) => void (w.kind.clusters = ["edge", "remote"]) });
      const result = await runBootstrap(fakes, "verify");
      expect(result.exitCode).toBe(exitCodes.notReady);
      expect(result.stderr).toContain("run `make up` first");
    });

    it("prints a pass/fail table, exits 3 when checks fail, and stops its port-forward", async () => {
      fakes = await runningSetup();
      const gatewayPort = await freePort();
      const result = await runBootstrap(fakes, "verify", [
        "--timeout",
        "2",
        "--gateway",
        `127.0.0.1:${gatewayPort}`,
      ]);
      expect(result.exitCode).toBe(exitCodes.verifyFailed);
      expect(
        fakes
          .calls()
          .map(line)
          .find((c) => c.includes("port-forward")),
      ).toBe(
        "kubectl --context kind-remote --namespace observability port-forward --address 127.0.0.1 service/jaeger :16686",
      );
      // The recorded Jaeger lists both apps but holds no traces: the trace checks must fail, not pass.
      expect(result.stdout).toMatch(/^FAIL\s/m);
      expect(result.stdout).toMatch(/verify: \d+ of \d+ checks failed/);
      // Nothing listens on the gateway port: the refusals prove nothing, so they are not passes.
      expect(result.stdout).toMatch(/^FAIL\s+gateway: no credentials → rejected\s+inconclusive: /m);
      expect(result.stdout).toMatch(/^FAIL\s+gateway: right CA \+ right credentials → accepted/m);
      expect(result.stdout).not.toContain(read(fakes, stateFiles.password));
      const forwarded = /forwarded to http:\/\/127\.0\.0\.1:(\d+)/.exec(result.stdout);
      expect(forwarded).not.toBeNull();
      const stillOpen = await new Promise<boolean>((resolve) => {
        const socket = connect(Number(forwarded![1]), "127.0.0.1");
        socket.once("connect", () => resolve(socket.destroy() && true));
        socket.once("error", () => resolve(false));
      });
      expect(stillOpen).toBe(false);
    });

    it("rejects a malformed --gateway or --timeout with exit 2, naming the value", async () => {
      fakes = await runningSetup();
      const result = await runBootstrap(fakes, "verify", ["--gateway", "nowhere", "--timeout=-5"]);
      expect(result.exitCode).toBe(exitCodes.usage);
      expect(result.stderr).toContain('--gateway "nowhere" is not host:port');
      expect(result.stderr).toContain('--timeout "-5" is not a whole number of seconds');
    });
  },
);

describe(
  "make send (the real trace generator → a real TLS + basic-auth OTLP receiver)",
  { timeout: PROCESS_TEST_TIMEOUT_MS },
  () => {
    it("exports to the gateway with the state folder's CA and credentials, without printing them", async () => {
      fakes = await createFakes();
      const certs = await ensureGatewayCertificates(fakes.stateDir);
      const { credentials: creds } = ensureCredentials({ stateDir: fakes.stateDir });
      receiver = await startOtlpReceiver({
        tls: { cert: certs.certPem, key: certs.keyPem },
        basicAuth: { username: creds.username, password: creds.password },
      });
      const result = await runBootstrap(fakes, "send", [
        "--gateway",
        `localhost:${receiver.port}`,
        "--",
        "--count",
        "3",
      ]);
      expect(result.stderr + result.stdout).not.toContain(creds.password);
      expect(result.stderr + result.stdout).not.toContain(creds.username);
      expect(result.stdout).toContain(
        `(CA ${join(fakes.stateDir, stateFiles.caCert)}, basic auth from the state folder)`,
      );
      expect(result.exitCode, result.stderr).toBe(0);
      const spans = await receiver.waitForSpans(1, { timeoutMs: 10_000 });
      expect(spans.length).toBeGreaterThan(0);
      expect(receiver.requests.every((r) => r.outcome.code === status.OK)).toBe(true);
      expect(receiver.requests[0]!.authorization).toBe(
        `Basic ${Buffer.from(`${creds.username}:${creds.password}`).toString("base64")}`,
      );
    });

    it("without make up's state: exit 4 and what to do", async () => {
      fakes = await createFakes();
      const result = await runBootstrap(fakes, "send");
      expect(result.exitCode).toBe(exitCodes.notReady);
      expect(result.stderr).toContain("run `make up` first");
    });
  },
);

describe(
  "make jaeger (fake port-forward; the real local port 16686)",
  { timeout: PROCESS_TEST_TIMEOUT_MS },
  () => {
    it("forwards to localhost:16686 until interrupted, then releases the port", async (context) => {
      if (!(await portIsFree(ports.jaegerQuery))) return context.skip("port 16686 is in use on this machine");
      fakes = await runningSetup();
      const child = spawn(process.execPath, [join(REPO_ROOT, "scripts", "bootstrap", "jaeger.ts")], {
        env: fakes.env,
        stdio: ["ignore", "pipe", "pipe"],
      });
      let output = "";
      child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
      child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
      const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
      const deadline = Date.now() + 20_000;
      while (!output.includes("Jaeger: http://localhost:16686") && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 50));
      expect(output, "jaeger.ts announces the URL").toContain("Jaeger: http://localhost:16686");
      const services = (await (await fetch("http://127.0.0.1:16686/api/services")).json()) as {
        data: string[];
      };
      expect(services.data).toContain("sample-service");
      child.kill("SIGINT");
      expect(await exited).toBe(0);
      expect(await portIsFree(ports.jaegerQuery)).toBe(true);
      expect(fakes.calls().map(line)).toContain(
        "kubectl --context kind-remote --namespace observability port-forward --address 127.0.0.1 service/jaeger 16686:16686",
      );
    });

    it("without a cluster: one line naming the context and what to do, exit 4, no stack trace", async (context) => {
      if (!(await portIsFree(ports.jaegerQuery))) return context.skip("port 16686 is in use on this machine");
      fakes = await createFakes();
      const result = await runBootstrap(fakes, "jaeger");
      expect(result.exitCode).toBe(exitCodes.notReady);
      expect(result.stderr).toMatch(
        /the remote cluster \(context kind-remote\) is not reachable: error: context "kind-remote" does not exist — run `make up` first/,
      );
      expect(result.stderr.trim().split("\n")).toHaveLength(1);
      expect(result.stderr).not.toMatch(/\n\s+at /);
    });

    it("refuses with exit 16 when port 16686 is taken", async () => {
      fakes = await runningSetup();
      const holder = createServer();
      const held = await new Promise<boolean>((resolve) => {
        holder.once("error", () => resolve(false));
        holder.listen(ports.jaegerQuery, "127.0.0.1", () => resolve(true));
      });
      try {
        // Held by us or by something else on this machine: taken either way.
        const result = await runBootstrap(fakes, "jaeger");
        expect(result.exitCode).toBe(exitCodes.portTaken);
        expect(result.stderr).toContain("port 16686 on this machine is already in use");
        expect(fakes.calls().filter((c) => c.argv.includes("port-forward"))).toEqual([]);
      } finally {
        if (held) holder.close();
      }
    });
  },
);
