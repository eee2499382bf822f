// `make local-verify`: the checks `make verify` runs against the clusters (scripts/lib/verify/pipeline-checks.ts,
// scripts/lib/verify/gateway-checks.ts), run against the topology a `make local` in another terminal is running.
// Off-cluster k8s_attributes runs in passthrough mode, so pod metadata is the one expectation left out.
// Prints a pass/fail table; exit 0 only if every row passes.
import { readFileSync } from "node:fs";
import { createJaegerClient } from "../lib/jaeger-client.ts";
import type { CheckRow } from "../lib/verify/pipeline-checks.ts";
import { expectations, formatRows, SHOP_SCENARIO_SERVICES } from "../lib/verify/pipeline-checks.ts";
import { runVerify } from "../lib/verify/run.ts";
import { readSessionInfo } from "../local/session-file.ts";

export interface LocalVerifyTarget {
  jaegerUrl: string;
  gatewayAddress: string;
  caPem: string;
  username: string;
  password: string;
}

/** Every row of `make local-verify`, against an explicit target (the e2e tests pass theirs). */
export function verifyLocal(target: LocalVerifyTarget, timeoutMs = 60_000): Promise<CheckRow[]> {
  return runVerify({
    jaeger: createJaegerClient(target.jaegerUrl),
    gateway: {
      address: target.gatewayAddress,
      caPem: target.caPem,
      username: target.username,
      password: target.password,
    },
    expectations: expectations({ podMetadata: false, syntheticServices: SHOP_SCENARIO_SERVICES }),
    pipelineTimeoutMs: timeoutMs,
    leakTimeoutMs: 30_000,
  });
}

async function main(): Promise<void> {
  const info = readSessionInfo();
  const started = performance.now();
  const rows = await verifyLocal({
    jaegerUrl: info.jaegerUrl,
    gatewayAddress: info.gatewayAddress,
    caPem: readFileSync(info.caCertFile, "utf8"),
    username: readFileSync(info.usernameFile, "utf8"),
    password: readFileSync(info.passwordFile, "utf8"),
  });
  const failed = rows.filter((row) => !row.ok).length;
  process.stdout.write(`${formatRows(rows)}\n\n`);
  process.stdout.write(
    `${failed === 0 ? "all" : `${failed} of`} ${rows.length} checks ${failed === 0 ? "passed" : "FAILED"} in ${((performance.now() - started) / 1000).toFixed(1)}s (Jaeger ${info.jaegerUrl}, gateway ${info.gatewayAddress})\n`,
  );
  process.exitCode = failed === 0 ? 0 : 1;
}

if (import.meta.main)
  main().catch((error: unknown) => {
    process.stderr.write(`[local-verify] ${(error as Error).message}\n`);
    process.exit(1);
  });
