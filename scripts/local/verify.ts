// The checks `make verify` runs against the clusters (scripts/verify/), aimed at the local topology: a
// `make local` in another terminal, or a test's own pipeline. Off-cluster, k8s_attributes runs in passthrough
// mode, so pod metadata is the one expectation left out.
import { readFileSync } from "node:fs";
import { createJaegerClient } from "../lib/jaeger-client.ts";
import type { AuthMode } from "../lib/auth-modes.ts";
import { expectations, SHOP_SCENARIO_SERVICES } from "../verify/pipeline-checks.ts";
import { runVerify } from "../verify/run.ts";
import type { CheckRow, GatewayTarget } from "../verify/types.ts";

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
