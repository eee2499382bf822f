// 9. The error texts docs/troubleshooting.md quotes are the ones the real programs print: the edge
// collector (the manifests' config) pointed at the real Traefik and remote collector in each of the
// ways people get it wrong, with basic auth and with mutual TLS. Each case restarts the edge with one setting changed, sends one span, and
// requires the quoted text both in the collector's log and in the troubleshooting page.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as grpc from "@grpc/grpc-js";
import { parse, stringify } from "yaml";
import { describe, expect, it } from "vitest";
import { createCa, loadCa } from "@otel-e2r/pki/ca.ts";
import { issueClientCertificate, issueServerCertificate } from "@otel-e2r/pki/issue.ts";
import { exportOnce, oneSpanRequest } from "../../lib/otlp-client.ts";
import { pollUntil } from "../../lib/poll.ts";
import { REPO_ROOT } from "../../lib/topology.ts";
import type { LocalPipeline } from "../../local/pipeline.ts";
import { CONFIGS } from "../../local/processes.ts";
import { useLocalPipeline } from "./helpers.ts";
import { mergeConfigs, type CollectorConfig } from "../../contract/checks/collector-config.ts";

const TROUBLESHOOTING = readFileSync(join(REPO_ROOT, "docs/troubleshooting.md"), "utf8");

interface Change {
  env?: Record<string, string>;
  exporter?: (e: Record<string, unknown>) => void;
  /** The edge's --config arguments in place of the pipeline's (another auth mode's overlays). */
  args?: string[];
}

interface Case {
  readonly name: string;
  /** What to change: environment of the edge collector, and optionally its exporter's config. */
  readonly change: (p: LocalPipeline, dir: string) => Change | Promise<Change>;
  /** The exact text, as troubleshooting.md quotes it. */
  readonly text: string;
  /** The collector refuses to start with this setting (the text is its start-up error). */
  readonly failsToStart?: boolean;
}

const CASES: readonly Case[] = [
  {
    name: "the exporter trusts another CA",
    change: async (_p, dir) => {
      const other = join(dir, "other-ca.crt");
      writeFileSync(other, (await createCa({ commonName: "another CA", validityDays: 1 })).certPem, {
        mode: 0o600,
      });
      return { env: { REMOTE_CA_FILE: other } };
    },
    text: 'transport: authentication handshake failed: tls: failed to verify certificate: x509: certificate signed by unknown authority"',
  },
  {
    name: "TLS to a plaintext port (the remote collector itself)",
    change: (p) => ({ env: { REMOTE_GATEWAY_ENDPOINT: `localhost:${p.plan.remoteOtlpGrpc}` } }),
    text: "tls: first record does not look like a TLS handshake",
  },
  {
    name: "a wrong password",
    change: (_p, dir) => {
      const wrong = join(dir, "wrong-password");
      writeFileSync(wrong, "not-the-password", { mode: 0o600 });
      return { env: { EXPORTER_PASSWORD_FILE: wrong } };
    },
    text: "rpc error: code = Unauthenticated desc = invalid credentials",
  },
  {
    name: "basic auth over a plaintext connection",
    change: () => ({ exporter: (e) => void (e.tls = { insecure: true }) }),
    text: "grpc: the credentials require transport level security (use grpc.WithTransportCredentials() to set)",
    failsToStart: true,
  },
  {
    name: "plaintext to the gateway's HTTPS port",
    change: () => ({
      exporter: (e) => {
        e.tls = { insecure: true };
        delete e.auth;
      },
    }),
    text: "rpc error: code = Unimplemented desc = unexpected HTTP status code received from server: 404 (Not Found)",
  },
];

/** A certificate pair written into the run's folder, as the edge's client certificate. */
async function clientPair(dir: string, name: string, issued: Promise<{ certPem: string; keyPem: string }>) {
  const { certPem, keyPem } = await issued;
  const cert = join(dir, `${name}.crt`);
  const key = join(dir, `${name}.key`);
  writeFileSync(cert, certPem, { mode: 0o600 });
  writeFileSync(key, keyPem, { mode: 0o600 });
  return { env: { EXPORTER_CERT_FILE: cert, EXPORTER_KEY_FILE: key } };
}

const projectCa = (p: LocalPipeline) =>
  loadCa(
    readFileSync(p.session.files.clientCaCert, "utf8"),
    readFileSync(p.session.files.clientCaKey, "utf8"),
  );
const DAY_MS = 24 * 3600 * 1000;

/** AUTH=mtls: what the edge collector logs when the remote collector refuses its certificate. */
const MTLS_CASES: readonly Case[] = [
  {
    name: "AUTH=mtls: the edge presents no client certificate",
    change: () => ({ env: { EXPORTER_CERT_FILE: "", EXPORTER_KEY_FILE: "" } }),
    text: 'error reading server preface: remote error: tls: certificate required"',
  },
  {
    name: "AUTH=mtls: a client certificate from another CA",
    change: async (_p, dir) =>
      clientPair(
        dir,
        "foreign",
        createCa({ commonName: "another CA", validityDays: 2 }).then((ca) =>
          issueClientCertificate(ca, { commonName: "edge", validityDays: 1 }),
        ),
      ),
    text: 'error reading server preface: remote error: tls: unknown certificate authority"',
  },
  {
    name: "AUTH=mtls: an expired client certificate",
    change: async (p, dir) =>
      clientPair(
        dir,
        "expired",
        projectCa(p).then((ca) =>
          issueClientCertificate(ca, {
            commonName: "edge",
            validityDays: 1,
            window: { notBefore: new Date(Date.now() - 3 * DAY_MS), notAfter: new Date(Date.now() - DAY_MS) },
          }),
        ),
      ),
    text: 'error reading server preface: remote error: tls: expired certificate"',
  },
  {
    name: "AUTH=mtls: a server certificate used as the client certificate",
    change: async (p, dir) =>
      clientPair(
        dir,
        "server-only",
        projectCa(p).then((ca) => issueServerCertificate(ca, { dnsNames: ["edge"], validityDays: 1 })),
      ),
    text: 'error reading server preface: remote error: tls: bad certificate"',
  },
  {
    name: "AUTH=mtls on the remote side, the edge still on basic auth",
    change: () => ({
      args: ["--config", CONFIGS.edge, "--config", join(CONFIGS.edge, "../basic-auth.yaml")],
    }),
    text: "rpc error: code = Unavailable desc = unexpected HTTP status code received from server: 502 (Bad Gateway)",
  },
];

describe.each([
  ["basic", 8, CASES],
  ["mtls", 11, MTLS_CASES],
] as const)("troubleshooting.md quotes the real error texts (AUTH=%s)", (auth, slot, cases) => {
  const local = useLocalPipeline(slot, { sampleService: false, auth }, 2000);

  it.each(cases)(
    "$name",
    async ({ change, text, failsToStart }) => {
      const {
        env = {},
        exporter,
        args: otherArgs,
      } = await change(local.pipeline, local.pipeline.session.dir);
      const base = local.pipeline.spec("edge");
      let args = otherArgs ?? base.args;
      if (exporter) {
        // The basic-auth mode's merged config, with the one change.
        const config = mergeConfigs(
          [CONFIGS.edge, join(CONFIGS.edge, "../basic-auth.yaml")].map(
            (file) => parse(readFileSync(file, "utf8")) as CollectorConfig,
          ),
        ) as { exporters: Record<string, Record<string, unknown>> };
        exporter(config.exporters["otlp_grpc/remote"]!);
        const file = join(local.pipeline.session.dir, "edge-variant.yaml");
        writeFileSync(file, stringify(config), { mode: 0o600 });
        args = ["--config", file];
      }
      await local.pipeline.stop("edge");
      const from = local.output.lines().length;
      const started = local.pipeline.supervisor.start({ ...base, args, env: { ...base.env, ...env } });
      try {
        if (failsToStart) await expect(started).rejects.toThrow(/edge exited before it was ready/);
        else await started;
        await exportOnce({
          address: `127.0.0.1:${local.pipeline.plan.edgeOtlpGrpc}`,
          credentials: grpc.credentials.createInsecure(),
          request: oneSpanRequest({ service: "error-texts", name: "one span", attributes: {} }),
          timeoutMs: 5000,
        });
        await pollUntil(
          `the edge collector's log to show "${text}"`,
          () =>
            Promise.resolve(
              local.output
                .lines()
                .slice(from)
                .map((l) => l.replaceAll('\\"', '"'))
                .find((l) => l.includes(text)),
            ),
          { timeoutMs: 30_000, intervalMs: 250 },
        ).catch((error: Error) => {
          throw new Error(
            `${error.message}\n${local.output
              .lines()
              .slice(from)
              .filter((l) => l.startsWith("[edge]"))
              .slice(-15)
              .join("\n")}`,
          );
        });
        expect(TROUBLESHOOTING, "docs/troubleshooting.md quotes this text").toContain(text);
      } finally {
        if (local.pipeline.supervisor.get("edge")) await local.pipeline.stop("edge");
        await local.pipeline.supervisor.start(base);
      }
    },
    120_000,
  );
});
