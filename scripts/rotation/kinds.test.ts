// The parts of make rotate that need no running pipeline: WHAT= parsing, what is due, serial matching.
// The rotations themselves run against the real collectors and Traefik in scripts/suites/local/rotation.test.ts
// and in the real-cluster suite.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { loadCa } from "@otel-e2r/pki/ca.ts";
import { issueServerCertificate } from "@otel-e2r/pki/issue.ts";
import { ensureCertificates } from "../lib/certificates.ts";
import { dueKinds, parseRotationKinds, sameSerial } from "./kinds.ts";
import { readPrivateFile, stateFiles } from "../lib/state.ts";
import { collectorServer, gateway } from "../lib/topology.ts";

describe("WHAT=", () => {
  it.each([
    [undefined, undefined],
    ["", undefined],
    ["client", ["client"]],
    ["server, ca,server", ["server", "ca"]],
  ])("%j → %j", (value, kinds) => expect(parseRotationKinds(value)).toEqual(kinds));

  it("names every bad kind and the choices", () => {
    expect(() => parseRotationKinds("cert,client,keys")).toThrow(
      'WHAT is "cert,client,keys"; "cert", "keys" is not one of client, server, ca, credentials',
    );
  });
});

describe("what is due", () => {
  let dir: string | undefined;
  afterEach(() => dir && rmSync(dir, { recursive: true, force: true }));

  it("is nothing for fresh certificates, and the server certificate when it expires within 30 days", async () => {
    dir = mkdtempSync(join(tmpdir(), "otel-e2r-due-"));
    await ensureCertificates(dir);
    expect(dueKinds(dir).kinds).toEqual([]);
    expect(dueKinds(dir).nearest).toMatch(/^the client certificate in 8\d days$/);
    const ca = await loadCa(
      readPrivateFile(dir, stateFiles.caCert)!,
      readPrivateFile(dir, stateFiles.caKey)!,
    );
    const soon = await issueServerCertificate(ca, { dnsNames: gateway.dnsNames, validityDays: 10 });
    writeFileSync(join(dir, stateFiles.serverCert), soon.certPem);
    expect(dueKinds(dir)).toEqual({ kinds: ["server"], nearest: "the server certificate in 9 days" });
  });

  it("is the server certificates when the remote collector's own expires within 30 days", async () => {
    dir = mkdtempSync(join(tmpdir(), "otel-e2r-due-"));
    await ensureCertificates(dir);
    const ca = await loadCa(
      readPrivateFile(dir, stateFiles.caCert)!,
      readPrivateFile(dir, stateFiles.caKey)!,
    );
    const soon = await issueServerCertificate(ca, { ...collectorServer, validityDays: 5 });
    writeFileSync(join(dir, stateFiles.collectorCert), soon.certPem);
    expect(dueKinds(dir)).toEqual({ kinds: ["server"], nearest: "the server certificate in 4 days" });
  });

  it("says to run make up when the folder has no certificates", () => {
    dir = mkdtempSync(join(tmpdir(), "otel-e2r-due-"));
    expect(() => dueKinds(dir!)).toThrow(/ca\.crt is missing; run `make up` first/);
  });
});

it.each([
  ["0A1b", "a1B", true],
  ["00ff", "FF", true],
  ["ff", "fe", false],
])("serial %s matches %s: %s", (a, b, same) => expect(sameSerial(a, b)).toBe(same));
