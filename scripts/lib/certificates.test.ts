import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadCa } from "@otel-e2r/pki/ca.ts";
import { issueServerCertificate } from "@otel-e2r/pki/issue.ts";
import { isSignedBy } from "@otel-e2r/pki/inspect.ts";
import { collectorServer, gateway } from "./topology.ts";
import { ensureCertificates, writeTrustBundles } from "./certificates.ts";
import { stateFiles } from "./state.ts";

describe("the gateway certificate in the state folder", () => {
  let dir: string;
  beforeEach(() => {
    dir = join(mkdtempSync(join(tmpdir(), "otel-e2r-certs-")), "state");
  });
  afterEach(() => rmSync(join(dir, ".."), { recursive: true, force: true }));

  const read = (name: string) => readFileSync(join(dir, name), "utf8");
  // The certificates make up issues, each with the CA that signs it.
  const pairs = {
    server: {
      ca: [stateFiles.caCert, stateFiles.caKey],
      pair: [stateFiles.serverCert, stateFiles.serverKey],
    },
    client: {
      ca: [stateFiles.clientCaCert, stateFiles.clientCaKey],
      pair: [stateFiles.clientCert, stateFiles.clientKey],
    },
  } as const;

  /** Makes the certificates, then overwrites one pair with what its CA issues with `options`: a pair gone stale. */
  async function replacePair(
    role: keyof typeof pairs,
    options: Parameters<typeof issueServerCertificate>[1],
  ): Promise<void> {
    const { ca, pair } = pairs[role];
    await ensureCertificates(dir);
    const replacement = await issueServerCertificate(await loadCa(read(ca[0]), read(ca[1])), options);
    writeFileSync(join(dir, pair[0]), replacement.certPem);
    writeFileSync(join(dir, pair[1]), replacement.keyPem);
  }

  /** ensureCertificates, with the notes it writes joined into one text. */
  async function ensureNoting() {
    const notes: string[] = [];
    const result = await ensureCertificates(dir, { note: (line) => notes.push(line) });
    return { result, notes: notes.join("\n") };
  }

  it("is made once and then reused untouched", async () => {
    const first = await ensureCertificates(dir);
    expect(first.outcome).toEqual({
      ca: "generated",
      server: "issued",
      collector: "issued",
      clientCa: "issued",
      client: "issued",
    });
    expect(first.client.subject).toBe("CN=edge, O=otel-edge-to-remote edge clusters");
    expect(first.client.extendedKeyUsages).toEqual(["clientAuth"]);
    const mtime = statSync(join(dir, stateFiles.serverCert)).mtimeMs;
    const again = await ensureCertificates(dir);
    expect(again.outcome).toEqual({
      ca: "reused",
      server: "reused",
      collector: "reused",
      clientCa: "reused",
      client: "reused",
    });
    expect(again.clientCertPem).toBe(first.clientCertPem);
    expect(again.certPem).toBe(first.certPem);
    expect(statSync(join(dir, stateFiles.serverCert)).mtimeMs).toBe(mtime);
  });

  it("is reissued (same CA) when its SANs are not the gateway's names", async () => {
    await replacePair("server", { dnsNames: ["old-name"], validityDays: 30 });
    const { result: fixed, notes } = await ensureNoting();
    expect(fixed.outcome).toEqual({
      ca: "reused",
      server: "issued",
      collector: "reused",
      clientCa: "reused",
      client: "reused",
    });
    expect(fixed.server.dnsNames).toEqual([...gateway.dnsNames]);
    expect(notes).toContain("its SANs (old-name) differ from the gateway's names");
  });

  it("is not the remote collector's: that one names the mTLS server alone, with a key of its own", async () => {
    const certs = await ensureCertificates(dir);
    expect(certs.collector.dnsNames).toEqual([...collectorServer.dnsNames]);
    expect(certs.server.dnsNames).not.toContain(gateway.mtlsServerName);
    expect(certs.collectorKeyPem).not.toBe(certs.keyPem);
    expect(await isSignedBy(certs.collectorCertPem, certs.caCertPem)).toBe(true);
    // A folder from before the collector had its own: the gateway's names the mTLS server too.
    await replacePair("server", {
      dnsNames: [...gateway.dnsNames, gateway.mtlsServerName],
      validityDays: 30,
    });
    const { result, notes } = await ensureNoting();
    expect(result.outcome).toMatchObject({ server: "issued", collector: "reused" });
    expect(notes).toMatch(
      /issuing the gateway certificate: its SANs \(.*remote-collector\.otel-e2r\.internal\)/,
    );
  });

  it("is reissued when it expires within 30 days", async () => {
    await replacePair("server", {
      dnsNames: gateway.dnsNames,
      ipAddresses: gateway.ipAddresses,
      validityDays: 10,
    });
    const { result, notes } = await ensureNoting();
    expect(result.outcome.server).toBe("issued");
    expect(notes).toMatch(/it expires on \d{4}-/);
  });

  it("with regenerate, gets a new CA and a certificate signed by it", async () => {
    const first = await ensureCertificates(dir);
    const second = await ensureCertificates(dir, { regenerate: true });
    expect(second.outcome).toEqual({
      ca: "generated",
      server: "issued",
      collector: "issued",
      clientCa: "issued",
      client: "issued",
    });
    expect(second.caCertPem).not.toBe(first.caCertPem);
    expect(second.server.authorityKeyId).not.toBe(first.server.authorityKeyId);
  });

  it("names the files, not their content, when the CA key is unusable", async () => {
    await ensureCertificates(dir);
    writeFileSync(join(dir, stateFiles.caKey), "garbage");
    await expect(ensureCertificates(dir)).rejects.toThrow(
      /ca\.key cannot be used \(the CA key is not a PKCS#8 ECDSA P-256 private key.*regenerate-credentials target with --certificates/,
    );
  });

  it("reissues the client certificate when it is a server certificate, and only that one", async () => {
    await replacePair("client", { dnsNames: ["edge"], validityDays: 30 });
    const { result: fixed, notes } = await ensureNoting();
    expect(fixed.outcome).toEqual({
      ca: "reused",
      server: "reused",
      collector: "reused",
      clientCa: "reused",
      client: "issued",
    });
    expect(fixed.client.extendedKeyUsages).toEqual(["clientAuth"]);
    expect(notes).toContain(
      "issuing the edge's client certificate: its subject (CN=edge) or usage (serverAuth) is not the edge's",
    );
    expect(statSync(join(dir, stateFiles.clientKey)).mode & 0o777).toBe(0o600);
  });

  it("signs the client certificate with the client CA, which the CA signed; the bundles hold the CAs", async () => {
    const certs = await ensureCertificates(dir);
    expect(await isSignedBy(certs.clientCertPem, read(stateFiles.clientCaCert))).toBe(true);
    expect(await isSignedBy(certs.clientCertPem, certs.caCertPem)).toBe(false);
    expect(await isSignedBy(read(stateFiles.clientCaCert), certs.caCertPem)).toBe(true);
    expect(read(stateFiles.caBundle)).toBe(certs.caCertPem);
    expect(read(stateFiles.clientCaBundle)).toBe(read(stateFiles.clientCaCert));
    // Mid-rotation the previous CA is trusted too, after the current one.
    writeFileSync(join(dir, stateFiles.previousClientCaCert), "PREVIOUS\n");
    expect(writeTrustBundles(dir).clientCa).toBe(`${read(stateFiles.clientCaCert)}PREVIOUS\n`);
  });

  it("reissues on request, and a new client CA always brings a new client certificate", async () => {
    const first = await ensureCertificates(dir);
    const again = await ensureCertificates(dir, { reissue: new Set(["clientCa"]) });
    expect(again.outcome).toEqual({
      ca: "reused",
      server: "reused",
      collector: "reused",
      clientCa: "issued",
      client: "issued",
    });
    expect(again.clientCertPem).not.toBe(first.clientCertPem);
  });

  it("reissues a certificate whose key file holds another key (a pair written half-way)", async () => {
    const first = await ensureCertificates(dir);
    writeFileSync(join(dir, stateFiles.clientKey), read(stateFiles.serverKey));
    const { result: fixed, notes } = await ensureNoting();
    expect(fixed.outcome.client).toBe("issued");
    expect(fixed.clientCertPem).not.toBe(first.clientCertPem);
    expect(notes).toContain("issuing the edge's client certificate: its key file holds another key");
  });
});
