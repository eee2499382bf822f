import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { issueServerCertificate, loadCa } from "../../packages/testkit/src/pki.ts";
import { gateway } from "../lib/topology.ts";
import { ensureGatewayCertificates } from "./certificates.ts";
import { stateFiles } from "../lib/state.ts";

describe("the gateway certificate in the state folder", () => {
  let dir: string;
  beforeEach(() => {
    dir = join(mkdtempSync(join(tmpdir(), "otel-e2r-certs-")), "state");
  });
  afterEach(() => rmSync(join(dir, ".."), { recursive: true, force: true }));

  const read = (name: string) => readFileSync(join(dir, name), "utf8");

  it("is made once and then reused untouched", async () => {
    const first = await ensureGatewayCertificates(dir);
    expect(first.outcome).toEqual({ ca: "generated", server: "issued" });
    const mtime = statSync(join(dir, stateFiles.serverCert)).mtimeMs;
    const again = await ensureGatewayCertificates(dir);
    expect(again.outcome).toEqual({ ca: "reused", server: "reused" });
    expect(again.certPem).toBe(first.certPem);
    expect(statSync(join(dir, stateFiles.serverCert)).mtimeMs).toBe(mtime);
  });

  it("is reissued (same CA) when its SANs are not the gateway's names", async () => {
    await ensureGatewayCertificates(dir);
    const ca = await loadCa(read(stateFiles.caCert), read(stateFiles.caKey));
    const wrong = await issueServerCertificate(ca, { dnsNames: ["old-name"], validityDays: 30 });
    writeFileSync(join(dir, stateFiles.serverCert), wrong.certPem);
    writeFileSync(join(dir, stateFiles.serverKey), wrong.keyPem);
    const notes: string[] = [];
    const fixed = await ensureGatewayCertificates(dir, { note: (line) => notes.push(line) });
    expect(fixed.outcome).toEqual({ ca: "reused", server: "issued" });
    expect(fixed.server.dnsNames).toEqual([...gateway.dnsNames]);
    expect(notes.join("\n")).toContain("its SANs (old-name) differ from the gateway's names");
  });

  it("is reissued when it expires within 30 days", async () => {
    await ensureGatewayCertificates(dir);
    const ca = await loadCa(read(stateFiles.caCert), read(stateFiles.caKey));
    const soon = await issueServerCertificate(ca, {
      dnsNames: gateway.dnsNames,
      ipAddresses: gateway.ipAddresses,
      validityDays: 10,
    });
    writeFileSync(join(dir, stateFiles.serverCert), soon.certPem);
    const notes: string[] = [];
    expect((await ensureGatewayCertificates(dir, { note: (l) => notes.push(l) })).outcome.server).toBe(
      "issued",
    );
    expect(notes.join("\n")).toMatch(/it expires on \d{4}-/);
  });

  it("with regenerate, gets a new CA and a certificate signed by it", async () => {
    const first = await ensureGatewayCertificates(dir);
    const second = await ensureGatewayCertificates(dir, { regenerate: true });
    expect(second.outcome).toEqual({ ca: "generated", server: "issued" });
    expect(second.caCertPem).not.toBe(first.caCertPem);
    expect(second.server.authorityKeyId).not.toBe(first.server.authorityKeyId);
  });

  it("names the files, not their content, when the CA key is unusable", async () => {
    await ensureGatewayCertificates(dir);
    writeFileSync(join(dir, stateFiles.caKey), "garbage");
    await expect(ensureGatewayCertificates(dir)).rejects.toThrow(
      /ca\.key cannot be used \(the CA key is not a PKCS#8 ECDSA P-256 private key.*regenerate-credentials target with --certificates/,
    );
  });
});
