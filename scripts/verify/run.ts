// The one sequence behind `make verify`, `make local-verify` and the end-to-end tests: the pipeline rows
// (traces crossed, with the expected attributes and edge), then the gateway's rejection rows, then the
// proof in Jaeger that nothing a rejected client sent got through. Where Jaeger and the gateway are is
// the caller's business (a port-forward to the clusters, or loopback).
import type { JaegerClient } from "../lib/jaeger-client.ts";
import { confirmNothingLeaked, runGatewayChecks } from "./gateway-checks.ts";
import { checkPipeline, type PipelineExpectations } from "./pipeline-checks.ts";
import type { CheckRow, GatewayTarget } from "./types.ts";

export interface VerifyRun {
  readonly jaeger: JaegerClient;
  readonly gateway: GatewayTarget;
  readonly expectations: PipelineExpectations;
  /** Bound on waiting for the apps' traces in Jaeger. */
  readonly pipelineTimeoutMs: number;
  /** Bound on waiting for the positive control's span in Jaeger. */
  readonly leakTimeoutMs: number;
  /** Progress lines, before each phase. */
  readonly note?: (line: string) => void;
}

export async function runVerify(run: VerifyRun): Promise<CheckRow[]> {
  run.note?.(`waiting up to ${run.pipelineTimeoutMs / 1000}s for traces in Jaeger at ${run.jaeger.baseUrl}`);
  const pipeline = await checkPipeline(run.jaeger, run.expectations, { timeoutMs: run.pipelineTimeoutMs });
  run.note?.(`gateway checks against ${run.gateway.address}`);
  const attempts = await runGatewayChecks(run.gateway);
  const leaks = await confirmNothingLeaked(run.jaeger, attempts, { timeoutMs: run.leakTimeoutMs });
  return [...pipeline, ...attempts, ...leaks];
}
