// The pipeline's alerts, live: Prometheus (the pinned build) loads the alert rules of
// manifests/remote/prometheus with every duration divided by SCALE (alert-cases.ts says why), and the
// real collectors, Jaeger, Traefik and cert-expiry reporters feed it. Each alert is driven into firing by
// the failure it describes, and back to quiet when the failure ends:
//   certificates    the gateway's certificate reissued to expire in 10 days, then 2 days, then restored;
//                   then not a certificate at all
//   refusals        a client with a wrong password, 4 calls a second
//   Jaeger down     the remote collector's queue toward Jaeger fills and it refuses; the edge's queue fills
//   hop down        the gateway stopped: the edge's metrics stop arriving
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as grpc from "@grpc/grpc-js";
import { afterAll, describe, expect, it } from "vitest";
import { issueGatewayCertificate } from "../../lib/certificates.ts";
import { basicAuthHeader } from "../../lib/credentials.ts";
import { exportOnce, oneSpanRequest } from "../../lib/otlp-client.ts";
import { pollUntil } from "../../lib/poll.ts";
import {
  EDGE_COLLECTOR_JOB,
  healthLine,
  pipelineHealth,
  SENDERS,
  sendersReporting,
} from "../../lib/pipeline-health.ts";
import type { Alert } from "../../lib/prometheus-client.ts";
import { REPO_ROOT } from "../../lib/topology.ts";
import { writeScaledPrometheusConfig } from "./alert-cases.ts";
import { figures, seconds, useLocalPipeline } from "./helpers.ts";

const SCALE = 15;
const configDir = mkdtempSync(join(tmpdir(), "otel-e2r-alerts-"));
afterAll(() => rmSync(configDir, { recursive: true, force: true }));

describe("the pipeline's alerts fire on real failures and clear when they end", () => {
  const local = useLocalPipeline(20, {
    sampleService: false,
    metricsIntervalMs: 1000,
    prometheusConfig: writeScaledPrometheusConfig(configDir, SCALE, 1),
    // Small queues, so that filling them takes seconds: the edge's (2 MiB, the least the collector takes:
    // its batches' min_size) and the remote collector's toward Jaeger (full after 2 exports, then it
    // refuses and the edge holds what comes). The rate fills 80 % of the edge's in about 15 s.
    queueBytes: 2 * 1024 * 1024,
    jaegerQueueSize: 2,
    generators: [{ name: "generator", scenario: "blog", rate: 200 }],
  });
  const prometheus = () => local.pipeline.prometheus;
  const active = async (name: string): Promise<Alert[]> =>
    (await prometheus().alerts()).filter((alert) => alert.name === name);

  async function firing(
    name: string,
    labels: Record<string, string> = {},
    timeoutMs = 60_000,
  ): Promise<Alert> {
    return pollUntil(
      `${name} firing${Object.keys(labels).length ? ` for ${JSON.stringify(labels)}` : ""}`,
      async () =>
        (await active(name)).find(
          (alert) =>
            alert.state === "firing" &&
            Object.entries(labels).every(([key, value]) => alert.labels[key] === value),
        ),
      { timeoutMs, intervalMs: 500 },
    );
  }
  async function quiet(name: string, timeoutMs = 60_000): Promise<void> {
    await pollUntil(
      `${name} no longer active`,
      async () => ((await active(name)).length === 0 ? true : undefined),
      {
        timeoutMs,
        intervalMs: 500,
      },
    );
  }

  /** Stops one program: each alert must fire, in turn, while it is down, and all must clear once it is back. */
  async function outage(
    program: string,
    alerts: [name: string, labels: Record<string, string>][],
    timeoutMs: number,
    figure: string,
  ): Promise<void> {
    const { pipeline } = local;
    const started = performance.now();
    await pipeline.stop(program);
    try {
      for (const [name, labels] of alerts) await firing(name, labels, timeoutMs);
    } finally {
      await pipeline.start(program);
    }
    for (const [name] of alerts) await quiet(name, timeoutMs);
    figures(figure, { "fired and cleared in s": seconds(started) });
  }

  it("has every side's metrics, and no alert fires once warmed up", async () => {
    const jobs = await pollUntil(
      "metrics from both collectors, Jaeger and both cert-expiry reporters",
      async () => {
        const seen = await sendersReporting(prometheus());
        return SENDERS.every((sender) => seen.includes(sender)) ? seen : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 1000 },
    );
    expect(jobs).toEqual(SENDERS);
    // The longest scaled window (15 min / SCALE = 60 s), then 10 s of watching: nothing may fire.
    await new Promise((resolve) => setTimeout(resolve, 62_000));
    const seen = new Set<string>();
    const until = Date.now() + 10_000;
    while (Date.now() < until) {
      for (const alert of await prometheus().alerts()) if (alert.state === "firing") seen.add(alert.name);
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    expect([...seen]).toEqual([]);
    // The metric names docs/architecture.md lists are the ones the running programs export.
    const documented = [
      ...readFileSync(join(REPO_ROOT, "docs/architecture.md"), "utf8")
        .split("<!-- metric-names:start -->")[1]!
        .split("<!-- metric-names:end -->")[0]!
        .matchAll(/^\| `([a-z_]+)`/gm),
    ].map((match) => match[1]!);
    expect(documented.length).toBeGreaterThan(10);
    const exported = new Set(await prometheus().metricNames());
    expect(documented.filter((name) => !exported.has(name))).toEqual([]);
    // make status's health line, from the same Prometheus.
    const line = healthLine(await pipelineHealth(prometheus()));
    expect(line).toMatch(
      /^edge queue \d+% full · 0 refused calls in 5 min · nearest expiry in \d+ days \(CN=.*, (edge|remote)\) · no alert firing$/,
    );
    figures("alerts: healthy", { health: line });
  }, 180_000);

  it("CertificateExpiresSoon and CertificateExpiresVerySoon follow the gateway certificate's lifetime", async () => {
    const { files } = local.pipeline.session;
    const original = { cert: readFileSync(files.serverCert), key: readFileSync(files.serverKey) };
    const reissue = (validityDays: number) =>
      issueGatewayCertificate(local.pipeline.session.dir, validityDays);
    const started = performance.now();
    try {
      await reissue(10);
      const soon = await firing("CertificateExpiresSoon", {
        tls_certificate_role: "server",
        k8s_cluster_name: "remote",
      });
      expect(soon.annotations.summary).toMatch(/expires in (9d 23h|10d 0h 0m)/);
      await reissue(2);
      const verySoon = await firing("CertificateExpiresVerySoon", { tls_certificate_role: "server" });
      expect(verySoon.labels.severity).toBe("critical");
      expect(verySoon.annotations.summary).toMatch(/expires in (1d 23h|2d 0h 0m)/);
    } finally {
      writeFileSync(files.serverKey, original.key, { mode: 0o600 });
      writeFileSync(files.serverCert, original.cert, { mode: 0o600 });
    }
    await quiet("CertificateExpiresVerySoon");
    await quiet("CertificateExpiresSoon");
    // A watched file that is no longer a certificate (a broken mount, a half-written file).
    try {
      writeFileSync(files.serverCert, "not a certificate\n", { mode: 0o600 });
      await firing("CertificateUnreadable", { k8s_cluster_name: "remote" });
    } finally {
      writeFileSync(files.serverCert, original.cert, { mode: 0o600 });
    }
    await quiet("CertificateUnreadable");
    figures("alerts: certificates", { "fired and cleared in s": seconds(started) });
  }, 240_000);

  it("RemoteCollectorRefusalsRising fires while a client keeps sending a wrong password", async () => {
    const { pipeline } = local;
    const started = performance.now();
    const stop = AbortSignal.timeout(45_000);
    let refused = 0;
    const sending = (async () => {
      while (!stop.aborted) {
        const outcome = await exportOnce({
          address: pipeline.gatewayAddress,
          credentials: grpc.credentials.createSsl(Buffer.from(pipeline.session.caPem)),
          authorization: basicAuthHeader(pipeline.session.credentials.username, "not-the-password"),
          request: oneSpanRequest({ service: "alerts-test", name: "bad-password", attributes: {} }),
          timeoutMs: 3000,
        });
        if (outcome.code === grpc.status.UNAUTHENTICATED) refused++;
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    })();
    try {
      const alert = await firing("RemoteCollectorRefusalsRising", { k8s_cluster_name: "remote" }, 40_000);
      expect(alert.annotations.summary).toMatch(/refuses \d+\.\d\d unauthenticated calls per second/);
    } finally {
      await sending;
    }
    expect(refused).toBeGreaterThan(20);
    await quiet("RemoteCollectorRefusalsRising");
    figures("alerts: refusals", { "refused calls": refused, "fired and cleared in s": seconds(started) });
  }, 180_000);

  it("with Jaeger down: EdgeQueueFilling, EdgeExportsFailing and NoSpansInJaeger fire, and clear when it is back", async () => {
    await outage(
      "jaeger",
      [
        ["EdgeQueueFilling", { data_type: "traces", k8s_cluster_name: "edge" }],
        ["EdgeExportsFailing", { k8s_cluster_name: "edge" }],
        ["NoSpansInJaeger", {}],
      ],
      90_000,
      "alerts: Jaeger down",
    );
  }, 360_000);

  it("with the hop down (the gateway stopped): EdgeMetricsMissing fires, and clears when it is back", async () => {
    await outage(
      "gateway",
      [["EdgeMetricsMissing", { job: EDGE_COLLECTOR_JOB }]],
      60_000,
      "alerts: hop down",
    );
  }, 180_000);
});
