// Step 8 of the real-cluster suite: the auth modes on the running clusters. `make up AUTH=mtls`, then
// `AUTH=both`, then back to the default converge without deleting a cluster: the two collectors roll,
// `make verify` (which reads the mode the state folder remembers) passes every row of the mode, each bad
// client refused by the party its row names, the mTLS modes' handshakes end at the remote collector's own
// certificate, and `make status` shows the mode. In AUTH=both, every kind
// of `make rotate` runs, the two that exercise every cluster mechanism under steady load.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { describeCertificate } from "@otel-e2r/pki/inspect.ts";
import { authModes, type AuthMode } from "../../../lib/auth-modes.ts";
import { stateFiles } from "../../../lib/state.ts";
import { gateway, namespaces } from "../../../lib/topology.ts";
import { sameSerial } from "../../../rotation/kinds.ts";
import { servedSerial } from "../../../rotation/probes.ts";
import { MINUTES, type SuiteContext } from "../context.ts";
import { figures, make, podUids, SUITE_STATE_DIR } from "../harness.ts";
import { expectNoSecretShown, rows } from "./bring-up.ts";
import { noSpanLost } from "./resilience.ts";
import { ROTATION_KINDS, type RotationKind } from "../../../rotation/kinds.ts";

/** Rows each mode's `make verify` must pass (besides the pipeline's), with the refusal they quote. */
const MODE_ROWS: Readonly<Record<AuthMode, readonly RegExp[]>> = {
  basic: [/gateway: no credentials → rejected .*UNAUTHENTICATED/, /gateway: TLS 1\.1 client → rejected/],
  mtls: [
    /gateway: no client certificate → rejected .*tlsv13 alert certificate required/,
    /gateway: client certificate from a foreign CA → rejected .*tlsv1 alert unknown ca/,
    /gateway: expired client certificate → rejected .*ssl\/tls alert certificate expired/,
    /gateway: server-auth-only certificate as a client → rejected .*ssl\/tls alert bad certificate/,
    /gateway: TLS 1\.1 client → rejected .*tlsv1 alert protocol version/,
    /gateway: valid client certificate → accepted/,
  ],
  both: [
    /gateway: no client certificate → rejected .*certificate required/,
    /gateway: valid certificate, wrong password → rejected .*UNAUTHENTICATED: invalid credentials/,
    /gateway: valid client certificate \+ right credentials → accepted/,
  ],
};

/**
 * AUTH=mtls|both: a handshake that asks for the mTLS name through the gateway is served the remote
 * collector's own certificate (the state folder's remote-collector.crt), not the gateway's, whose key is
 * the only one Traefik can read.
 */
async function tlsEndsAtTheCollector(): Promise<void> {
  const read = (name: string) => readFileSync(join(SUITE_STATE_DIR, name), "utf8");
  const address = `localhost:${gateway.hostPort}`;
  const served = await servedSerial(address, gateway.mtlsServerName, read(stateFiles.caBundle));
  const serial = (name: string) => describeCertificate(read(name)).serialNumber;
  expect(sameSerial(served, serial(stateFiles.collectorCert)), `served ${served}`).toBe(true);
  expect(sameSerial(served, serial(stateFiles.serverCert)), `served ${served}`).toBe(false);
}

function modeStep(context: SuiteContext, number: string, mode: AuthMode): void {
  it(
    `${number}. make up AUTH=${mode} converges on the running clusters; make verify passes every ${mode} row`,
    async () => {
      const before = await podUids("edge", namespaces.demo);
      const up = await make("up", { AUTH: mode }, { transcript: `make-up-auth-${mode}` });
      context.times[`up AUTH=${mode}`] = up.seconds;
      expect(up.exitCode, `${up.stdout}\n${up.stderr}`).toBe(0);
      expect(up.stdout).toContain("edge, remote already existed");
      expect(up.stdout).toContain(`AUTH=${mode}`);
      // Only the collectors roll: the apps are untouched.
      expect(await podUids("edge", namespaces.demo)).toEqual(before);
      const verify = await make("verify", {}, { transcript: `make-verify-auth-${mode}` });
      const table = rows(verify.stdout);
      expect(verify.exitCode, verify.stdout).toBe(0);
      const failed = table.filter((row) => row.startsWith("FAIL"));
      expect(failed, failed.join("\n")).toEqual([]);
      for (const expected of MODE_ROWS[mode])
        expect(
          table.some((row) => expected.test(row)),
          `a PASS row matching ${expected}`,
        ).toBe(true);
      if (authModes[mode].clientCertificate) await tlsEndsAtTheCollector();
      const status = await make("status", {}, { transcript: `make-status-auth-${mode}` });
      expect(status.stdout).toMatch(new RegExp(`auth mode\\s+AUTH=${mode} `));
      figures(`auth mode ${mode}`, { "make up seconds": up.seconds.toFixed(1), "verify rows": table.length });
    },
    15 * MINUTES,
  );
}

/**
 * `make rotate WHAT=<kind>` in AUTH=both (every kind is observable there). Under steady load from a pod in
 * the edge cluster for ca and credentials: every span sent reaches Jaeger, and the rotation retires the old
 * material within the load's window. WHAT=ca does on the clusters all that client and server do (a new
 * client CA, both certificates reissued, the Secrets republished and re-read) and credentials is the other
 * path (htpasswd, the remote restarts); client and server run here once each for their output, and under
 * load in the local suite, which runs the same rotation code (scripts/suites/local/rotation.test.ts).
 * The load lasts long enough to cover each rotation (their restarts make these two the long ones).
 */
const LOAD_SECONDS: Readonly<Partial<Record<RotationKind, number>>> = { credentials: 45, ca: 75 };

async function rotateOnce(kind: RotationKind) {
  const rotated = await make("rotate", { WHAT: kind }, { transcript: `make-rotate-${kind}` });
  expect(rotated.exitCode, `${rotated.stdout}\n${rotated.stderr}`).toBe(0);
  expect(rotated.stdout).toMatch(/done in [\d.]+s: .*(refused|no longer served)/);
  return rotated;
}

function rotationStep(context: SuiteContext, kind: RotationKind): void {
  const load = LOAD_SECONDS[kind];
  if (load === undefined) {
    it(
      `8r. make rotate WHAT=${kind}: the new one in use, the old one retired`,
      async () => {
        const rotated = await rotateOnce(kind);
        figures(`rotation ${kind}`, { "make rotate s": rotated.seconds.toFixed(1) });
      },
      10 * MINUTES,
    );
    return;
  }
  it(
    `8r. make rotate WHAT=${kind} under steady load: nothing refused or lost, the old one retired`,
    () =>
      noSpanLost(
        context,
        {
          name: `rotate-${kind}`,
          rate: 20,
          duration: `${load}s`,
          flowingMs: 8_000,
          figure: `rotation ${kind} under load`,
        },
        async () => {
          const rotated = await rotateOnce(kind);
          // The rotation ran while the load was still sending, so the figures measure it under load.
          expect(rotated.seconds + 8).toBeLessThan(load);
          return { "make rotate s": rotated.seconds.toFixed(1), "load s": load };
        },
      ),
    10 * MINUTES,
  );
}

export function authModeSteps(context: SuiteContext): void {
  modeStep(context, "8a", "mtls");
  modeStep(context, "8b", "both");
  for (const kind of ROTATION_KINDS) rotationStep(context, kind);
  modeStep(context, "8c", "basic");
  it("after the mode switches and rotations, still no secret in any output and every state file 0600", () =>
    expectNoSecretShown());
}
