import { describe, expect, it } from "vitest";
import { describeCertificate, isSignedBy } from "./inspect.ts";
import { loopbackPki } from "./loopback.ts";

describe("loopbackPki", () => {
  it("serves localhost and 127.0.0.1 for a day, from a CA of its own", async () => {
    const { ca, server } = await loopbackPki("loopback test CA");
    const info = describeCertificate(server.certPem);
    expect([info.dnsNames, info.ipAddresses, info.issuer]).toEqual([
      ["localhost"],
      ["127.0.0.1"],
      "CN=loopback test CA",
    ]);
    expect(info.notAfter.getTime() - Date.now()).toBeLessThanOrEqual(24 * 60 * 60 * 1000);
    expect(await isSignedBy(server.certPem, ca.certPem)).toBe(true);
  });
});
