// One run's private folder (0700, files 0600): a fresh CA, gateway certificate and edge client certificate
// made by the same code bootstrap uses (packages/testkit/src/pki.ts), fresh basic-auth credentials and their bcrypt htpasswd
// (scripts/lib/credentials.ts), the gateway's configuration and the edge collector's persistent queue. Nothing is reused
// between runs and the folder is removed when the topology stops.
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Credentials } from "../lib/credentials.ts";
import { generateCredentials, htpasswdLine } from "../lib/credentials.ts";
import { createCa, issueClientCertificate, issueServerCertificate } from "../../packages/testkit/src/pki.ts";
import { edgeClientSubject, gateway } from "../lib/topology.ts";
import { writePrivateFile, stateFiles } from "../lib/state.ts";

export interface Session {
  readonly dir: string;
  readonly caPem: string;
  readonly credentials: Credentials;
  readonly files: Readonly<{
    caCert: string;
    /** Read by the checks only, which sign deliberately bad client certificates with it. */
    caKey: string;
    serverCert: string;
    clientCert: string;
    clientKey: string;
    serverKey: string;
    username: string;
    password: string;
    htpasswd: string;
  }>;
  readonly queueDir: string;
  /** The gateway's (Traefik's) generated configuration. */
  readonly gatewayDir: string;
  /** Removes the folder (idempotent). */
  remove(): void;
}

export async function createSession(): Promise<Session> {
  const dir = mkdtempSync(join(tmpdir(), "otel-e2r-local-"));
  try {
    const ca = await createCa({ commonName: "otel-edge-to-remote local CA", validityDays: 2 });
    const server = await issueServerCertificate(ca, {
      dnsNames: gateway.dnsNames,
      ipAddresses: gateway.ipAddresses,
      validityDays: 1,
    });
    const client = await issueClientCertificate(ca, { ...edgeClientSubject, validityDays: 1 });
    const credentials = generateCredentials();
    const files = Object.freeze({
      caCert: writePrivateFile(dir, stateFiles.caCert, ca.certPem),
      caKey: writePrivateFile(dir, stateFiles.caKey, ca.keyPem),
      serverCert: writePrivateFile(dir, stateFiles.serverCert, server.certPem),
      serverKey: writePrivateFile(dir, stateFiles.serverKey, server.keyPem),
      clientCert: writePrivateFile(dir, stateFiles.clientCert, client.certPem),
      clientKey: writePrivateFile(dir, stateFiles.clientKey, client.keyPem),
      // The collector's basicauth/client reads these files as they are: no trailing newline.
      username: writePrivateFile(dir, stateFiles.username, credentials.username),
      password: writePrivateFile(dir, stateFiles.password, credentials.password),
      htpasswd: writePrivateFile(dir, stateFiles.htpasswd, `${htpasswdLine(credentials)}\n`),
    });
    const queueDir = join(dir, "edge-queue");
    const gatewayDir = join(dir, "gateway");
    mkdirSync(queueDir, { mode: 0o700 });
    mkdirSync(gatewayDir, { mode: 0o700 });
    return Object.freeze({
      dir,
      caPem: ca.certPem,
      credentials,
      files,
      queueDir,
      gatewayDir,
      remove: () => rmSync(dir, { recursive: true, force: true }),
    });
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}
