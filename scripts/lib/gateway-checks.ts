// "Does the gateway turn away bad clients?" — the negative half of `make verify` (the remote cluster's
// Envoy Gateway at localhost:30443) and `make local-verify` / the e2e tests (nginx on loopback). Each attempt
// is a real OTLP/gRPC TraceService/Export call carrying one span tagged with a unique attempt id, so a
// later Jaeger query can prove that nothing a rejected client sent got through.
//
// API
//   runGatewayChecks(target, { timeoutMs?, otherCaPem? }) → GatewayAttempt[]
//       target = { address: "host:port", serverName?, caPem, username, password }
//       Five attempts, in this order:
//         no credentials        TLS, trusted CA, no authorization header            → must be rejected
//         wrong password        TLS, trusted CA, right user + wrong password         → must be rejected
//         plaintext to TLS port h2c to the TLS listener                              → must be rejected
//         untrusted CA          client trusts a different CA (generated if absent)   → must be rejected
//         right CA + credentials (the positive control)                              → must be accepted
//       Each attempt: { check, expect, ok, detail (gRPC status and error text), attemptId }.
//   confirmNothingLeaked(jaeger, attempts, { timeoutMs }) → CheckRow[]
//       Waits (bounded) for the positive control's span to reach Jaeger — proof the pipeline is flowing —
//       then checks that no rejected attempt's span is there. One row per attempt.
//   ATTEMPT_ATTRIBUTE, CHECK_SERVICE_NAME: the span attribute and service name the attempts use.
import { randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import type { JaegerClient } from "./jaeger-client.ts";
import { pollUntil } from "./jaeger-client.ts";
import { createCa } from "./pki.ts";
import type { CheckRow } from "./pipeline-checks.ts";

/** The service name and span attribute every attempt's span carries. */
export const CHECK_SERVICE_NAME = "gateway-check";
export const ATTEMPT_ATTRIBUTE = "e2r.gateway_check.attempt";

const PROTO_FILE = fileURLToPath(new URL("./otlp/trace_service.proto", import.meta.url));

export interface GatewayTarget {
  /** host:port of the TLS listener, e.g. "localhost:30443". */
  address: string;
  /** TLS server name (SNI and certificate check); defaults to the address's host. */
  serverName?: string;
  /** The CA that signed the gateway's certificate. */
  caPem: string;
  username: string;
  password: string;
}

export interface GatewayCheckOptions {
  /** Deadline of each Export call. */
  timeoutMs?: number;
  /** A CA that did NOT sign the gateway's certificate; one is generated when absent. */
  otherCaPem?: string;
}

export interface GatewayAttempt extends CheckRow {
  readonly expect: "rejected" | "accepted";
  readonly attemptId: string;
}

interface ExportOutcome {
  code: grpc.status;
  message: string;
}

type ExportClient = grpc.Client & {
  Export(
    request: unknown,
    metadata: grpc.Metadata,
    options: grpc.CallOptions,
    callback: (error: grpc.ServiceError | null) => void,
  ): grpc.ClientUnaryCall;
};

let clientConstructor: grpc.ServiceClientConstructor | undefined;

function traceServiceClient(): grpc.ServiceClientConstructor {
  if (!clientConstructor) {
    const definition = protoLoader.loadSync(PROTO_FILE, { keepCase: false, longs: String, enums: String });
    const loaded = grpc.loadPackageDefinition(definition) as unknown as {
      opentelemetry: {
        proto: { collector: { trace: { v1: { TraceService: grpc.ServiceClientConstructor } } } };
      };
    };
    clientConstructor = loaded.opentelemetry.proto.collector.trace.v1.TraceService;
  }
  return clientConstructor;
}

function exportRequest(check: string, attemptId: string): unknown {
  const nowNs = BigInt(Date.now()) * 1_000_000n;
  const text = (key: string, value: string) => ({ key, value: { stringValue: value } });
  return {
    resourceSpans: [
      {
        resource: { attributes: [text("service.name", CHECK_SERVICE_NAME)] },
        scopeSpans: [
          {
            scope: { name: "otel-edge-to-remote/gateway-checks" },
            spans: [
              {
                traceId: randomBytes(16),
                spanId: randomBytes(8),
                name: `gateway check: ${check}`,
                kind: "SPAN_KIND_CLIENT",
                startTimeUnixNano: String(nowNs - 1_000_000n),
                endTimeUnixNano: String(nowNs),
                attributes: [text(ATTEMPT_ATTRIBUTE, attemptId), text("e2r.gateway_check.name", check)],
              },
            ],
          },
        ],
      },
    ],
  };
}

function basicAuth(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`, "utf8").toString("base64")}`;
}

async function exportOnce(
  address: string,
  credentials: grpc.ChannelCredentials,
  serverName: string,
  authorization: string | undefined,
  request: unknown,
  timeoutMs: number,
): Promise<ExportOutcome> {
  const Client = traceServiceClient();
  const client = new Client(address, credentials, {
    "grpc.ssl_target_name_override": serverName,
    "grpc.default_authority": serverName,
  }) as unknown as ExportClient;
  const metadata = new grpc.Metadata();
  if (authorization !== undefined) metadata.set("authorization", authorization);
  try {
    return await new Promise<ExportOutcome>((resolve) => {
      client.Export(request, metadata, { deadline: Date.now() + timeoutMs }, (error) =>
        resolve(
          error
            ? { code: error.code, message: error.details || error.message }
            : { code: grpc.status.OK, message: "OK" },
        ),
      );
    });
  } finally {
    client.close();
  }
}

function hostOf(address: string): string {
  const match = /^\[?([^\]]+?)\]?:\d+$/.exec(address);
  if (!match) throw new Error(`gateway address ${JSON.stringify(address)} is not host:port`);
  return match[1]!;
}

/** Runs the four negative attempts and the positive control against the gateway. */
export async function runGatewayChecks(
  target: GatewayTarget,
  options: GatewayCheckOptions = {},
): Promise<GatewayAttempt[]> {
  const timeoutMs = options.timeoutMs ?? 5000;
  const serverName = target.serverName ?? hostOf(target.address);
  const otherCaPem =
    options.otherCaPem ?? (await createCa({ commonName: "untrusted test CA", validityDays: 1 })).certPem;
  const trusted = grpc.credentials.createSsl(Buffer.from(target.caPem));
  const untrusted = grpc.credentials.createSsl(Buffer.from(otherCaPem));
  const rightAuth = basicAuth(target.username, target.password);
  const wrongAuth = basicAuth(target.username, `${target.password}-wrong`);
  const run = randomBytes(6).toString("hex");

  const plan: {
    check: string;
    expect: "rejected" | "accepted";
    credentials: grpc.ChannelCredentials;
    auth?: string;
  }[] = [
    { check: "no credentials", expect: "rejected", credentials: trusted },
    { check: "wrong password", expect: "rejected", credentials: trusted, auth: wrongAuth },
    {
      check: "plaintext to the TLS port",
      expect: "rejected",
      credentials: grpc.credentials.createInsecure(),
      auth: rightAuth,
    },
    { check: "client trusting another CA", expect: "rejected", credentials: untrusted, auth: rightAuth },
    { check: "right CA + right credentials", expect: "accepted", credentials: trusted, auth: rightAuth },
  ];
  const attempts: GatewayAttempt[] = [];
  for (const [index, step] of plan.entries()) {
    const attemptId = `${run}-${index}`;
    const outcome = await exportOnce(
      target.address,
      step.credentials,
      serverName,
      step.auth,
      exportRequest(step.check, attemptId),
      timeoutMs,
    );
    const accepted = outcome.code === grpc.status.OK;
    const how = `${grpc.status[outcome.code] ?? outcome.code}: ${outcome.message}`;
    attempts.push(
      Object.freeze({
        check: `gateway: ${step.check} → ${step.expect}`,
        expect: step.expect,
        ok: accepted === (step.expect === "accepted"),
        detail: accepted ? "accepted (OK)" : `rejected (${how})`,
        attemptId,
      }),
    );
  }
  return attempts;
}

async function attemptInJaeger(jaeger: JaegerClient, attemptId: string): Promise<boolean> {
  const traces = await jaeger.findTraces({
    service: CHECK_SERVICE_NAME,
    tags: { [ATTEMPT_ATTRIBUTE]: attemptId },
    limit: 5,
    lookback: "1h",
  });
  return traces.length > 0;
}

/**
 * Proves nothing a rejected attempt sent reached Jaeger: first waits for the accepted attempt's span (the
 * pipeline is flowing and has had time to deliver everything sent before it), then looks for the others.
 */
export async function confirmNothingLeaked(
  jaeger: JaegerClient,
  attempts: readonly GatewayAttempt[],
  options: { timeoutMs: number },
): Promise<CheckRow[]> {
  const control = attempts.find((attempt) => attempt.expect === "accepted");
  const rows: CheckRow[] = [];
  if (!control?.ok)
    return [
      {
        check: "Jaeger: rejected attempts absent",
        ok: false,
        detail: "the positive control was not accepted, so absence proves nothing",
      },
    ];
  const started = Date.now();
  try {
    await pollUntil(
      `the positive control's span (${ATTEMPT_ATTRIBUTE}=${control.attemptId}) in Jaeger`,
      async () => ((await attemptInJaeger(jaeger, control.attemptId)) ? true : undefined),
      { timeoutMs: options.timeoutMs, intervalMs: 500 },
    );
    rows.push({
      check: "Jaeger: positive control arrived",
      ok: true,
      detail: `after ${((Date.now() - started) / 1000).toFixed(1)}s`,
    });
  } catch (error) {
    return [{ check: "Jaeger: positive control arrived", ok: false, detail: (error as Error).message }];
  }
  for (const attempt of attempts.filter((a) => a.expect === "rejected")) {
    const leaked = await attemptInJaeger(jaeger, attempt.attemptId);
    rows.push({
      check: `Jaeger: nothing from "${attempt.check.replace(/^gateway: | → rejected$/g, "")}"`,
      ok: !leaked,
      detail: leaked
        ? `LEAKED: a span with ${ATTEMPT_ATTRIBUTE}=${attempt.attemptId} is in Jaeger`
        : `no span with ${ATTEMPT_ATTRIBUTE}=${attempt.attemptId}`,
    });
  }
  return rows;
}
