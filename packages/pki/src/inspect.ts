// Reading certificates back: what `make status` shows, what the bootstrap checks before it reuses a CA or
// a half-written pair, and what the tests assert on.
import { crypto, keyBelongsTo, x509 } from "./x509.ts";

export interface CertificateInfo {
  readonly subject: string;
  readonly issuer: string;
  readonly serialNumber: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly isCa: boolean;
  readonly dnsNames: readonly string[];
  readonly ipAddresses: readonly string[];
  /** Names of the KeyUsage bits that are set, e.g. ["digitalSignature"]. */
  readonly keyUsages: readonly string[];
  /** Names of the extended key usages, e.g. ["serverAuth"] (unknown OIDs as dotted strings). */
  readonly extendedKeyUsages: readonly string[];
  readonly subjectKeyId: string | undefined;
  readonly authorityKeyId: string | undefined;
}

const KEY_USAGE_NAMES = Object.entries(x509.KeyUsageFlags).filter(
  (entry): entry is [string, number] => typeof entry[1] === "number",
);
const EKU_NAMES = new Map<string, string>(
  Object.entries(x509.ExtendedKeyUsage).map(([name, oid]) => [oid, name]),
);

/** Reads SANs, validity, CA flag and key usages back from a certificate (PEM or parsed). */
export function describeCertificate(pem: string | x509.X509Certificate): CertificateInfo {
  const certificate = typeof pem === "string" ? new x509.X509Certificate(pem) : pem;
  const basic = certificate.getExtension(x509.BasicConstraintsExtension);
  const keyUsage = certificate.getExtension(x509.KeyUsagesExtension);
  const eku = certificate.getExtension(x509.ExtendedKeyUsageExtension);
  const san = certificate.getExtension(x509.SubjectAlternativeNameExtension);
  const ski = certificate.getExtension(x509.SubjectKeyIdentifierExtension);
  const aki = certificate.getExtension(x509.AuthorityKeyIdentifierExtension);
  const names = san?.names.items ?? [];
  return Object.freeze({
    subject: certificate.subject,
    issuer: certificate.issuer,
    serialNumber: certificate.serialNumber,
    notBefore: certificate.notBefore,
    notAfter: certificate.notAfter,
    isCa: basic?.ca ?? false,
    dnsNames: Object.freeze(names.filter((n) => n.type === "dns").map((n) => n.value)),
    ipAddresses: Object.freeze(names.filter((n) => n.type === "ip").map((n) => n.value)),
    keyUsages: Object.freeze(
      keyUsage
        ? KEY_USAGE_NAMES.filter(([, bit]) => (keyUsage.usages & bit) !== 0).map(([name]) => name)
        : [],
    ),
    extendedKeyUsages: Object.freeze(
      (eku?.usages ?? []).map((oid) => EKU_NAMES.get(String(oid)) ?? String(oid)),
    ),
    subjectKeyId: ski?.keyId,
    authorityKeyId: aki?.keyId,
  });
}

/** True when `certPem` was signed by `ca` (signature check only; no dates). */
export async function isSignedBy(certPem: string, caCertPem: string): Promise<boolean> {
  const certificate = new x509.X509Certificate(certPem);
  const ca = new x509.X509Certificate(caCertPem);
  return certificate.verify({ publicKey: ca.publicKey, signatureOnly: true }, crypto);
}

/** True when `keyPem` is the private key of the certificate `certPem` (a pair written half-way is not). */
export function keyMatches(certPem: string, keyPem: string): boolean {
  try {
    return keyBelongsTo(keyPem, new x509.X509Certificate(certPem));
  } catch {
    return false;
  }
}
