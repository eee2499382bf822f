// The gateway checks against a real TLS + basic-auth gRPC server (the in-process OTLP receiver with a
// certificate from the project's CA code). Against Traefik and the real collectors they run in
// scripts/suites/local/happy-path.test.ts.
import { createServer } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ATTEMPT_ATTRIBUTE, runGatewayChecks, tidyMessage } from "./gateway-checks.ts";
import type { OtlpReceiver } from "@otel-e2r/testkit/otlp-receiver.ts";
import { startOtlpReceiver } from "@otel-e2r/testkit/otlp-receiver.ts";
import { createCa } from "@otel-e2r/pki/ca.ts";
import { issueServerCertificate } from "@otel-e2r/pki/issue.ts";
import { loopbackPki } from "@otel-e2r/pki/loopback.ts";

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

  it("rejects the five bad clients, accepts the good one, and only the good one's span arrives", async () => {
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
      ["gateway: TLS 1.1 client → rejected", true],
      ["gateway: right CA + right credentials → accepted", true],
    ]);
    // The row says how each was turned away.
    expect(attempts[0]!.detail).toMatch(/UNAUTHENTICATED/);
    expect(attempts[1]!.detail).toMatch(/UNAUTHENTICATED/);
    expect(attempts[3]!.detail).toMatch(/UNAVAILABLE.*(certificate|self.signed|verify)/i);
    // Node's TLS server, like Go's, refuses below TLS 1.2 with a protocol_version alert.
    expect(attempts[4]!.detail).toMatch(/tlsv1 alert protocol version \(SSL alert number 70\)/);

    const arrived = receiver.spans.map((span) => span.attributes[ATTEMPT_ATTRIBUTE]);
    expect(arrived).toEqual([attempts.at(-1)!.attemptId]);
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
    expect(attempts.map((a) => a.ok)).toEqual([false, false, false, false, false, false]);
    for (const attempt of attempts.slice(0, -1)) expect(attempt.detail).toMatch(/^inconclusive: /);
  });

  it("proves nothing when the positive control is refused too", async () => {
    // The checks are given a wrong password as the "right" one: every call is refused, including the
    // control, so the other refusals must not count as passes.
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
      expect(attempts.at(-1)!.ok).toBe(false);
      expect(attempts.slice(0, -1).every((a) => !a.ok)).toBe(true);
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

  it("in AUTH=mtls, refuses to run without the edge's client certificate and the CA key", async () => {
    await expect(
      runGatewayChecks({ address: `localhost:${receiver.port}`, caPem, ...credentials, mode: "mtls" }),
    ).rejects.toThrow("the mtls mode's checks need the edge's client certificate and the CA key");
  });
});

describe("tidyMessage", () => {
  it.each([
    [
      "No connection established. Last error: 403DA2F0A97F0000:error:0A00045C:SSL routines:ssl3_read_bytes:tlsv13 alert certificate required:../deps/openssl/openssl/ssl/record/rec_layer_s3.c:918:SSL alert number 116\n (2026-12-02T03:16:58.722Z). Resolution note: ",
      "TLS handshake refused by the server: tlsv13 alert certificate required (SSL alert number 116)",
    ],
    ["invalid credentials", "invalid credentials"],
    [
      "No connection established.\n Last error: x. Resolution note: ",
      "No connection established. Last error: x.",
    ],
  ])("%j → %j", (message, tidy) => expect(tidyMessage(message)).toBe(tidy));
});
