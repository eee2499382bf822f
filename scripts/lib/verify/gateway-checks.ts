// "Does the gateway turn away bad clients?" — the negative half of `make verify` (the remote cluster's
// Traefik at localhost:30443) and `make local-verify` / the e2e tests (the same Traefik on loopback). Each attempt
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
//   probeRoute(target) → { routed, detail }: one call without credentials; routed when the collector
//       behind the gateway answered UNAUTHENTICATED (how `make up` proves the gateway really routes).
//   confirmNothingLeaked(jaeger, attempts, { timeoutMs }) → CheckRow[]
//       Waits (bounded) for the positive control's span to reach Jaeger — proof the pipeline is flowing —
//       then checks that no rejected attempt's span is there. One row per attempt.
//   ATTEMPT_ATTRIBUTE, CHECK_SERVICE_NAME: the span attribute and service name the attempts use.
import { randomBytes } from "node:crypto";
import * as grpc from "@grpc/grpc-js";
import { basicAuthHeader } from "../credentials.ts";
import type { JaegerClient } from "../jaeger-client.ts";
import { exportOnce, oneSpanRequest, type ExportOutcome } from "../otlp-client.ts";
import { pollUntil } from "../poll.ts";
import { createCa } from "../../../packages/testkit/src/pki.ts";
import type { CheckRow } from "./pipeline-checks.ts";

/** The service name and span attribute every attempt's span carries. */
export const CHECK_SERVICE_NAME = "gateway-check";
export const ATTEMPT_ATTRIBUTE = "e2r.gateway_check.attempt";

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

/** One span of the gateway-check service, tagged with the attempt's id. */
function exportRequest(check: string, attemptId: string): unknown {
  return oneSpanRequest({
    service: CHECK_SERVICE_NAME,
    scope: "otel-edge-to-remote/gateway-checks",
    name: `gateway check: ${check}`,
    attributes: { [ATTEMPT_ATTRIBUTE]: attemptId, "e2r.gateway_check.name": check },
  });
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
  const rightAuth = basicAuthHeader(target.username, target.password);
  const wrongAuth = basicAuthHeader(target.username, `${target.password}-wrong`);
  const run = randomBytes(6).toString("hex");

  // `by` says who must turn the client away: the collector's basic auth (UNAUTHENTICATED) or the gateway
  // itself (a failed TLS handshake, or Traefik's 404 for a plaintext request: its HTTPS listener routes
  // nothing in the clear). A refusal for any other reason (nothing listening, a DNS failure, a timeout)
  // proves nothing, and neither does any refusal when the positive control was not accepted.
  const plan: {
    check: string;
    expect: "rejected" | "accepted";
    by?: "auth" | "gateway";
    credentials: grpc.ChannelCredentials;
    auth?: string;
  }[] = [
    { check: "no credentials", expect: "rejected", by: "auth", credentials: trusted },
    { check: "wrong password", expect: "rejected", by: "auth", credentials: trusted, auth: wrongAuth },
    {
      check: "plaintext to the TLS port",
      expect: "rejected",
      by: "gateway",
      credentials: grpc.credentials.createInsecure(),
      auth: rightAuth,
    },
    {
      check: "client trusting another CA",
      expect: "rejected",
      by: "gateway",
      credentials: untrusted,
      auth: rightAuth,
    },
    // Last, so that when its span reaches Jaeger everything sent before it has had time to arrive too.
    { check: "right CA + right credentials", expect: "accepted", credentials: trusted, auth: rightAuth },
  ];
  const outcomes: ExportOutcome[] = [];
  for (const [index, step] of plan.entries()) {
    outcomes.push(
      await exportOnce({
        address: target.address,
        credentials: step.credentials,
        serverName,
        authorization: step.auth,
        request: exportRequest(step.check, `${run}-${index}`),
        timeoutMs,
      }),
    );
  }
  const controlAccepted = outcomes.at(-1)?.code === grpc.status.OK;
  return plan.map((step, index) => {
    const outcome = outcomes[index]!;
    const accepted = outcome.code === grpc.status.OK;
    const how = `${grpc.status[outcome.code] ?? outcome.code}: ${outcome.message}`;
    let ok = accepted;
    let detail = accepted ? "accepted (OK)" : `rejected (${how})`;
    if (step.expect === "rejected") {
      ok = !accepted && controlAccepted && refusedBy(step.by!, outcome);
      if (!accepted && !controlAccepted)
        detail = `inconclusive: the positive control was not accepted either (${how})`;
      else if (!accepted && !ok) detail = `rejected for another reason than ${step.by} (${how})`;
    }
    return Object.freeze({
      check: `gateway: ${step.check} → ${step.expect}`,
      expect: step.expect,
      ok,
      detail,
      attemptId: `${run}-${index}`,
    });
  });
}

/**
 * One Export without credentials through the gateway. UNAUTHENTICATED can only come from the collector
 * (the gateway does not check credentials), so it proves the listener and the route work end to end;
 * a gateway that serves nothing yet answers UNIMPLEMENTED or HTTP 404, and a Programmed=True condition
 * or a Ready pod say nothing about that. Resolves with what came back.
 */
export async function probeRoute(
  target: Pick<GatewayTarget, "address" | "serverName" | "caPem">,
  timeoutMs = 3000,
): Promise<{ readonly routed: boolean; readonly detail: string }> {
  const outcome = await exportOnce({
    address: target.address,
    credentials: grpc.credentials.createSsl(Buffer.from(target.caPem)),
    serverName: target.serverName ?? hostOf(target.address),
    request: exportRequest("route probe", randomBytes(6).toString("hex")),
    timeoutMs,
  });
  return Object.freeze({
    routed: outcome.code === grpc.status.UNAUTHENTICATED,
    detail: `${grpc.status[outcome.code] ?? outcome.code}: ${outcome.message}`,
  });
}

/** Did the expected party turn the call away, rather than the network? */
function refusedBy(by: "auth" | "gateway", outcome: ExportOutcome): boolean {
  if (by === "auth") return outcome.code === grpc.status.UNAUTHENTICATED;
  const unrouted = outcome.code === grpc.status.UNIMPLEMENTED && /HTTP status code 404/.test(outcome.message);
  const unreachable = /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|ETIMEDOUT/;
  return unrouted || (outcome.code === grpc.status.UNAVAILABLE && !unreachable.test(outcome.message));
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
