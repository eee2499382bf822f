// `make local-verify`: the checks `make verify` runs against the clusters (scripts/lib/verify/pipeline-checks.ts,
// scripts/lib/verify/gateway-checks.ts), run against the topology a `make local` in another terminal is running.
// Off-cluster k8s_attributes runs in passthrough mode, so pod metadata is the one expectation left out.
// Prints a pass/fail table; exit 0 only if every row passes.
import { readFileSync } from "node:fs";
import { createJaegerClient } from "../lib/jaeger-client.ts";
import type { CheckRow } from "../lib/verify/pipeline-checks.ts";
import { expectations, formatRows, SHOP_SCENARIO_SERVICES } from "../lib/verify/pipeline-checks.ts";
import { runVerify } from "../lib/verify/run.ts";
import type { GatewayTarget } from "../lib/verify/gateway-checks.ts";
import type { AuthMode } from "../lib/auth-modes.ts";
import { readSessionInfo } from "../local/session-file.ts";

export interface LocalVerifyTarget {
  jaegerUrl: string;
  gateway: GatewayTarget;
}

/** The checks' target for a local session's files (a running `make local`, or a test's pipeline). */
export function localGatewayTarget(files: {
  gatewayAddress: string;
  auth: AuthMode;
  caCertFile: string;
  clientCaCertFile: string;
  clientCaKeyFile: string;
  clientCertFile: string;
  clientKeyFile: string;
  usernameFile: string;
  passwordFile: string;
}): GatewayTarget {
  const read = (file: string) => readFileSync(file, "utf8");
  const caPem = read(files.caCertFile);
  return {
    address: files.gatewayAddress,
    caPem,
    username: read(files.usernameFile),
    password: read(files.passwordFile),
    mode: files.auth,
    client: {
      certPem: read(files.clientCertFile),
      keyPem: read(files.clientKeyFile),
      clientCaCertPem: read(files.clientCaCertFile),
      clientCaKeyPem: read(files.clientCaKeyFile),
    },
  };
}

/** Every row of `make local-verify`, against an explicit target (the e2e tests pass theirs). */
export function verifyLocal(target: LocalVerifyTarget, timeoutMs = 60_000): Promise<CheckRow[]> {
  return runVerify({
    jaeger: createJaegerClient(target.jaegerUrl),
    gateway: target.gateway,
    expectations: expectations({ podMetadata: false, syntheticServices: SHOP_SCENARIO_SERVICES }),
    pipelineTimeoutMs: timeoutMs,
    leakTimeoutMs: 30_000,
  });
}

async function main(): Promise<void> {
  const info = readSessionInfo();
  const started = performance.now();
  const rows = await verifyLocal({ jaegerUrl: info.jaegerUrl, gateway: localGatewayTarget(info) });
  const failed = rows.filter((row) => !row.ok).length;
  process.stdout.write(`${formatRows(rows)}\n\n`);
  process.stdout.write(
    `${failed === 0 ? "all" : `${failed} of`} ${rows.length} checks ${failed === 0 ? "passed" : "FAILED"} in ${((performance.now() - started) / 1000).toFixed(1)}s (AUTH=${info.auth}, Jaeger ${info.jaegerUrl}, gateway ${info.gatewayAddress})\n`,
  );
  process.exitCode = failed === 0 ? 0 : 1;
}

if (import.meta.main)
  main().catch((error: unknown) => {
    process.stderr.write(`[local-verify] ${(error as Error).message}\n`);
    process.exit(1);
  });
