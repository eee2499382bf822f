// Part of `make up` (with credentials.ts): the local CA and the gateway's server certificate in the
// state folder. Reused on re-runs; reissued when the SANs changed, the CA changed or expiry is near.
import { join } from "node:path";
import {
  createCa,
  describeCertificate,
  isSignedBy,
  issueServerCertificate,
  loadCa,
  type CertificateInfo,
} from "../../packages/testkit/src/pki.ts";
import { gateway } from "../lib/topology.ts";
import { ensurePrivateDir, readPrivateFile, writePrivateFile, stateFiles } from "../lib/state.ts";

export const CA_COMMON_NAME = "otel-edge-to-remote local CA";
export const CA_VALIDITY_DAYS = 1825;
export const SERVER_VALIDITY_DAYS = 365;
/** Reissue the server certificate when it expires within this many days. */
export const RENEW_BEFORE_DAYS = 30;
const DAY_MS = 24 * 3600 * 1000;

export interface GatewayCertificates {
  readonly caCertPem: string;
  readonly certPem: string;
  readonly keyPem: string;
  readonly server: CertificateInfo;
  readonly outcome: { readonly ca: "reused" | "generated"; readonly server: "reused" | "issued" };
  readonly files: Readonly<{ caCert: string; caKey: string; serverCert: string; serverKey: string }>;
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}

/** Why an existing server certificate must be replaced, or undefined when it is still good. */
async function reasonToReissue(certPem: string, caCertPem: string): Promise<string | undefined> {
  let info: CertificateInfo;
  try {
    info = describeCertificate(certPem);
  } catch {
    return "it is not a readable certificate";
  }
  if (!(await isSignedBy(certPem, caCertPem))) return "it was not signed by the current CA";
  if (!sameSet(info.dnsNames, gateway.dnsNames) || !sameSet(info.ipAddresses, gateway.ipAddresses))
    return `its SANs (${[...info.dnsNames, ...info.ipAddresses].join(", ")}) differ from the gateway's names`;
  if (info.notAfter.getTime() - Date.now() < RENEW_BEFORE_DAYS * DAY_MS)
    return `it expires on ${info.notAfter.toISOString()}`;
  return undefined;
}

export async function ensureGatewayCertificates(
  stateDir: string,
  options: { regenerate?: boolean; note?: (line: string) => void } = {},
): Promise<GatewayCertificates> {
  ensurePrivateDir(stateDir);
  const note = options.note ?? (() => undefined);
  const files = Object.freeze({
    caCert: join(stateDir, stateFiles.caCert),
    caKey: join(stateDir, stateFiles.caKey),
    serverCert: join(stateDir, stateFiles.serverCert),
    serverKey: join(stateDir, stateFiles.serverKey),
  });

  const storedCaCert = options.regenerate ? undefined : readPrivateFile(stateDir, stateFiles.caCert);
  const storedCaKey = options.regenerate ? undefined : readPrivateFile(stateDir, stateFiles.caKey);
  let ca;
  let caOutcome: "reused" | "generated";
  if (storedCaCert !== undefined && storedCaKey !== undefined) {
    try {
      ca = await loadCa(storedCaCert, storedCaKey);
    } catch (error) {
      throw new Error(
        `${files.caCert} / ${files.caKey} cannot be used (${(error as Error).message}); run the regenerate-credentials target with --certificates to make a new CA`,
        { cause: error },
      );
    }
    caOutcome = "reused";
  } else {
    ca = await createCa({ commonName: CA_COMMON_NAME, validityDays: CA_VALIDITY_DAYS });
    writePrivateFile(stateDir, stateFiles.caKey, ca.keyPem);
    writePrivateFile(stateDir, stateFiles.caCert, ca.certPem);
    caOutcome = "generated";
  }

  const storedCert = readPrivateFile(stateDir, stateFiles.serverCert);
  const storedKey = readPrivateFile(stateDir, stateFiles.serverKey);
  const reason =
    storedCert === undefined || storedKey === undefined
      ? "none exists yet"
      : await reasonToReissue(storedCert, ca.certPem);
  if (reason === undefined && storedCert !== undefined && storedKey !== undefined)
    return Object.freeze({
      caCertPem: ca.certPem,
      certPem: storedCert,
      keyPem: storedKey,
      server: describeCertificate(storedCert),
      outcome: { ca: caOutcome, server: "reused" as const },
      files,
    });

  note(`issuing the gateway certificate: ${reason}`);
  // Never outlive the CA: late in the CA's life the certificate gets what is left of it.
  const caDaysLeft = Math.floor((ca.certificate.notAfter.getTime() - Date.now()) / DAY_MS) - 1;
  if (caDaysLeft < RENEW_BEFORE_DAYS)
    throw new Error(
      `the CA in ${files.caCert} expires on ${ca.certificate.notAfter.toISOString().slice(0, 10)}; run the regenerate-credentials target with --certificates to make a new one`,
    );
  const issued = await issueServerCertificate(ca, {
    dnsNames: gateway.dnsNames,
    ipAddresses: gateway.ipAddresses,
    validityDays: Math.min(SERVER_VALIDITY_DAYS, caDaysLeft),
  });
  writePrivateFile(stateDir, stateFiles.serverKey, issued.keyPem);
  writePrivateFile(stateDir, stateFiles.serverCert, issued.certPem);
  return Object.freeze({
    caCertPem: ca.certPem,
    certPem: issued.certPem,
    keyPem: issued.keyPem,
    server: describeCertificate(issued.certPem),
    outcome: { ca: caOutcome, server: "issued" as const },
    files,
  });
}
