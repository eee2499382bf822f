// The generator against a REAL OTLP/gRPC receiver in this process (packages/testkit/src/otlp-receiver.ts speaks
// the collector's wire protocol and checks basic auth like basicauth/server): plaintext, then TLS with a
// CA and server certificate made here plus a basic-auth header — the edge→remote hop's exact shape —
// then a receiver that is down at start and comes up later.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startOtlpReceiver } from "@otel-e2r/testkit/otlp-receiver.ts";
import type { OtlpReceiver } from "@otel-e2r/testkit/otlp-receiver.ts";
import { loopbackPki } from "@otel-e2r/pki/loopback.ts";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "./config.ts";
import { RUN_ID_ATTRIBUTE } from "./config/options.ts";
import type { Config } from "./config.ts";
import { run } from "./runner.ts";

type Env = Record<string, string | undefined>;

function config(argv: string[], env: Env = {}): Config {
  const parsed = parseConfig(["--stats-interval", "0", ...argv], env);
  if (parsed.kind !== "run") throw new Error(`unexpected parse result: ${JSON.stringify(parsed)}`);
  return parsed.config;
}

const receivers: OtlpReceiver[] = [];
afterEach(async () => {
  await Promise.all(receivers.splice(0).map((r) => r.close()));
});

/** A receiver that is closed after the test. */
async function receiverFor(options?: Parameters<typeof startOtlpReceiver>[0]): Promise<OtlpReceiver> {
  const receiver = await startOtlpReceiver(options);
  receivers.push(receiver);
  return receiver;
}

/** One run to its end, with its log as one text. */
async function generate(argv: string[], env: Env = {}) {
  const lines: string[] = [];
  const summary = await run({ config: config(argv, env), log: (l) => lines.push(l) });
  return { summary, log: lines.join("\n") };
}

describe("export over OTLP/gRPC to a real receiver", () => {
  it("plaintext: every span arrives, tagged with the run id, one resource per service", async () => {
    const receiver = await receiverFor();
    const { summary, log } = await generate([
      "--count",
      "50",
      "--rate",
      "0",
      "--seed",
      "11",
      "--run-id",
      "plain-1",
      "--otlp-endpoint",
      receiver.endpoint,
    ]);
    expect(summary).toMatchObject({
      traces: 50,
      dropped: 0,
      failedExports: 0,
      complete: true,
      stopReason: "count",
    });
    expect(summary.exported).toBe(summary.spans);
    const mine = receiver.spans.filter((s) => s.attributes[RUN_ID_ATTRIBUTE] === "plain-1");
    expect(mine).toHaveLength(summary.spans);
    expect(new Set(mine.map((s) => s.traceId)).size).toBe(50);
    expect(new Set(mine.map((s) => s.resource["service.name"]))).toEqual(
      new Set(["frontend", "checkout", "payment", "inventory", "database"]),
    );
    expect(log).toContain(`exporting OTLP/gRPC to ${receiver.endpoint} (plaintext)`);
  });

  describe("TLS with a generated CA and basic auth (the edge→remote hop)", () => {
    let dir: string;
    let caFile: string;
    let tls: { cert: string; key: string };
    beforeAll(async () => {
      const { ca, server } = await loopbackPki("trace-generator test CA");
      tls = { cert: server.certPem, key: server.keyPem };
      dir = mkdtempSync(join(tmpdir(), "tracegen-tls-"));
      caFile = join(dir, "ca.crt");
      writeFileSync(caFile, ca.certPem, { mode: 0o600 });
    });
    afterAll(() => {
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    const basic = (user: string, password: string) =>
      `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;

    it("sends every span through TLS with the standard OTEL_EXPORTER_OTLP_* variables", async () => {
      const password = `pw-${Math.random().toString(36).slice(2)}`;
      const receiver = await receiverFor({ tls, basicAuth: { username: "edge", password } });
      const env: Env = {
        OTEL_EXPORTER_OTLP_ENDPOINT: `https://localhost:${receiver.port}`,
        OTEL_EXPORTER_OTLP_CERTIFICATE: caFile,
        OTEL_EXPORTER_OTLP_HEADERS: `authorization=${basic("edge", password)}`,
        OTEL_RESOURCE_ATTRIBUTES: "k8s.pod.ip=10.244.0.7,deployment.environment.name=lab",
      };
      const { summary } = await generate(["--count", "20", "--rate", "0", "--run-id", "tls-1"], env);
      expect(summary).toMatchObject({ dropped: 0, failedExports: 0, complete: true });
      const mine = receiver.spans.filter((s) => s.attributes[RUN_ID_ATTRIBUTE] === "tls-1");
      expect(mine).toHaveLength(summary.spans);
      expect(receiver.requests.every((r) => r.authorization === basic("edge", password))).toBe(true);
      expect(mine.every((s) => s.resource["k8s.pod.ip"] === "10.244.0.7")).toBe(true);
    });

    it("a wrong password is refused by the receiver: counted as failed and dropped, no crash", async () => {
      const receiver = await receiverFor({ tls, basicAuth: { username: "edge", password: "right" } });
      const { summary, log } = await generate(
        [
          "--count",
          "5",
          "--rate",
          "0",
          "--shutdown-timeout",
          "1500ms",
          "--otlp-header",
          `authorization=${basic("edge", "wrong")}`,
        ],
        {
          OTEL_EXPORTER_OTLP_ENDPOINT: `https://localhost:${receiver.port}`,
          OTEL_EXPORTER_OTLP_CERTIFICATE: caFile,
        },
      );
      expect(summary.exported).toBe(0);
      expect(summary.dropped).toBe(summary.spans);
      expect(summary.failedExports).toBeGreaterThan(0);
      expect(log).toMatch(/failed \(16 UNAUTHENTICATED/);
      expect(receiver.spans).toHaveLength(0);
    });

    it("without the CA the server certificate is not trusted: nothing is sent in the clear", async () => {
      const receiver = await receiverFor({ tls });
      const { summary, log } = await generate([
        "--count",
        "3",
        "--rate",
        "0",
        "--shutdown-timeout",
        "1500ms",
        "--otlp-endpoint",
        `https://localhost:${receiver.port}`,
      ]);
      expect(summary.exported).toBe(0);
      expect(receiver.requests).toHaveLength(0);
      expect(log).toMatch(/failed \(14 UNAVAILABLE/);
    });
  });

  it("collector down at start, up later: keeps generating, logs the outage and the recovery, loses nothing", async () => {
    // Find a free port, then leave it closed: the "collector" is not there yet.
    const probe = await startOtlpReceiver();
    const port = probe.port;
    await probe.close();
    const lines: string[] = [];
    const running = run({
      config: config([
        "--duration",
        "5s",
        "--rate",
        "40",
        "--seed",
        "5",
        "--run-id",
        "late-1",
        "--otlp-endpoint",
        `http://127.0.0.1:${port}`,
      ]),
      log: (l) => lines.push(l),
    });
    await expect
      .poll(() => lines.some((l) => l.includes("failed (14 UNAVAILABLE")), { timeout: 4000, interval: 50 })
      .toBe(true);
    const receiver = await receiverFor({ port });
    const summary = await running;
    const log = lines.join("\n");
    expect(log).toMatch(/export to http:\/\/127\.0\.0\.1:\d+ recovered after/);
    expect(summary.failedExports).toBeGreaterThan(0);
    expect(summary).toMatchObject({ dropped: 0, complete: true, stopReason: "duration" });
    // 40/s for 5 s: generation goes on during the outage (slack for a loaded CI machine).
    expect(summary.traces).toBeGreaterThanOrEqual(150);
    expect(receiver.spans.filter((s) => s.attributes[RUN_ID_ATTRIBUTE] === "late-1")).toHaveLength(
      summary.spans,
    );
  });

  it("a receiver that fails calls (UNAVAILABLE) and then recovers: retried, nothing lost", async () => {
    const grpcUnavailable = 14;
    const receiver = await receiverFor({
      respond: ({ index }) => (index < 3 ? { code: grpcUnavailable, details: "overloaded" } : undefined),
    });
    const { summary } = await generate([
      "--count",
      "30",
      "--rate",
      "0",
      "--run-id",
      "flaky-1",
      "--otlp-endpoint",
      receiver.endpoint,
    ]);
    expect(summary).toMatchObject({ dropped: 0, complete: true });
    expect(summary.failedExports).toBeGreaterThanOrEqual(1);
    expect(receiver.spans.filter((s) => s.attributes[RUN_ID_ATTRIBUTE] === "flaky-1")).toHaveLength(
      summary.spans,
    );
  });

  it("a full queue drops new spans and counts them, instead of growing without bound", async () => {
    const probe = await startOtlpReceiver();
    const port = probe.port;
    await probe.close();
    const { summary } = await generate([
      "--count",
      "400",
      "--rate",
      "2000",
      "--max-queue-size",
      "100",
      "--batch-size",
      "50",
      "--shutdown-timeout",
      "500ms",
      "--otlp-endpoint",
      `http://127.0.0.1:${port}`,
    ]);
    expect(summary.exported).toBe(0);
    expect(summary.dropped).toBe(summary.spans);
    expect(summary.spans).toBeGreaterThan(100);
  });
});
