// One certificate and its key in a state folder: reused while good (readable, its key, its issuer, its
// names, not near expiry), else issued and written, key first. The project's certificates
// (certificates.ts) are each one such pair.
import type { CertificateAuthority } from "@otel-e2r/pki/ca.ts";
import { describeCertificate, isSignedBy, keyMatches, type CertificateInfo } from "@otel-e2r/pki/inspect.ts";
import { readPrivateFile, writePrivateFile } from "./state.ts";

/** Reissue a certificate when it expires within this many days. */
export const RENEW_BEFORE_DAYS = 30;

const DAY_MS = 24 * 3600 * 1000;

export type Issued = "reused" | "issued";

export function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}

/** Why an existing certificate must be replaced, or undefined when it is still good. */
async function reasonToReissue(
  certPem: string,
  keyPem: string,
  issuerPem: string,
  sameNames: (info: CertificateInfo) => string | undefined,
): Promise<string | undefined> {
  let info: CertificateInfo;
  try {
    info = describeCertificate(certPem);
  } catch {
    return "it is not a readable certificate";
  }
  if (!keyMatches(certPem, keyPem)) return "its key file holds another key";
  if (!(await isSignedBy(certPem, issuerPem))) return "it was not signed by the current CA";
  const names = sameNames(info);
  if (names !== undefined) return names;
  if (info.notAfter.getTime() - Date.now() < RENEW_BEFORE_DAYS * DAY_MS)
    return `it expires on ${info.notAfter.toISOString()}`;
  return undefined;
}

/** Days the CA has left, minus one: nothing it signs may outlive it. */
export function caDaysLeft(ca: CertificateAuthority, caFile: string): number {
  const days = Math.floor((ca.certificate.notAfter.getTime() - Date.now()) / DAY_MS) - 1;
  if (days < RENEW_BEFORE_DAYS)
    throw new Error(
      `the CA in ${caFile} expires on ${ca.certificate.notAfter.toISOString().slice(0, 10)}; \`make rotate WHAT=ca\` replaces it`,
    );
  return days;
}

/** One certificate and key in the folder: reused while good, else issued by `issue` and written (key first). */
export async function ensurePair(
  dir: string,
  names: { cert: string; key: string; what: string },
  issuerPem: string,
  sameNames: (info: CertificateInfo) => string | undefined,
  issue: () => Promise<{ certPem: string; keyPem: string }>,
  options: { note: (line: string) => void; force?: string },
): Promise<{ certPem: string; keyPem: string; outcome: Issued }> {
  const storedCert = readPrivateFile(dir, names.cert);
  const storedKey = readPrivateFile(dir, names.key);
  const reason =
    storedCert === undefined || storedKey === undefined
      ? "none exists yet"
      : (options.force ?? (await reasonToReissue(storedCert, storedKey, issuerPem, sameNames)));
  if (reason === undefined && storedCert !== undefined && storedKey !== undefined)
    return { certPem: storedCert, keyPem: storedKey, outcome: "reused" };
  options.note(`issuing the ${names.what}: ${reason}`);
  const issued = await issue();
  writePrivateFile(dir, names.key, issued.keyPem);
  writePrivateFile(dir, names.cert, issued.certPem);
  return { ...issued, outcome: "issued" };
}
