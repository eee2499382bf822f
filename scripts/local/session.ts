// One run's private folder (0700, files 0600), laid out like the state folder and filled by the same code
// `make up` uses (scripts/lib/certificates.ts, scripts/lib/state.ts): a fresh CA, gateway certificate,
// client CA and edge client certificate, basic-auth credentials and their htpasswd, the trust
// bundles; plus the gateway's configuration and the edge collector's persistent queue. `make rotate`'s
// local rollout rewrites these files in place. Nothing is reused between runs and the folder is removed
// when the topology stops.
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensureCertificates } from "../lib/certificates.ts";
import type { Credentials } from "../lib/credentials.ts";
import { ensureCredentials, stateFiles } from "../lib/state.ts";

export type SessionFiles = Readonly<Record<keyof typeof stateFiles, string>>;

export interface Session {
  readonly dir: string;
  /** The CA as the run started (a CA rotation replaces the file, not this). */
  readonly caPem: string;
  /** The credentials as the run started (a rotation replaces the files, not these). */
  readonly credentials: Credentials;
  /** Every state file's path in this folder (the CA key is read by the checks only). */
  readonly files: SessionFiles;
  readonly queueDir: string;
  /** The gateway's (Traefik's) generated configuration. */
  readonly gatewayDir: string;
  /**
   * Prometheus's storage: next to the private folder, not in it (Prometheus writes its own 0644 files,
   * and metrics are not secret).
   */
  readonly metricsDir: string;
  /** Removes the folder (idempotent). */
  remove(): void;
}

export async function createSession(): Promise<Session> {
  const dir = mkdtempSync(join(tmpdir(), "otel-e2r-local-"));
  try {
    const certs = await ensureCertificates(dir);
    const { credentials } = ensureCredentials({ stateDir: dir });
    const files = Object.freeze(
      Object.fromEntries(Object.entries(stateFiles).map(([key, name]) => [key, join(dir, name)])),
    ) as SessionFiles;
    const queueDir = join(dir, "edge-queue");
    const gatewayDir = join(dir, "gateway");
    mkdirSync(queueDir, { mode: 0o700 });
    mkdirSync(gatewayDir, { mode: 0o700 });
    return Object.freeze({
      dir,
      caPem: certs.caCertPem,
      credentials,
      files,
      queueDir,
      gatewayDir,
      metricsDir: `${dir}-metrics`,
      remove: () => {
        rmSync(dir, { recursive: true, force: true });
        rmSync(`${dir}-metrics`, { recursive: true, force: true });
      },
    });
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}
