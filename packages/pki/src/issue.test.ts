import { X509Certificate as NodeX509 } from "node:crypto";
import { once } from "node:events";
import type { AddressInfo } from "node:net";
import * as tls from "node:tls";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCa, type CertificateAuthority } from "./ca.ts";
import { describeCertificate, isSignedBy } from "./inspect.ts";
import { issueClientCertificate, issueServerCertificate, type IssuedCertificate } from "./issue.ts";

/** The names and addresses a gateway certificate carries in this project (scripts/lib/topology.ts). */
const DNS_NAMES = ["remote-control-plane", "localhost"];
const IP_ADDRESSES = ["127.0.0.1"];

const DAY_MS = 24 * 60 * 60 * 1000;

/** Connects to the loopback server as a client trusting `caPem`; resolves "ok" or the TLS error code. */
async function handshake(port: number, caPem: string, servername?: string): Promise<string> {
  const socket = tls.connect({ host: "127.0.0.1", port, ca: caPem, servername, ALPNProtocols: ["h2"] });
  try {
    await once(socket, "secureConnect");
    return "ok";
  } catch (error) {
    return (error as NodeJS.ErrnoException).code ?? String(error);
  } finally {
    socket.destroy();
  }
}

describe("issued certificates", () => {
  let ca: CertificateAuthority;
  let otherCa: CertificateAuthority;
  let server: IssuedCertificate;
  let tlsServer: tls.Server;
  let port: number;

  beforeAll(async () => {
    ca = await createCa({ commonName: "otel-e2r test CA", validityDays: 30 });
    otherCa = await createCa({ commonName: "some other CA", validityDays: 30 });
    server = await issueServerCertificate(ca, {
      dnsNames: DNS_NAMES,
      ipAddresses: IP_ADDRESSES,
      validityDays: 7,
    });
    tlsServer = tls.createServer({ key: server.keyPem, cert: server.certPem, ALPNProtocols: ["h2"] }, (s) =>
      s.end(),
    );
    // Handshake failures on the server side are expected in the negative tests.
    tlsServer.on("tlsClientError", () => undefined);
    tlsServer.listen(0, "127.0.0.1");
    await once(tlsServer, "listening");
    port = (tlsServer.address() as AddressInfo).port;
  });

  afterAll(async () => {
    tlsServer.close();
    await once(tlsServer, "close");
  });

  it.each(DNS_NAMES)("a client trusting the CA accepts the server as %s", async (name) => {
    expect(await handshake(port, ca.certPem, name)).toBe("ok");
  });

  it.each(IP_ADDRESSES)("a client trusting the CA accepts the server at IP %s", async () => {
    // No servername: node checks the connected IP against the certificate's IP SANs.
    expect(await handshake(port, ca.certPem)).toBe("ok");
  });

  it("a client trusting a different CA rejects the server as unknown authority", async () => {
    const code = await handshake(port, otherCa.certPem, "localhost");
    expect(code).toMatch(/UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT|SELF_SIGNED/);
  });

  it("a client rejects a name that is not in the SANs", async () => {
    expect(await handshake(port, ca.certPem, "attacker.example")).toBe("ERR_TLS_CERT_ALTNAME_INVALID");
  });

  it("issues a server certificate with exactly the requested SANs, usages and validity", () => {
    const info = describeCertificate(server.certPem);
    expect(info.dnsNames).toEqual([...DNS_NAMES]);
    expect(info.ipAddresses).toEqual([...IP_ADDRESSES]);
    expect(info.isCa).toBe(false);
    expect(info.keyUsages).toEqual(["digitalSignature"]);
    expect(info.extendedKeyUsages).toEqual(["serverAuth"]);
    expect(info.authorityKeyId).toBe(describeCertificate(ca.certPem).subjectKeyId);
    const lifetime = info.notAfter.getTime() - Date.now();
    expect(lifetime).toBeGreaterThan(7 * DAY_MS - 60_000);
    expect(lifetime).toBeLessThanOrEqual(7 * DAY_MS);
    expect(info.notBefore.getTime()).toBeLessThan(Date.now());
  });

  it("agrees with node's own X.509 parser (an independent implementation)", () => {
    const cert = new NodeX509(server.certPem);
    expect(cert.ca).toBe(false);
    expect(cert.checkHost("remote-control-plane")).toBe("remote-control-plane");
    expect(cert.checkIP("127.0.0.1")).toBe("127.0.0.1");
    expect(cert.checkHost("example.com")).toBeUndefined();
    expect(cert.keyUsage).toEqual(["1.3.6.1.5.5.7.3.1"]);
    expect(cert.checkIssued(new NodeX509(ca.certPem))).toBe(true);
    expect(cert.checkIssued(new NodeX509(otherCa.certPem))).toBe(false);
    expect(new NodeX509(ca.certPem).ca).toBe(true);
  });

  it("reports every bad option at once, naming the value and what was expected", async () => {
    const error = await issueServerCertificate(ca, {
      dnsNames: ["ok.example", "bad name"],
      ipAddresses: ["999.1.1.1"],
      validityDays: 0,
    }).then(
      () => new Error("expected a rejection"),
      (e: unknown) => e as Error,
    );
    expect(error.message).toContain('dnsNames contains "bad name"');
    expect(error.message).toContain('ipAddresses contains "999.1.1.1"');
    expect(error.message).toContain("validityDays is 0");
  });

  it("will not issue a certificate that outlives its CA", async () => {
    await expect(issueServerCertificate(ca, { dnsNames: ["localhost"], validityDays: 365 })).rejects.toThrow(
      /outlives the CA/,
    );
  });

  it("issues a client certificate: the subject names the edge, clientAuth only, no SANs", async () => {
    const client = await issueClientCertificate(ca, {
      commonName: "edge",
      organization: "otel-edge-to-remote edge clusters",
      validityDays: 7,
    });
    const info = describeCertificate(client.certPem);
    expect(info.subject).toBe("CN=edge, O=otel-edge-to-remote edge clusters");
    expect([info.isCa, info.extendedKeyUsages, info.keyUsages]).toEqual([
      false,
      ["clientAuth"],
      ["digitalSignature"],
    ]);
    expect([info.dnsNames, info.ipAddresses]).toEqual([[], []]);
    // Node's own parser reads the same usage OID (1.3.6.1.5.5.7.3.2, TLS web client authentication).
    expect(new NodeX509(client.certPem).keyUsage).toEqual(["1.3.6.1.5.5.7.3.2"]);
    expect(await isSignedBy(client.certPem, ca.certPem)).toBe(true);
  });

  it("lets a TLS server that requires client certificates accept the client certificate", async () => {
    const client = await issueClientCertificate(ca, { commonName: "edge", validityDays: 7 });
    const strict = tls.createServer({
      key: server.keyPem,
      cert: server.certPem,
      ca: ca.certPem,
      requestCert: true,
      rejectUnauthorized: true,
    });
    strict.on("tlsClientError", () => undefined);
    strict.on("secureConnection", (s) => s.end());
    strict.listen(0, "127.0.0.1");
    await once(strict, "listening");
    try {
      const socket = tls.connect({
        host: "127.0.0.1",
        port: (strict.address() as AddressInfo).port,
        ca: ca.certPem,
        servername: "localhost",
        cert: client.certPem,
        key: client.keyPem,
      });
      await once(socket, "secureConnect");
      expect(socket.authorized).toBe(true);
      socket.destroy();
    } finally {
      strict.close();
    }
  });

  it("issues an already expired certificate only when a window says so (the checks' bad client)", async () => {
    const notAfter = new Date(Date.now() - DAY_MS);
    const expired = await issueClientCertificate(ca, {
      commonName: "edge",
      validityDays: 1,
      window: { notBefore: new Date(Date.now() - 2 * DAY_MS), notAfter },
    });
    expect(describeCertificate(expired.certPem).notAfter.getTime()).toBe(
      Math.floor(notAfter.getTime() / 1000) * 1000,
    );
    await expect(issueClientCertificate(ca, { commonName: "not a name", validityDays: 1 })).rejects.toThrow(
      'commonName is "not a name"; expected a name like "edge"',
    );
  });
});
