// Latency and failure injection for workshop exercises: defaults from the environment, plus per-request
// overrides (headers or query parameters) so one curl can make one trace slow or failing.
import { z } from "zod";

export const INJECT_LATENCY_HEADER = "x-inject-latency-ms";
export const INJECT_FAILURE_HEADER = "x-inject-failure";
export const INJECT_LATENCY_QUERY = "injectLatencyMs";
export const INJECT_FAILURE_QUERY = "injectFailure";

export interface Injection {
  readonly latencyMs: number;
  readonly fail: boolean;
}

const latency = z
  .string()
  .regex(/^\d{1,5}$/)
  .transform(Number)
  .pipe(z.number().max(60_000));
const failure = z.enum(["true", "false", "1", "0"]).transform((value) => value === "true" || value === "1");

export class InjectionError extends Error {
  override readonly name = "InjectionError";
}

/**
 * The injection for one request: env latency plus the requested extra latency; failure when requested
 * ("true"/"false" overrides the env rate) or, otherwise, with the env probability.
 */
export function resolveInjection(
  request: { header(name: string): string | undefined; query(name: string): string | undefined },
  defaults: { readonly injectLatencyMs: number; readonly injectFailureRate: number },
  random: () => number = Math.random,
): Injection {
  const problems: string[] = [];
  const rawLatency = request.header(INJECT_LATENCY_HEADER) ?? request.query(INJECT_LATENCY_QUERY);
  const rawFailure = request.header(INJECT_FAILURE_HEADER) ?? request.query(INJECT_FAILURE_QUERY);
  const extra =
    rawLatency === undefined ? { success: true as const, data: 0 } : latency.safeParse(rawLatency);
  if (!extra.success)
    problems.push(
      `${INJECT_LATENCY_HEADER}=${JSON.stringify(rawLatency)}: expected milliseconds from 0 to 60000`,
    );
  const forced = rawFailure === undefined ? undefined : failure.safeParse(rawFailure);
  if (forced && !forced.success)
    problems.push(`${INJECT_FAILURE_HEADER}=${JSON.stringify(rawFailure)}: expected true or false`);
  if (problems.length > 0) throw new InjectionError(problems.join("; "));
  return {
    latencyMs: Math.min(defaults.injectLatencyMs + (extra.success ? extra.data : 0), 60_000),
    fail: forced?.success
      ? forced.data
      : defaults.injectFailureRate > 0 && random() < defaults.injectFailureRate,
  };
}
