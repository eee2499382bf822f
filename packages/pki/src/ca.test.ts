import { createPrivateKey, X509Certificate as NodeX509 } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { createCa, loadCa, type CertificateAuthority } from "./ca.ts";
import { describeCertificate, isSignedBy } from "./inspect.ts";
import { issueClientCertificate, issueServerCertificate } from "./issue.ts";

describe("the CA", () => {
  let ca: CertificateAuthority;
  let otherCa: CertificateAuthority;

  beforeAll(async () => {
    ca = await createCa({ commonName: "otel-e2r test CA", validityDays: 30 });
    otherCa = await createCa({ commonName: "some other CA", validityDays: 30 });
  });

  it("makes a root that may sign one level of issuing CAs, and issuing CAs that sign leaves only", async () => {
    const info = describeCertificate(ca.certPem);
    expect(info.isCa).toBe(true);
    expect(info.keyUsages).toEqual(["keyCertSign", "cRLSign"]);
    expect(info.subject).toBe("CN=otel-e2r test CA");
    expect(new NodeX509(ca.certPem).ca).toBe(true);
    const issuing = await createCa({ commonName: "issuing CA", validityDays: 7, issuer: ca });
    const issuingInfo = describeCertificate(issuing.certPem);
    expect([issuingInfo.isCa, issuingInfo.issuer, await isSignedBy(issuing.certPem, ca.certPem)]).toEqual([
      true,
      "CN=otel-e2r test CA",
      true,
    ]);
    // Node's parser agrees on the chain: leaf → issuing CA → root.
    const leaf = await issueClientCertificate(issuing, { commonName: "edge", validityDays: 1 });
    expect(new NodeX509(leaf.certPem).checkIssued(new NodeX509(issuing.certPem))).toBe(true);
    expect(new NodeX509(issuing.certPem).checkIssued(new NodeX509(ca.certPem))).toBe(true);
  });

  it("writes keys as PKCS#8 PEM and reads the CA back to sign again", async () => {
    // Re-exporting as PKCS#8 PEM reproduces the text exactly only if it already was PKCS#8 PEM.
    const key = createPrivateKey({ key: ca.keyPem, format: "pem" });
    expect(key.asymmetricKeyType).toBe("ec");
    expect(key.export({ format: "pem", type: "pkcs8" })).toBe(ca.keyPem);
    const reloaded = await loadCa(ca.certPem, ca.keyPem);
    const again = await issueServerCertificate(reloaded, { dnsNames: ["localhost"], validityDays: 1 });
    expect(await isSignedBy(again.certPem, ca.certPem)).toBe(true);
    expect(await isSignedBy(again.certPem, otherCa.certPem)).toBe(false);
  });

  it("refuses a CA key that belongs to another CA, without echoing key material", async () => {
    await expect(loadCa(ca.certPem, otherCa.keyPem)).rejects.toThrow(/does not belong to the CA certificate/);
    const error = await loadCa(ca.certPem, "not a key").then(
      () => new Error("expected a rejection"),
      (e: unknown) => e as Error,
    );
    expect(error.message).toMatch(/not a PKCS#8 ECDSA P-256 private key/);
    expect(error.message).not.toContain("not a key");
  });

  it("refuses a server certificate as a CA", async () => {
    const server = await issueServerCertificate(ca, { dnsNames: ["localhost"], validityDays: 1 });
    await expect(loadCa(server.certPem, server.keyPem)).rejects.toThrow(/is not a CA/);
  });

  it("reports every bad option at once", async () => {
    await expect(createCa({ commonName: " ", validityDays: 1.5 })).rejects.toThrow(
      /validityDays is 1.5[\s\S]*commonName/,
    );
  });
});
