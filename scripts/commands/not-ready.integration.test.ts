// The commands around `make up` where the machine is not ready — no state folder, no cluster, kind
// missing, a port taken, a malformed flag — against stand-in tools (scripts/testing/fakes); and `make
// send` against a real TLS + basic-auth OTLP receiver on loopback. Each must say what to do, exit with
// its code and never show a stack trace. The working paths run against real clusters in
// scripts/suites/clusters.
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { status } from "@grpc/grpc-js";
import { afterEach, describe, expect, it } from "vitest";
import { startOtlpReceiver, type OtlpReceiver } from "@otel-e2r/testkit/otlp-receiver.ts";
import { createFakes, runBootstrap, type Fakes } from "../testing/fakes/fake-path.ts";
import { ensureCertificates } from "../lib/certificates.ts";
import { exitCodes } from "../lib/exit-codes.ts";
import { stateFiles, ensureCredentials } from "../lib/state.ts";
import { freePort } from "../lib/ports.ts";

const PROCESS_TEST_TIMEOUT_MS = 120_000;
let fakes: Fakes | undefined;
let receiver: OtlpReceiver | undefined;
afterEach(async () => {
  fakes?.cleanup();
  fakes = undefined;
  await receiver?.close();
  receiver = undefined;
});

/** A state folder as `make up` leaves it, and no cluster. */
async function stateOnly(): Promise<Fakes> {
  const f = await createFakes();
  await ensureCertificates(f.stateDir);
  ensureCredentials({ stateDir: f.stateDir });
  return f;
}

const read = (f: Fakes, name: string) => readFileSync(join(f.stateDir, name), "utf8");
const noStack = (text: string) => expect(text).not.toMatch(/\n\s+at /);

/** Runs a command that must stop at its arguments: exit 2 with `message`, and no tool called. */
async function refusedAsUsage(f: Fakes, command: string, args: string[], message: string) {
  const result = await runBootstrap(f, command, args);
  expect(result.exitCode).toBe(exitCodes.usage);
  expect(result.stderr).toContain(message);
  expect(f.calls()).toEqual([]);
  return result;
}

describe("when the machine is not ready", { timeout: PROCESS_TEST_TIMEOUT_MS }, () => {
  it("make down: kind missing → nothing to delete, exit 0; an unknown flag → exit 2; --purge never deletes files it did not create", async () => {
    fakes = await createFakes({ tools: ["docker", "kubectl"] });
    const noKind = await runBootstrap(fakes, "down");
    expect(noKind.exitCode).toBe(0);
    expect(noKind.stdout).toContain("kind is not installed, so make up never created a cluster here");
    const bad = await runBootstrap(fakes, "down", ["--everything"]);
    expect(bad.exitCode).toBe(exitCodes.usage);
    expect(bad.stderr).toContain("'--everything'");
    fakes.cleanup();
    fakes = await stateOnly();
    writeFileSync(join(fakes.stateDir, "notes.txt"), "mine");
    const refused = await runBootstrap(fakes, "down", ["--purge"]);
    expect(refused.exitCode).toBe(exitCodes.notReady);
    expect(refused.stderr).toContain("refusing to delete");
    expect(refused.stderr).toContain("notes.txt");
    rmSync(join(fakes.stateDir, "notes.txt"));
    const purged = await runBootstrap(fakes, "down", ["--purge"]);
    expect(purged.exitCode).toBe(0);
    expect(existsSync(fakes.stateDir)).toBe(false);
  });

  it("make status before make up says what is missing", async () => {
    fakes = await createFakes();
    const result = await runBootstrap(fakes, "status");
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain("not running — `make up` creates it");
    expect(result.stdout).toContain("remote cluster not running");
    expect(result.stdout).toContain("not created yet");
  });

  it("make up: a bad AUTH is a usage error naming it, before anything runs; make status shows the mode", async () => {
    fakes = await stateOnly();
    const bad = await refusedAsUsage(
      fakes,
      "up",
      ["--auth", "tls"],
      'AUTH is "tls"; expected one of basic, mtls, both (default basic)',
    );
    noStack(bad.stderr);
    expect((await runBootstrap(fakes, "status")).stdout).toMatch(
      /auth mode\s+AUTH=basic \(basic auth over TLS/,
    );
    writeFileSync(join(fakes.stateDir, stateFiles.authMode), "mtls\n");
    expect((await runBootstrap(fakes, "status")).stdout).toMatch(
      /auth mode\s+AUTH=mtls \(mutual TLS;.*set by the last `make up`\)/,
    );
    // make send cannot ask for the passthrough name: it says so instead of failing at the gateway.
    const send = await runBootstrap(fakes, "send");
    expect(send.exitCode).toBe(exitCodes.notReady);
    expect(send.stderr).toContain("make send speaks basic auth to the gateway's TLS-terminating listener");
    noStack(send.stderr);
  });

  it("make logs validates --tail before calling anything", async () => {
    fakes = await createFakes();
    await refusedAsUsage(fakes, "logs", ["--tail", "lots"], '--tail "lots" is not a whole number');
  });

  it("make regenerate-credentials --certificates without clusters only updates the state folder", async () => {
    fakes = await stateOnly();
    const oldCa = read(fakes, stateFiles.caCert);
    const oldPassword = read(fakes, stateFiles.password);
    const result = await runBootstrap(fakes, "regenerate-credentials", ["--certificates"]);
    expect(result.exitCode).toBe(0);
    expect(read(fakes, stateFiles.caCert)).not.toBe(oldCa);
    expect(read(fakes, stateFiles.password)).not.toBe(oldPassword);
    expect(result.stdout).toContain("the next `make up` applies the new Secrets");
    expect(result.stdout + result.stderr).not.toContain(read(fakes, stateFiles.password));
    expect(fakes.calls().filter((c) => c.startsWith("kubectl") && !/ version --client /.test(c))).toEqual([]);
  });

  it("make verify: no state folder → exit 4; a malformed --gateway or --timeout → exit 2, naming the value", async () => {
    fakes = await createFakes();
    const missing = await runBootstrap(fakes, "verify");
    expect(missing.exitCode).toBe(exitCodes.notReady);
    expect(missing.stderr).toContain("run `make up` first");
    const bad = await runBootstrap(fakes, "verify", ["--gateway", "nowhere", "--timeout=-5"]);
    expect(bad.exitCode).toBe(exitCodes.usage);
    expect(bad.stderr).toContain('--gateway "nowhere" is not host:port');
    expect(bad.stderr).toContain('--timeout "-5" is not a whole number of seconds');
    noStack(missing.stderr + bad.stderr);
  });

  it("make jaeger: no cluster → one line naming the context, exit 4; a taken or bad port → exit 16 / 2", async () => {
    fakes = await stateOnly();
    const port = await freePort();
    const result = await runBootstrap(fakes, "jaeger", ["--port", String(port)]);
    expect(result.exitCode).toBe(exitCodes.notReady);
    expect(result.stderr).toMatch(
      /the remote cluster \(context kind-remote\) is not reachable: error: context "kind-remote" does not exist — run `make up` first/,
    );
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(port, "127.0.0.1", resolve));
    try {
      const taken = await runBootstrap(fakes, "jaeger", ["--port", String(port)]);
      expect(taken.exitCode).toBe(exitCodes.portTaken);
      expect(taken.stderr).toContain(`port ${port} on this machine is already in use`);
    } finally {
      holder.close();
    }
    const bad = await runBootstrap(fakes, "jaeger", ["--port", "80"]);
    expect(bad.exitCode).toBe(exitCodes.usage);
    expect(bad.stderr).toContain('--port "80" is not a port number from 1024 to 65535');
    expect(fakes.calls().filter((c) => c.includes("port-forward"))).toHaveLength(1);
  });
});

describe(
  "make send (the real trace generator → a real TLS + basic-auth OTLP receiver)",
  { timeout: PROCESS_TEST_TIMEOUT_MS },
  () => {
    it("exports to the gateway with the state folder's CA and credentials, without printing them", async () => {
      fakes = await createFakes();
      const certs = await ensureCertificates(fakes.stateDir);
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
        `(CA ${join(fakes.stateDir, stateFiles.caBundle)}, basic auth from the state folder)`,
      );
      expect(result.exitCode, result.stderr).toBe(0);
      // The generator's own summary (its last JSON line) says how many spans it sent: all must arrive.
      const summaryLine = result.stdout
        .trimEnd()
        .split("\n")
        .reverse()
        .find((l) => l.startsWith("{"));
      const sent = (JSON.parse(summaryLine ?? "{}") as { spans?: number }).spans ?? 0;
      expect(sent, result.stdout).toBeGreaterThanOrEqual(3);
      await receiver.waitForSpans(sent, { timeoutMs: 10_000 });
      expect(receiver.spans).toHaveLength(sent);
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
