// The gateway checks against a real TLS + basic-auth gRPC server (the in-process OTLP receiver with a
// certificate from the project's CA code). Against Traefik and the real collectors they run in
// scripts/suites/local/happy-path.test.ts.
import { createServer } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ATTEMPT_ATTRIBUTE, runGatewayChecks } from "./gateway-checks.ts";
import type { OtlpReceiver } from "../../../packages/testkit/src/otlp-receiver.ts";
import { startOtlpReceiver } from "../../../packages/testkit/src/otlp-receiver.ts";
import { createCa, issueServerCertificate, loopbackPki } from "../../../packages/testkit/src/pki.ts";

describe("runGatewayChecks against a TLS + basic-auth OTLP receiver", () => {
  let receiver: OtlpReceiver;
  let caPem: string;
  const credentials = { username: "edge", password: "s3cret-for-this-test-only" };

  beforeAll(async () => {
    const { ca, server } = await loopbackPki("gateway-checks test CA");
    caPem = ca.certPem;
    receiver = await startOtlpReceiver({
      tls: { cert: server.certPem, key: server.keyPem },
      basicAuth: credentials,
    });
  });
  afterAll(async () => receiver?.close());

  it("rejects the four bad clients, accepts the good one, and only the good one's span arrives", async () => {
    const attempts = await runGatewayChecks(
      { address: `localhost:${receiver.port}`, caPem, ...credentials },
      { timeoutMs: 5000 },
    );
    for (const attempt of attempts)
      console.log(`${attempt.ok ? "PASS" : "FAIL"} ${attempt.check}: ${attempt.detail}`);

    expect(attempts.map((a) => [a.check, a.ok])).toEqual([
      ["gateway: no credentials → rejected", true],
      ["gateway: wrong password → rejected", true],
      ["gateway: plaintext to the TLS port → rejected", true],
      ["gateway: client trusting another CA → rejected", true],
      ["gateway: right CA + right credentials → accepted", true],
    ]);
    // The row says how each was turned away.
    expect(attempts[0]!.detail).toMatch(/UNAUTHENTICATED/);
    expect(attempts[1]!.detail).toMatch(/UNAUTHENTICATED/);
    expect(attempts[3]!.detail).toMatch(/UNAVAILABLE.*(certificate|self.signed|verify)/i);

    const arrived = receiver.spans.map((span) => span.attributes[ATTEMPT_ATTRIBUTE]);
    expect(arrived).toEqual([attempts[4]!.attemptId]);
  });

  it("counts no refusal as a pass when nothing is listening", async () => {
    // A port that was free a moment ago: every call fails to connect, which proves nothing about the gateway.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
    const { port } = probe.address() as { port: number };
    await new Promise<void>((resolve) => probe.close(() => resolve()));

    const attempts = await runGatewayChecks(
      { address: `localhost:${port}`, caPem, ...credentials },
      { timeoutMs: 2000 },
    );
    expect(attempts.map((a) => a.ok)).toEqual([false, false, false, false, false]);
    for (const attempt of attempts.slice(0, 4)) expect(attempt.detail).toMatch(/^inconclusive: /);
  });

  it("proves nothing when the positive control is refused too", async () => {
    // The checks are given a wrong password as the "right" one: every call is refused, including the
    // control, so the four refusals must not count as passes.
    const ca = await createCa({ commonName: "busy server CA", validityDays: 2 });
    const cert = await issueServerCertificate(ca, { dnsNames: ["localhost"], validityDays: 1 });
    const busy = await startOtlpReceiver({
      tls: { cert: cert.certPem, key: cert.keyPem },
      basicAuth: credentials,
    });
    try {
      const attempts = await runGatewayChecks(
        { address: `localhost:${busy.port}`, caPem: ca.certPem, ...credentials, password: "not-it" },
        { timeoutMs: 5000 },
      );
      // With the wrong password in the target, the "positive control" is refused too: nothing is proven.
      expect(attempts[4]!.ok).toBe(false);
      expect(attempts.slice(0, 4).every((a) => !a.ok)).toBe(true);
    } finally {
      await busy.close();
    }
  });

  it("marks a check FAILED when a bad client gets through", async () => {
    // The same server with no auth at all: "no credentials" is then accepted, which must be a failure row.
    const ca = await createCa({ commonName: "open server CA", validityDays: 2 });
    const cert = await issueServerCertificate(ca, { dnsNames: ["localhost"], validityDays: 1 });
    const noAuth = await startOtlpReceiver({ tls: { cert: cert.certPem, key: cert.keyPem } });
    try {
      const attempts = await runGatewayChecks(
        { address: `localhost:${noAuth.port}`, caPem: ca.certPem, ...credentials },
        { timeoutMs: 5000 },
      );
      const noCredentials = attempts.find((a) => a.check.includes("no credentials"))!;
      expect(noCredentials.ok).toBe(false);
      expect(noCredentials.detail).toBe("accepted (OK)");
    } finally {
      await noAuth.close();
    }
  });
});
