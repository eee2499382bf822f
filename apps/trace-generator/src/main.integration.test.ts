// The command as users run it: a real `node src/main.ts` process, its exit codes, stdout and stderr.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { startOtlpReceiver } from "@otel-e2r/testkit/otlp-receiver.ts";
import type { OtlpReceiver } from "@otel-e2r/testkit/otlp-receiver.ts";
import { afterEach, describe, expect, it } from "vitest";
import { OPTIONS, RUN_ID_ATTRIBUTE } from "./config/options.ts";

const MAIN = fileURLToPath(new URL("./main.ts", import.meta.url));

interface Finished {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Starts the generator with a clean environment (plus `env`); `onStart` may signal it. */
function generator(args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [MAIN, ...args], {
    env: { PATH: process.env.PATH ?? "", NO_COLOR: "1", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  const finished = new Promise<Finished>((resolve) =>
    child.on("close", (code) => resolve({ code, stdout, stderr })),
  );
  return { child, finished, stderr: () => stderr };
}

const receivers: OtlpReceiver[] = [];
afterEach(async () => {
  await Promise.all(receivers.splice(0).map((r) => r.close()));
});

describe("trace-generator command", () => {
  it("unthrottled with the collector down: runs its duration, then prints the summary (no silent exit)", async () => {
    // Nothing listens on port 9 (discard); every worker waits for exporter room the whole time.
    const { code, stdout } = await generator([
      "--rate",
      "0",
      "--duration",
      "2s",
      "--shutdown-timeout",
      "1s",
      "--otlp-endpoint",
      "http://127.0.0.1:9",
    ]).finished;
    expect(code).toBe(0);
    const summary = JSON.parse(stdout.trim().split("\n").at(-1)!) as { stopReason: string; exported: number };
    expect(summary).toMatchObject({ stopReason: "duration", exported: 0 });
  });

  it("says why --summary-json could not be written, after printing the summary, and exits 1", async () => {
    const receiver = await startOtlpReceiver();
    receivers.push(receiver);
    const file = "/nonexistent-folder-of-this-test/summary.json";
    const { code, stdout, stderr } = await generator([
      "--count",
      "1",
      "--otlp-endpoint",
      receiver.endpoint,
      "--summary-json",
      file,
    ]).finished;
    expect(code).toBe(1);
    expect(JSON.parse(stdout.trim().split("\n").at(-1)!)).toMatchObject({ traces: 1, dropped: 0 });
    expect(stderr).toContain(`could not write --summary-json ${file}: ENOENT`);
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it("--help documents every flag together with its environment variable", async () => {
    const { code, stdout } = await generator(["--help"]).finished;
    expect(code).toBe(0);
    for (const setting of Object.values(OPTIONS)) {
      const flag = setting.flags.split(" ").find((f) => f.startsWith("--"))!;
      const line = stdout.split("\n").find((l) => l.includes(flag));
      expect(line, flag).toBeDefined();
      expect(stdout, setting.env).toContain(`[env: ${setting.env}]`);
    }
    expect(stdout).toContain("Built-in scenarios: blog, sample-service, shop");
  });

  it("bad flags, env and scenario: exit 2, every problem listed at once, no stack trace, nothing sent", async () => {
    const receiver = await startOtlpReceiver();
    receivers.push(receiver);
    const badScenario = fileURLToPath(
      new URL("./scenario/fixtures/invalid/bad-duration.yaml", import.meta.url),
    );
    const { code, stdout, stderr } = await generator(
      [
        "--rate",
        "fast",
        "--workers",
        "0",
        "--duration",
        "forever",
        "--bogus",
        "--scenario",
        badScenario,
        "--otlp-endpoint",
        receiver.endpoint,
      ],
      {
        TRACEGEN_SEED: "-1",
        TRACEGEN_RAT: "5",
        OTEL_EXPORTER_OTLP_CERTIFICATE: "/nonexistent/ca.crt",
        OTEL_EXPORTER_OTLP_HEADERS: "novalue",
      },
    ).finished;
    expect(code).toBe(2);
    expect(stdout).toBe("");
    for (const expected of [
      "trace-generator: 10 problems with the settings; nothing was sent:",
      "unknown option --bogus",
      "TRACEGEN_RAT: not a trace-generator variable (expected one of: TRACEGEN_SCENARIO, TRACEGEN_RATE,",
      '--rate: expected a number of units per second >= 0, got "fast"',
      '--workers: expected a whole number 1..1000, got "0"',
      '--duration: expected a duration like "20ms", "1.5s" or "2m" (or 0), got "forever"',
      'TRACEGEN_SEED: expected a whole number 0..2^53, got "-1"',
      'OTEL_EXPORTER_OTLP_HEADERS: expected key=value pairs separated by commas, got "novalue"',
      "OTEL_EXPORTER_OTLP_CERTIFICATE: certificates need a TLS endpoint",
      'OTEL_EXPORTER_OTLP_CERTIFICATE: expected a readable PEM file, got "/nonexistent/ca.crt" (ENOENT)',
      'bad-duration.yaml: services.checkout.operations.PlaceOrder.latency.p50: expected a duration like "20ms", "1.5s" or "2m", got "fast"',
    ]) {
      expect(stderr).toContain(expected);
    }
    expect(stderr).not.toMatch(/\n\s+at /);
    expect(receiver.requests).toHaveLength(0);
  });

  it("SIGTERM: stops generating, flushes, prints the JSON summary, exits 0 with nothing lost", async () => {
    const receiver = await startOtlpReceiver();
    receivers.push(receiver);
    const run = generator(["--rate", "50", "--run-id", "sigterm-1", "--otlp-endpoint", receiver.endpoint]);
    await receiver.waitForSpans((s) => s.attributes[RUN_ID_ATTRIBUTE] === "sigterm-1", {
      count: 20,
      timeoutMs: 15_000,
      description: "first spans",
    });
    run.child.kill("SIGTERM");
    const { code, stdout, stderr } = await run.finished;
    expect(code).toBe(0);
    expect(stderr).toContain("SIGTERM received: stopping");
    const summary = JSON.parse(stdout.trim().split("\n").at(-1)!) as Record<string, unknown>;
    expect(summary).toMatchObject({
      stopReason: "signal",
      dropped: 0,
      complete: true,
      runAttributes: { [RUN_ID_ATTRIBUTE]: "sigterm-1" },
    });
    expect(receiver.spans.filter((s) => s.attributes[RUN_ID_ATTRIBUTE] === "sigterm-1")).toHaveLength(
      summary.spans as number,
    );
  });

  it("--fail-on-export-error: exit 1 when spans could not be exported", async () => {
    const probe = await startOtlpReceiver();
    const port = probe.port;
    await probe.close();
    const { code, stdout, stderr } = await generator([
      "--count",
      "3",
      "--fail-on-export-error",
      "--shutdown-timeout",
      "1s",
      "--otlp-endpoint",
      `http://127.0.0.1:${port}`,
    ]).finished;
    expect(code).toBe(1);
    expect(JSON.parse(stdout.trim())).toMatchObject({ exported: 0, complete: false });
    expect(stderr).toContain("exiting 1: --fail-on-export-error");
  });

  it("--check validates and describes the run without sending", async () => {
    const receiver = await startOtlpReceiver();
    receivers.push(receiver);
    const { code, stdout } = await generator(["--check", "--scenario", "blog"], {
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
    }).finished;
    expect(code).toBe(0);
    expect(stdout).toContain(
      `ok: scenario blog (built-in blog), 1 services, 1 entrypoints; exporting to ${receiver.endpoint} (plaintext)`,
    );
    expect(receiver.requests).toHaveLength(0);
  });
});
