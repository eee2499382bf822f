// A run's private folder: fresh secrets from the project's own CA and credentials code, private modes,
// and nothing left after remove().
import { existsSync, readFileSync, statSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { htpasswdVerifies } from "../lib/credentials.ts";
import { describeCertificate, isSignedBy } from "@otel-e2r/pki/inspect.ts";
import { gateway } from "../lib/topology.ts";
import { createSession } from "./session.ts";

describe("createSession", () => {
  it("writes a CA-signed gateway certificate and matching credentials, private, and removes them", async () => {
    const session = await createSession();
    try {
      expect(statSync(session.dir).mode & 0o777).toBe(0o700);
      // What `make up` writes into the state folder, and only that (no rotation's "previous" CA, no mode).
      const written = Object.values(session.files).filter((file) => existsSync(file));
      expect(written.map((file) => file.slice(session.dir.length + 1)).sort()).toEqual(
        [
          "ca.crt",
          "ca.key",
          "gateway.crt",
          "gateway.key",
          "remote-collector.crt",
          "remote-collector.key",
          "client-ca.crt",
          "client-ca.key",
          "edge-client.crt",
          "edge-client.key",
          "ca-bundle.crt",
          "client-ca-bundle.crt",
          "username",
          "password",
          "htpasswd",
        ].sort(),
      );
      for (const file of written) expect(statSync(file).mode & 0o777).toBe(0o600);
      const client = readFileSync(session.files.clientCert, "utf8");
      expect(await isSignedBy(client, readFileSync(session.files.clientCaCert, "utf8"))).toBe(true);
      expect(describeCertificate(client).subject).toBe("CN=edge, O=otel-edge-to-remote edge clusters");

      const cert = readFileSync(session.files.serverCert, "utf8");
      expect(await isSignedBy(cert, readFileSync(session.files.caCert, "utf8"))).toBe(true);
      const info = describeCertificate(cert);
      expect(info.dnsNames).toEqual([...gateway.dnsNames]);
      expect(info.ipAddresses).toEqual([...gateway.ipAddresses]);

      // The collector reads the username/password files verbatim: no trailing newline.
      const username = readFileSync(session.files.username, "utf8");
      const password = readFileSync(session.files.password, "utf8");
      expect(username).toBe(session.credentials.username);
      expect(password).toBe(session.credentials.password);
      expect(htpasswdVerifies(readFileSync(session.files.htpasswd, "utf8"), session.credentials)).toBe(true);
      expect(existsSync(session.queueDir) && existsSync(session.gatewayDir)).toBe(true);
    } finally {
      session.remove();
    }
    expect(existsSync(session.dir)).toBe(false);
    session.remove(); // idempotent
  });

  it("makes different secrets every run", async () => {
    const [a, b] = await Promise.all([createSession(), createSession()]);
    try {
      expect(a.caPem).not.toBe(b.caPem);
      expect(a.credentials.password).not.toBe(b.credentials.password);
    } finally {
      a.remove();
      b.remove();
    }
  });
});
