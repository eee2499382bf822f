// "Does the gateway turn away bad clients?" — the negative half of `make verify` (the remote cluster's
// Traefik at localhost:30443) and `make local-verify` / the e2e tests (the same Traefik on loopback). Each attempt
// is a real OTLP/gRPC TraceService/Export call carrying one span tagged with a unique attempt id, so a
// later Jaeger query can prove that nothing a rejected client sent got through.
//
// API
//   runGatewayChecks(target, { timeoutMs?, otherCaPem? }) → GatewayAttempt[]
//       target = { address: "host:port", serverName?, caPem, username, password, mode?, client? }
//       The attempts of the target's auth mode (gateway-attempts.ts), the positive control last. Each one:
//       { check, expect, ok, detail (gRPC status and error text), attemptId }. A rejection counts only
//       when the right party refused for the right reason, and only when the positive control got in.
//   probeRoute(target) → { routed, detail }: one call the collector must refuse itself (no credentials,
//       or no client certificate); routed when it did (how `make up` proves the gateway really routes).
//   confirmNothingLeaked(jaeger, attempts, { timeoutMs }) → CheckRow[]
//       Waits (bounded) for the positive control's span to reach Jaeger — proof the pipeline is flowing —
//       then checks that no rejected attempt's span is there. One row per attempt.
//   ATTEMPT_ATTRIBUTE, CHECK_SERVICE_NAME: the span attribute and service name the attempts use.
import { randomBytes } from "node:crypto";
import * as grpc from "@grpc/grpc-js";
import type { JaegerClient } from "../lib/jaeger-client.ts";
import { exportOnce, oneSpanRequest, type ExportOutcome } from "../lib/otlp-client.ts";
import { pollUntil } from "../lib/poll.ts";
import { attemptPlan, refusedAsExpected, routeProbe } from "./gateway-attempts.ts";
import type { CheckRow, GatewayTarget } from "./types.ts";

/** The service name and span attribute every attempt's span carries. */
export const CHECK_SERVICE_NAME = "gateway-check";
export const ATTEMPT_ATTRIBUTE = "e2r.gateway_check.attempt";

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

/** Runs the mode's negative attempts and the positive control against the gateway. */
export async function runGatewayChecks(
  target: GatewayTarget,
  options: GatewayCheckOptions = {},
): Promise<GatewayAttempt[]> {
  const timeoutMs = options.timeoutMs ?? 5000;
  const plan = await attemptPlan(target, options.otherCaPem);
  const run = randomBytes(6).toString("hex");
  const outcomes: ExportOutcome[] = [];
  for (const [index, step] of plan.entries()) {
    outcomes.push(
      await exportOnce({
        address: target.address,
        credentials: step.credentials,
        serverName: step.serverName,
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
    const how = `${grpc.status[outcome.code] ?? outcome.code}: ${tidyMessage(outcome.message)}`;
    let ok = accepted;
    let detail = accepted ? "accepted (OK)" : `rejected (${how})`;
    if (step.expect === "rejected") {
      ok = !accepted && controlAccepted && refusedAsExpected(step.by!, outcome);
      if (!accepted && !controlAccepted)
        detail = `inconclusive: the positive control was not accepted either (${how})`;
      else if (!accepted && !ok) detail = `rejected, but not ${step.by!.describe} (${how})`;
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
 * grpc-js wraps an OpenSSL error in several lines with addresses and source paths; the row keeps the part
 * that says what happened ("tlsv13 alert certificate required (SSL alert number 116)").
 */
export function tidyMessage(message: string): string {
  const alert = /ssl3_read_bytes:([^:]*alert[^:]*):.*?(SSL alert number \d+)/s.exec(message);
  if (alert) return `TLS handshake refused by the server: ${alert[1]} (${alert[2]})`;
  return message
    .replace(/\s*Resolution note:\s*$/, "")
    .replace(/\s+/g, " ")
    .trim();
}

/**
 * One Export the collector behind the gateway must refuse itself: without credentials (AUTH=basic, answered
 * UNAUTHENTICATED), or without a client certificate (AUTH=mtls|both, the collector's TLS "certificate
 * required"). Only the collector can answer that way, so it proves the listener and the route work end to
 * end; a gateway that serves nothing yet answers UNIMPLEMENTED or HTTP 404, and a Programmed=True
 * condition or a Ready pod say nothing about that. Resolves with what came back.
 */
export async function probeRoute(
  target: Pick<GatewayTarget, "address" | "serverName" | "caPem" | "mode">,
  timeoutMs = 3000,
): Promise<{ readonly routed: boolean; readonly detail: string }> {
  const probe = routeProbe(target);
  const outcome = await exportOnce({
    address: target.address,
    credentials: probe.credentials,
    serverName: probe.serverName,
    request: exportRequest("route probe", randomBytes(6).toString("hex")),
    timeoutMs,
  });
  return Object.freeze({
    routed: refusedAsExpected(probe.by, outcome),
    detail: `${grpc.status[outcome.code] ?? outcome.code}: ${outcome.message}`,
  });
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
