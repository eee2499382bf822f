// Real traffic: the generator calls a REAL sample-service process (started exactly as its container runs
// it) over HTTP with W3C traceparent; both export to the same real OTLP receiver. Each generator client
// span must be the parent of the sample service's server span, in the same trace.
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { startOtlpReceiver } from "@otel-e2r/testkit/otlp-receiver.ts";
import type { OtlpReceiver } from "@otel-e2r/testkit/otlp-receiver.ts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "./config.ts";
import { RUN_ID_ATTRIBUTE } from "./config/options.ts";
import { run } from "./runner.ts";

const SAMPLE_SERVICE_DIR = fileURLToPath(new URL("../../sample-service/", import.meta.url));

describe("real-traffic mode against a real sample-service process", () => {
  let receiver: OtlpReceiver;
  let service: ChildProcess;
  let serviceUrl: string;
  let serviceLog = "";

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    service = spawn(process.execPath, ["--import", "./src/instrumentation.ts", "./src/main.ts"], {
      cwd: SAMPLE_SERVICE_DIR,
      env: {
        PATH: process.env.PATH ?? "",
        HOST: "127.0.0.1",
        PORT: "0",
        OTEL_SERVICE_NAME: "sample-service",
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
        OTEL_BSP_SCHEDULE_DELAY: "100",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    service.stdout?.on("data", (d: Buffer) => (serviceLog += d.toString()));
    service.stderr?.on("data", (d: Buffer) => (serviceLog += d.toString()));
    const listening = () => serviceLog.split("\n").find((l) => l.includes('"message":"listening"'));
    const deadline = Date.now() + 20_000;
    while (listening() === undefined) {
      if (Date.now() > deadline || service.exitCode !== null)
        throw new Error(`the sample service did not start listening; its log:\n${serviceLog}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    serviceUrl = `http://127.0.0.1:${(JSON.parse(listening()!) as { port: number }).port}`;
  });

  afterAll(async () => {
    service?.kill("SIGTERM");
    await receiver?.close();
  });

  it("joins both apps in one trace: the service's server span is the child of the generator's client span", async () => {
    const parsed = parseConfig(
      [
        "--scenario",
        "sample-service",
        "--count",
        "12",
        "--workers",
        "3",
        "--rate",
        "0",
        "--seed",
        "3",
        "--run-id",
        "live-1",
        "--stats-interval",
        "0",
        "--target-url",
        serviceUrl,
        "--otlp-endpoint",
        receiver.endpoint,
      ],
      {},
    );
    if (parsed.kind !== "run") throw new Error(JSON.stringify(parsed));
    const summary = await run({ config: parsed.config, log: () => undefined });
    expect(summary).toMatchObject({ traces: 12, httpErrors: 0, dropped: 0, complete: true });

    const clients = receiver.spans.filter(
      (s) => s.attributes[RUN_ID_ATTRIBUTE] === "live-1" && s.kind === "CLIENT",
    );
    expect(clients).toHaveLength(12);
    for (const client of clients) {
      expect(client.resource["service.name"]).toBe("trace-generator");
      expect(client.attributes["http.response.status_code"]).toBeTypeOf("number");
    }
    const servers = await receiver.waitForSpans(
      (s) =>
        s.resource["service.name"] === "sample-service" &&
        s.kind === "SERVER" &&
        clients.some((c) => c.spanId === s.parentSpanId),
      {
        count: 12,
        timeoutMs: 15_000,
        description: "the sample service's server spans under the generator's client spans",
      },
    );
    for (const server of servers) {
      const client = clients.find((c) => c.spanId === server.parentSpanId)!;
      expect(server.traceId).toBe(client.traceId);
      expect(server.name).toBe(client.name.replace("{id}", ":id"));
    }
    // The scenario's roots are the generator's own internal spans: the client span sits under one of them.
    const roots = receiver.spans.filter(
      (s) => s.attributes[RUN_ID_ATTRIBUTE] === "live-1" && s.parentSpanId === undefined,
    );
    expect(roots).toHaveLength(12);
  });
});
