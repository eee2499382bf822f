// End-to-end on loopback with the real collector (the manifests' config files), Traefik (TLS + HTTP/2),
// Jaeger and both apps as processes:
//   1. happy path — traces from both apps reach Jaeger with k8s.cluster.name=edge and the expected service
//      names, and a trace links trace-generator → sample-service as parent → child;
//   3. rejection — no credentials, wrong password, plaintext to the TLS port, a client trusting another
//      CA and a TLS 1.1 client are each rejected, and nothing they sent reaches Jaeger;
//   an independent client (telemetrygen, Go gRPC) gets every span through, via the edge and via the gateway;
//   and `make local-verify`'s full table passes against the same topology.
import { execa } from "execa";
import { beforeAll, describe, expect, it } from "vitest";
import { confirmNothingLeaked, runGatewayChecks } from "../../verify/gateway-checks.ts";
import { pollUntil } from "../../lib/poll.ts";
import {
  checkPipeline,
  expectations,
  formatRows,
  SHOP_SCENARIO_SERVICES,
} from "../../verify/pipeline-checks.ts";
import { localGatewayTarget, verifyLocal } from "../../local/verify.ts";
import { sessionInfo } from "../../local/session-file.ts";
import { spansOfRun, spansTagged } from "../../lib/jaeger-client.ts";
import { figures, seconds, testBinaries, useLocalPipeline } from "./helpers.ts";

describe("local pipeline: happy path and rejection", () => {
  const runId = `happy-${Date.now()}`;
  let started: number;

  beforeAll(async () => {
    await testBinaries(); // built before the clock starts: the figure is the pipeline's, not the build's
    started = performance.now();
  }, 10 * 60_000);
  const local = useLocalPipeline(
    1,
    {
      generators: [
        { name: "generator-live", scenario: "sample-service", rate: 5, runId },
        { name: "generator-shop", scenario: "shop", rate: 5, runId },
      ],
    },
    400,
  );

  it("carries traces from both apps to Jaeger, tagged k8s.cluster.name=edge, with the generator → sample-service edge", async () => {
    const rows = await checkPipeline(
      local.pipeline.jaeger,
      expectations({ podMetadata: false, syntheticServices: SHOP_SCENARIO_SERVICES }),
      { timeoutMs: 60_000 },
    );
    console.log(formatRows(rows));
    const found = {
      live: await spansOfRun(local.pipeline.jaeger, "trace-generator", runId),
      shop: await spansOfRun(local.pipeline.jaeger, "frontend", runId),
    };
    figures("happy path", {
      seconds: seconds(started),
      "spans found (generator-live traces)": found.live,
      "spans found (shop traces)": found.shop,
    });
    expect(
      rows.filter((row) => !row.ok),
      local.output.dump(),
    ).toEqual([]);
    expect(found.live).toBeGreaterThan(0);
  }, 120_000);

  it("rejects the five bad clients at the gateway, and nothing they sent reaches Jaeger", async () => {
    const t0 = performance.now();
    const attempts = await runGatewayChecks({
      address: local.pipeline.gatewayAddress,
      caPem: local.pipeline.session.caPem,
      username: local.pipeline.session.credentials.username,
      password: local.pipeline.session.credentials.password,
    });
    const leaks = await confirmNothingLeaked(local.pipeline.jaeger, attempts, { timeoutMs: 30_000 });
    console.log(formatRows([...attempts, ...leaks]));
    figures("rejection", {
      seconds: seconds(t0),
      attempts: attempts.length,
      rejected: attempts.filter((a) => a.expect === "rejected" && a.ok).length,
      "spans sent by rejected clients found in Jaeger": leaks.filter((row) => !row.ok).length,
    });
    expect(
      [...attempts, ...leaks].filter((row) => !row.ok),
      local.output.dump(),
    ).toEqual([]);
    // How each was turned away, as the gateway and the collector reported it (found by name, not position).
    const detail = (check: string) =>
      attempts.find((a) => a.check === `gateway: ${check} → rejected`)?.detail;
    expect(detail("no credentials")).toMatch(/^rejected \(UNAUTHENTICATED: no basic auth provided\)$/);
    expect(detail("wrong password")).toMatch(/^rejected \(UNAUTHENTICATED: invalid credentials\)$/);
    expect(detail("client trusting another CA")).toMatch(/certificate/);
    // Traefik routes nothing in the clear: the plaintext call is its own 404, never the collector's.
    expect(detail("plaintext to the TLS port")).toMatch(/UNIMPLEMENTED: Received HTTP status code 404/);
    // Traefik's TLS (minimum 1.2 by default) refuses a TLS 1.1 handshake itself.
    expect(detail("TLS 1.1 client")).toMatch(/alert protocol version/);
    // The gateway's access log: the credential attempts were routed to the collector (which refused
    // them), the plaintext one matched no router.
    await pollUntil(
      "the routed and the unrouted calls in the gateway's access log",
      () => {
        const lines = local.output
          .lines()
          .filter((line) => line.startsWith("[gateway]") && line.includes("TraceService/Export"));
        const routed = lines.filter((line) => line.includes(`"otlp-grpc-tls@file"`)).length;
        const unrouted = lines.filter((line) => / 404 \d+ "-" "-" \d+ "-" "-"/.test(line)).length;
        return Promise.resolve(routed >= 3 && unrouted >= 1 ? true : undefined);
      },
      { timeoutMs: 5000 },
    );
  }, 90_000);

  it("carries every span of an independent client (telemetrygen), to the edge and straight to the gateway", async () => {
    const t0 = performance.now();
    const runId = `telemetrygen-${Date.now()}`;
    const send = (service: string, traces: number, target: string[]) =>
      execa(local.pipeline.binaries.telemetrygen, [
        "traces",
        ...target,
        "--traces",
        String(traces),
        "--child-spans",
        "1",
        "--rate",
        "0",
        "--service",
        service,
        "--telemetry-attributes",
        `e2r.run.id="${runId}"`,
      ]);
    // As an app in the edge cluster: plaintext to the node-local collector.
    await send("telemetrygen", 50, [
      "--otlp-endpoint",
      `127.0.0.1:${local.pipeline.plan.edgeOtlpGrpc}`,
      "--otlp-insecure",
    ]);
    // As `make send` from a laptop: TLS with the project's CA and basic auth, straight to the gateway.
    const basic = Buffer.from(
      `${local.pipeline.session.credentials.username}:${local.pipeline.session.credentials.password}`,
    ).toString("base64");
    await send("telemetrygen-direct", 20, [
      "--otlp-endpoint",
      local.pipeline.gatewayAddress,
      "--ca-cert",
      local.pipeline.session.files.caCert,
      "--otlp-header",
      `authorization="Basic ${basic}"`,
    ]);
    const expected = { telemetrygen: 100, "telemetrygen-direct": 40 }; // traces × (root + 1 child)
    const found: Record<string, number> = {};
    await pollUntil(
      `all ${expected.telemetrygen} + ${expected["telemetrygen-direct"]} telemetrygen spans in Jaeger`,
      async () => {
        for (const service of Object.keys(expected))
          found[service] = await spansTagged(local.pipeline.jaeger, service, "e2r.run.id", runId);
        return Object.entries(expected).every(([service, count]) => found[service] === count)
          ? true
          : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 500 },
    ).catch((error: unknown) => console.log((error as Error).message)); // the figures and the assertion say what is missing
    figures("telemetrygen cross-check", {
      "spans sent via edge": expected.telemetrygen,
      "found via edge": found.telemetrygen ?? 0,
      "spans sent to gateway": expected["telemetrygen-direct"],
      "found via gateway": found["telemetrygen-direct"] ?? 0,
      seconds: seconds(t0),
    });
    expect(found, local.output.dump()).toEqual(expected);
  }, 90_000);

  it("passes every row of make local-verify", async () => {
    const rows = await verifyLocal({
      jaegerUrl: local.pipeline.jaegerUrl,
      gateway: localGatewayTarget(sessionInfo(local.pipeline)),
    });
    figures("local-verify", { rows: rows.length, failed: rows.filter((row) => !row.ok).length });
    expect(rows.filter((row) => !row.ok)).toEqual([]);
  }, 150_000);
});
