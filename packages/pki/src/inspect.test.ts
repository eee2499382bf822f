import { describe, expect, it } from "vitest";
import { describeCertificate, isSignedBy, keyMatches } from "./inspect.ts";
import { loopbackPki } from "./loopback.ts";

describe("reading certificates back", () => {
  it("tells a certificate's own key from any other, and never throws on a half-written file", async () => {
    const { ca, server } = await loopbackPki("inspect test CA");
    expect(keyMatches(server.certPem, server.keyPem)).toBe(true);
    expect(keyMatches(server.certPem, ca.keyPem)).toBe(false);
    expect(keyMatches(server.certPem, server.keyPem.slice(0, 40))).toBe(false);
    expect(keyMatches(server.certPem.slice(0, 40), server.keyPem)).toBe(false);
  });

  it("checks the signature, whoever signed", async () => {
    const { ca, server } = await loopbackPki("inspect test CA");
    const other = await loopbackPki("another test CA");
    expect(await isSignedBy(server.certPem, ca.certPem)).toBe(true);
    expect(await isSignedBy(ca.certPem, ca.certPem)).toBe(true);
    expect(await isSignedBy(server.certPem, other.ca.certPem)).toBe(false);
  });

  it("reads the same from PEM as from a parsed certificate", async () => {
    const { ca } = await loopbackPki("inspect test CA");
    expect(describeCertificate(ca.certificate)).toEqual(describeCertificate(ca.certPem));
  });
});
