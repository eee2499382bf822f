// 7. Message size limits along the hop (docs/architecture.md, "Message size limits"): exports that are
// large but within the edge's 4 MiB door, sent while a generator sends normal traffic, must all reach
// Jaeger — every span the edge answered OK to — however the edge batches them; an export over the door
// is refused at the edge with RESOURCE_EXHAUSTED (gRPC) or 400 "request body too large" (HTTP) and costs
// no other client a span.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as grpc from "@grpc/grpc-js";
import { describe, expect, it } from "vitest";
import { spansOfRun, spansTagged } from "../../lib/jaeger-client.ts";
import { exportOnce, oneSpanRequest } from "../../lib/otlp-client.ts";
import { pollUntil } from "../../lib/poll.ts";
import { REPO_ROOT } from "../../lib/topology.ts";
import { figures, runGenerator, useLocalPipeline } from "./helpers.ts";

const MiB = 1024 * 1024;
const SERVICE = "large-exports";

describe("local pipeline: message size limits lose no accepted span", () => {
  const local = useLocalPipeline(6, {
    sampleService: false,
  });

  /** One span carrying `bytes` of attribute, sent to the edge like an app would (plaintext, no auth). */
  const sendLarge = (runId: string, index: number, bytes: number) =>
    exportOnce({
      address: `127.0.0.1:${local.pipeline.plan.edgeOtlpGrpc}`,
      credentials: grpc.credentials.createInsecure(),
      request: oneSpanRequest({
        service: SERVICE,
        name: `large export ${index}`,
        attributes: { "e2r.run.id": runId, "e2r.padding": "x".repeat(bytes) },
      }),
      timeoutMs: 20_000,
    });

  it("delivers every large-but-legal export and all concurrent traffic; refuses an oversized one at the door", async () => {
    const runId = `limits-${Date.now()}`;
    const generator = runGenerator(local, {
      scenario: "blog",
      rate: 30,
      runId,
      args: ["--duration", "20s", "--seed", "99", "--stats-interval", "5s"],
    });
    // Six exports of 3 MiB within a second or two: any two merged would be over the next hop's limit.
    const large = await Promise.all([0, 1, 2, 3, 4, 5].map((i) => sendLarge(runId, i, 3 * MiB)));
    expect(large.map((o) => grpc.status[o.code])).toEqual(Array(6).fill("OK"));
    const summary = await generator;
    expect(summary.dropped).toBe(0);

    const found = await pollUntil(
      "every accepted span in Jaeger",
      async () => {
        const generated = await spansOfRun(local.pipeline.jaeger, "blog-generator", runId);
        const largeSpans = await spansTagged(local.pipeline.jaeger, SERVICE, "e2r.run.id", runId);
        return generated >= summary.spans && largeSpans >= 6 ? { generated, largeSpans } : undefined;
      },
      { timeoutMs: 90_000, intervalMs: 2000 },
    ).catch((error: Error) => {
      throw new Error(`${error.message}\n${local.output.dump()}`);
    });
    figures("message limits", {
      generator_spans: summary.spans,
      in_jaeger: found.generated,
      large_in_jaeger: found.largeSpans,
    });
    expect(found).toEqual({ generated: summary.spans, largeSpans: 6 });
    expect(local.output.lines().filter((line) => /Dropping data/.test(line))).toEqual([]);
    // The door: over 4 MiB is refused at the edge, with a status that says why.
    const oversized = await sendLarge(runId, 99, 5 * MiB);
    expect(grpc.status[oversized.code]).toBe("RESOURCE_EXHAUSTED");
    expect(oversized.message).toMatch(/larger than max .*4194304/);
    // docs/troubleshooting.md quotes these texts as the programs print them.
    const troubleshooting = readFileSync(join(REPO_ROOT, "docs/troubleshooting.md"), "utf8");
    expect(troubleshooting).toContain(`RESOURCE_EXHAUSTED: ${oversized.message}`);
    const http = await fetch(`http://127.0.0.1:${local.pipeline.plan.edgeOtlpHttp}/v1/traces`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ padding: "x".repeat(5 * MiB) }),
    });
    // The collector's OTLP/HTTP receiver answers 400 (not 413), with the reason in the body.
    const body = await http.text();
    expect([http.status, JSON.parse(body)]).toEqual([
      400,
      { code: 3, message: "http: request body too large" },
    ]);
    expect(troubleshooting).toContain(JSON.stringify(JSON.parse(body)));
  }, 180_000);
});
