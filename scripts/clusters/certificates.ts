// Part of `make up` (with credentials.ts): the local CA, the gateway's server certificate and the edge's
// client certificate in the state folder. Reused on re-runs; reissued when the names changed, the CA
// changed or expiry is near.
import { join } from "node:path";
import {
  createCa,
  describeCertificate,
  isSignedBy,
  issueClientCertificate,
  issueServerCertificate,
  loadCa,
  type CertificateAuthority,
  type CertificateInfo,
} from "../../packages/testkit/src/pki.ts";
import { edgeClientSubject as CLIENT_SUBJECT, gateway } from "../lib/topology.ts";
import { ensurePrivateDir, readPrivateFile, writePrivateFile, stateFiles } from "../lib/state.ts";

export const CA_COMMON_NAME = "otel-edge-to-remote local CA";
export const CA_VALIDITY_DAYS = 1825;
export const SERVER_VALIDITY_DAYS = 365;
/** Client certificates live shorter: they are what a compromised edge leaks. */
export const CLIENT_VALIDITY_DAYS = 90;
/** Reissue a certificate when it expires within this many days. */
export const RENEW_BEFORE_DAYS = 30;

const DAY_MS = 24 * 3600 * 1000;

type Issued = "reused" | "issued";

export interface ProjectCertificates {
  readonly caCertPem: string;
  readonly certPem: string;
  readonly keyPem: string;
  readonly server: CertificateInfo;
  readonly clientCertPem: string;
  readonly clientKeyPem: string;
  readonly client: CertificateInfo;
  readonly outcome: { readonly ca: "reused" | "generated"; readonly server: Issued; readonly client: Issued };
  readonly files: Readonly<{
    caCert: string;
    caKey: string;
    serverCert: string;
    serverKey: string;
    clientCert: string;
    clientKey: string;
  }>;
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}

/** Why an existing leaf certificate must be replaced, or undefined when it is still good. */
async function reasonToReissue(
  certPem: string,
  caCertPem: string,
  sameNames: (info: CertificateInfo) => string | undefined,
): Promise<string | undefined> {
  let info: CertificateInfo;
  try {
    info = describeCertificate(certPem);
  } catch {
    return "it is not a readable certificate";
  }
  if (!(await isSignedBy(certPem, caCertPem))) return "it was not signed by the current CA";
  const names = sameNames(info);
  if (names !== undefined) return names;
  if (info.notAfter.getTime() - Date.now() < RENEW_BEFORE_DAYS * DAY_MS)
    return `it expires on ${info.notAfter.toISOString()}`;
  return undefined;
}

const serverNames = (info: CertificateInfo) =>
  sameSet(info.dnsNames, gateway.dnsNames) && sameSet(info.ipAddresses, gateway.ipAddresses)
    ? undefined
    : `its SANs (${[...info.dnsNames, ...info.ipAddresses].join(", ")}) differ from the gateway's names`;

const clientNames = (info: CertificateInfo) =>
  info.subject === `CN=${CLIENT_SUBJECT.commonName}, O=${CLIENT_SUBJECT.organization}` &&
  sameSet(info.extendedKeyUsages, ["clientAuth"])
    ? undefined
    : `its subject (${info.subject}) or usage (${info.extendedKeyUsages.join(", ")}) is not the edge's`;

/** Days the CA has left, minus one: no leaf may outlive it. */
function caDaysLeft(ca: CertificateAuthority, caFile: string): number {
  const days = Math.floor((ca.certificate.notAfter.getTime() - Date.now()) / DAY_MS) - 1;
  if (days < RENEW_BEFORE_DAYS)
    throw new Error(
      `the CA in ${caFile} expires on ${ca.certificate.notAfter.toISOString().slice(0, 10)}; run the regenerate-credentials target with --certificates to make a new one`,
    );
  return days;
}

/** One leaf in the state folder: reused while good, else issued by `issue` and written (key first). */
async function ensureLeaf(
  stateDir: string,
  names: { cert: string; key: string; what: string },
  caCertPem: string,
  sameNames: (info: CertificateInfo) => string | undefined,
  issue: () => Promise<{ certPem: string; keyPem: string }>,
  note: (line: string) => void,
): Promise<{ certPem: string; keyPem: string; outcome: Issued }> {
  const storedCert = readPrivateFile(stateDir, names.cert);
  const storedKey = readPrivateFile(stateDir, names.key);
  const reason =
    storedCert === undefined || storedKey === undefined
      ? "none exists yet"
      : await reasonToReissue(storedCert, caCertPem, sameNames);
  if (reason === undefined && storedCert !== undefined && storedKey !== undefined)
    return { certPem: storedCert, keyPem: storedKey, outcome: "reused" };
  note(`issuing the ${names.what}: ${reason}`);
  const issued = await issue();
  writePrivateFile(stateDir, names.key, issued.keyPem);
  writePrivateFile(stateDir, names.cert, issued.certPem);
  return { ...issued, outcome: "issued" };
}

export async function ensureCertificates(
  stateDir: string,
  options: { regenerate?: boolean; note?: (line: string) => void } = {},
): Promise<ProjectCertificates> {
  ensurePrivateDir(stateDir);
  const note = options.note ?? (() => undefined);
  const files = Object.freeze({
    caCert: join(stateDir, stateFiles.caCert),
    caKey: join(stateDir, stateFiles.caKey),
    serverCert: join(stateDir, stateFiles.serverCert),
    serverKey: join(stateDir, stateFiles.serverKey),
    clientCert: join(stateDir, stateFiles.clientCert),
    clientKey: join(stateDir, stateFiles.clientKey),
  });
  const { ca, outcome: caOutcome } = await ensureCa(stateDir, files, options.regenerate === true);
  const server = await ensureLeaf(
    stateDir,
    { cert: stateFiles.serverCert, key: stateFiles.serverKey, what: "gateway certificate" },
    ca.certPem,
    serverNames,
    () =>
      issueServerCertificate(ca, {
        dnsNames: gateway.dnsNames,
        ipAddresses: gateway.ipAddresses,
        validityDays: Math.min(SERVER_VALIDITY_DAYS, caDaysLeft(ca, files.caCert)),
      }),
    note,
  );
  const client = await ensureLeaf(
    stateDir,
    { cert: stateFiles.clientCert, key: stateFiles.clientKey, what: "edge's client certificate" },
    ca.certPem,
    clientNames,
    () =>
      issueClientCertificate(ca, {
        ...CLIENT_SUBJECT,
        validityDays: Math.min(CLIENT_VALIDITY_DAYS, caDaysLeft(ca, files.caCert)),
      }),
    note,
  );
  return Object.freeze({
    caCertPem: ca.certPem,
    certPem: server.certPem,
    keyPem: server.keyPem,
    server: describeCertificate(server.certPem),
    clientCertPem: client.certPem,
    clientKeyPem: client.keyPem,
    client: describeCertificate(client.certPem),
    outcome: { ca: caOutcome, server: server.outcome, client: client.outcome },
    files,
  });
}

/** The CA in the state folder, or a new one (with `regenerate`, or when there is none). */
async function ensureCa(
  stateDir: string,
  files: { caCert: string; caKey: string },
  regenerate: boolean,
): Promise<{ ca: CertificateAuthority; outcome: "reused" | "generated" }> {
  const storedCaCert = regenerate ? undefined : readPrivateFile(stateDir, stateFiles.caCert);
  const storedCaKey = regenerate ? undefined : readPrivateFile(stateDir, stateFiles.caKey);
  if (storedCaCert !== undefined && storedCaKey !== undefined) {
    try {
      return { ca: await loadCa(storedCaCert, storedCaKey), outcome: "reused" };
    } catch (error) {
      throw new Error(
        `${files.caCert} / ${files.caKey} cannot be used (${(error as Error).message}); run the regenerate-credentials target with --certificates to make a new CA`,
        { cause: error },
      );
    }
  }
  const ca = await createCa({ commonName: CA_COMMON_NAME, validityDays: CA_VALIDITY_DAYS });
  writePrivateFile(stateDir, stateFiles.caKey, ca.keyPem);
  writePrivateFile(stateDir, stateFiles.caCert, ca.certPem);
  return { ca, outcome: "generated" };
}
