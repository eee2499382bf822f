// The project's local certificate authority: a CA, the gateway's server certificate and each edge's client
// certificate (ECDSA P-256), made at bootstrap because the clusters must work without public DNS or a
// public CA. Used by `make up`, the local topology and the tests (real TLS servers and clients).
import { createPrivateKey, createPublicKey, webcrypto } from "node:crypto";
import { isIP } from "node:net";
// @peculiar/x509 resolves its algorithms through tsyringe, which needs Reflect metadata loaded first.
import "reflect-metadata";
import * as x509 from "@peculiar/x509";

// Node's WebCrypto, passed explicitly instead of relying on the library's global provider. (The project's
// `lib` has no DOM, so the WebCrypto types come from node:crypto.)
const crypto = webcrypto;
type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;
const KEY_ALGORITHM = { name: "ECDSA", namedCurve: "P-256" } as const;
const SIGNING_ALGORITHM = { name: "ECDSA", hash: "SHA-256" } as const;
// Tolerate small clock differences between the laptop, kind nodes and CI runners.
const CLOCK_SKEW_MS = 5 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

export interface CaOptions {
  commonName: string;
  validityDays: number;
  /** Sign with this CA instead of self-signing: an issuing CA below the root (it signs leaves only). */
  issuer?: CertificateAuthority;
}

export interface ServerCertificateOptions {
  dnsNames: readonly string[];
  ipAddresses?: readonly string[];
  validityDays: number;
  /** Defaults to the first DNS name (clients ignore it when SANs are present, humans read it). */
  commonName?: string;
  /** An explicit validity window instead of "now + validityDays": only the tests' expired certificates. */
  window?: { notBefore: Date; notAfter: Date };
}

export interface ClientCertificateOptions {
  /** The client's identity, e.g. the edge cluster's name: the subject's CN. */
  commonName: string;
  /** The subject's O, e.g. "otel-edge-to-remote edge clusters". */
  organization?: string;
  validityDays: number;
  /** An explicit validity window instead of "now + validityDays": only the tests' expired certificates. */
  window?: { notBefore: Date; notAfter: Date };
}

/** A CA that can sign: its certificate and private key, as PEM and as parsed objects. */
export interface CertificateAuthority {
  readonly certPem: string;
  readonly keyPem: string;
  readonly certificate: x509.X509Certificate;
  readonly privateKey: CryptoKey;
}

export interface IssuedCertificate {
  readonly certPem: string;
  readonly keyPem: string;
}

/** What `make status` and the tests read back from a certificate. */
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

function problemsWithValidity(days: unknown): string[] {
  return typeof days === "number" && Number.isInteger(days) && days > 0 && days <= 3650
    ? []
    : [`validityDays is ${String(days)}; expected a whole number of days from 1 to 3650`];
}

function fail(what: string, problems: string[]): void {
  if (problems.length > 0) throw new Error(`${what}:\n  - ${problems.join("\n  - ")}`);
}

function validity(days: number): { notBefore: Date; notAfter: Date } {
  const now = Date.now();
  return { notBefore: new Date(now - CLOCK_SKEW_MS), notAfter: new Date(now + days * DAY_MS) };
}

// Node's TLS and Go (the collector, Traefik) read PKCS#8 "PRIVATE KEY" PEM.
async function exportKeyPem(key: CryptoKey): Promise<string> {
  const der = await crypto.subtle.exportKey("pkcs8", key);
  return `${x509.PemConverter.encode(der, "PRIVATE KEY")}\n`;
}

function generateKeyPair(): Promise<CryptoKeyPair> {
  return crypto.subtle.generateKey(KEY_ALGORITHM, true, ["sign", "verify"]);
}

function certToPem(certificate: x509.X509Certificate): string {
  return `${certificate.toString("pem")}\n`;
}

/**
 * A CA: self-signed (a root, which may sign one level of issuing CAs: pathLen 1), or signed by `issuer` (an
 * issuing CA, which signs leaf certificates only: pathLen 0).
 */
export async function createCa(options: CaOptions): Promise<CertificateAuthority> {
  const problems = problemsWithValidity(options.validityDays);
  if (typeof options.commonName !== "string" || options.commonName.trim() === "")
    problems.push(`commonName is ${JSON.stringify(options.commonName)}; expected a non-empty name`);
  const span = options.issuer
    ? windowWithinCa(options.issuer, options, problems)
    : validity(options.validityDays);
  fail("cannot create the CA", problems);

  const keys = await generateKeyPair();
  const extensions = [
    new x509.BasicConstraintsExtension(true, options.issuer ? 0 : 1, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
    await x509.SubjectKeyIdentifierExtension.create(keys.publicKey, false, crypto),
  ];
  const name = [{ CN: [options.commonName] }];
  const certificate = options.issuer
    ? await x509.X509CertificateGenerator.create(
        {
          subject: name,
          issuer: options.issuer.certificate.subjectName,
          publicKey: keys.publicKey,
          signingKey: options.issuer.privateKey,
          signingAlgorithm: SIGNING_ALGORITHM,
          ...span,
          extensions: [
            ...extensions,
            await x509.AuthorityKeyIdentifierExtension.create(
              options.issuer.certificate.publicKey,
              false,
              crypto,
            ),
          ],
        },
        crypto,
      )
    : await x509.X509CertificateGenerator.createSelfSigned(
        { name, keys, signingAlgorithm: SIGNING_ALGORITHM, ...span, extensions },
        crypto,
      );
  return Object.freeze({
    certPem: certToPem(certificate),
    keyPem: await exportKeyPem(keys.privateKey),
    certificate,
    privateKey: keys.privateKey,
  });
}

function problemsWithNames(options: ServerCertificateOptions): string[] {
  const problems: string[] = [];
  const dnsNames: unknown = options.dnsNames;
  if (!Array.isArray(dnsNames) || dnsNames.length === 0)
    problems.push("dnsNames is empty; expected at least one DNS name for the certificate's SANs");
  else
    for (const name of dnsNames as unknown[])
      if (
        typeof name !== "string" ||
        !/^(\*\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/i.test(name)
      )
        problems.push(
          `dnsNames contains ${JSON.stringify(name)}; expected a DNS name like "remote-control-plane"`,
        );
  for (const ip of options.ipAddresses ?? [])
    if (isIP(ip) === 0)
      problems.push(`ipAddresses contains ${JSON.stringify(ip)}; expected an IPv4 or IPv6 address`);
  return problems;
}

/** A server certificate (TLS serverAuth only) for the given names, signed by `ca`. */
export async function issueServerCertificate(
  ca: CertificateAuthority,
  options: ServerCertificateOptions,
): Promise<IssuedCertificate> {
  const problems = [...problemsWithNames(options), ...problemsWithValidity(options.validityDays)];
  const span = windowWithinCa(ca, options, problems);
  fail("cannot issue the server certificate", problems);
  const sans: x509.JsonGeneralNames = [
    ...options.dnsNames.map((value) => ({ type: "dns" as const, value })),
    ...(options.ipAddresses ?? []).map((value) => ({ type: "ip" as const, value })),
  ];
  return issueLeaf(
    ca,
    span,
    [{ CN: [options.commonName ?? options.dnsNames[0]!] }],
    [
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth], false),
      new x509.SubjectAlternativeNameExtension(sans, false),
    ],
  );
}

/**
 * A client certificate (TLS clientAuth only, no SANs) for `commonName`, signed by `ca`: what an edge
 * collector presents to the remote collector's mTLS receiver.
 */
export async function issueClientCertificate(
  ca: CertificateAuthority,
  options: ClientCertificateOptions,
): Promise<IssuedCertificate> {
  const problems = problemsWithValidity(options.validityDays);
  if (typeof options.commonName !== "string" || !/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/.test(options.commonName))
    problems.push(
      `commonName is ${JSON.stringify(options.commonName)}; expected a name like "edge" (letters, digits, . _ -)`,
    );
  const span = windowWithinCa(ca, options, problems);
  fail("cannot issue the client certificate", problems);
  const subject: x509.JsonName = [{ CN: [options.commonName] }];
  if (options.organization !== undefined) subject.push({ O: [options.organization] });
  return issueLeaf(ca, span, subject, [
    new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth], false),
  ]);
}

/** The leaf's validity window; a problem when it would outlive the CA. */
function windowWithinCa(
  ca: CertificateAuthority,
  options: { validityDays: number; window?: { notBefore: Date; notAfter: Date } },
  problems: string[],
): { notBefore: Date; notAfter: Date } {
  const span = options.window ?? validity(options.validityDays);
  if (problems.length === 0 && span.notAfter > ca.certificate.notAfter)
    problems.push(
      `validityDays ${options.validityDays} outlives the CA (expires ${ca.certificate.notAfter.toISOString()}); expected a shorter validity or a new CA`,
    );
  return span;
}

/** A leaf signed by `ca` with a fresh key: not a CA, digitalSignature only, plus `extensions`. */
async function issueLeaf(
  ca: CertificateAuthority,
  span: { notBefore: Date; notAfter: Date },
  subject: x509.JsonName,
  extensions: x509.Extension[],
): Promise<IssuedCertificate> {
  const keys = await generateKeyPair();
  const certificate = await x509.X509CertificateGenerator.create(
    {
      subject,
      issuer: ca.certificate.subjectName,
      publicKey: keys.publicKey,
      signingKey: ca.privateKey,
      signingAlgorithm: SIGNING_ALGORITHM,
      ...span,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        // ECDSA keys sign the handshake; keyEncipherment only applies to RSA key transport.
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
        ...extensions,
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey, false, crypto),
        await x509.AuthorityKeyIdentifierExtension.create(ca.certificate.publicKey, false, crypto),
      ],
    },
    crypto,
  );
  return Object.freeze({ certPem: certToPem(certificate), keyPem: await exportKeyPem(keys.privateKey) });
}

/** Reads a CA back from PEM (e.g. from the state folder) so it can sign again. */
/** A throwaway CA and a one-day certificate for localhost and 127.0.0.1: what a test's TLS server serves. */
export async function loopbackPki(
  commonName: string,
): Promise<{ ca: CertificateAuthority; server: IssuedCertificate }> {
  const ca = await createCa({ commonName, validityDays: 2 });
  const server = await issueServerCertificate(ca, {
    dnsNames: ["localhost"],
    ipAddresses: ["127.0.0.1"],
    validityDays: 1,
  });
  return { ca, server };
}

export async function loadCa(certPem: string, keyPem: string): Promise<CertificateAuthority> {
  let certificate: x509.X509Certificate;
  try {
    certificate = new x509.X509Certificate(certPem);
  } catch (error) {
    throw new Error(`the CA certificate is not a PEM certificate (${(error as Error).message})`, {
      cause: error,
    });
  }
  if (!describeCertificate(certificate).isCa)
    throw new Error(`the certificate "${certificate.subject}" is not a CA (basicConstraints CA:false)`);
  let privateKey: CryptoKey;
  try {
    const der = x509.PemConverter.decodeFirst(keyPem);
    privateKey = await crypto.subtle.importKey("pkcs8", der, KEY_ALGORITHM, true, ["sign"]);
  } catch {
    // Deliberately no `cause`: nothing derived from the key may end up in a message or a log.
    throw new Error(
      `the CA key is not a PKCS#8 ECDSA P-256 private key in PEM (a "BEGIN PRIVATE KEY" block)`,
    );
  }
  if (!keyMatchesCertificate(keyPem, certificate))
    throw new Error(`the CA key does not belong to the CA certificate "${certificate.subject}"`);
  return Object.freeze({
    certPem: certToPem(certificate),
    keyPem: await exportKeyPem(privateKey),
    certificate,
    privateKey,
  });
}

/** True when `keyPem` is the private key of the certificate `certPem` (a pair written half-way is not). */
export function keyMatches(certPem: string, keyPem: string): boolean {
  try {
    return keyMatchesCertificate(keyPem, new x509.X509Certificate(certPem));
  } catch {
    return false;
  }
}

function keyMatchesCertificate(keyPem: string, certificate: x509.X509Certificate): boolean {
  const publicKey = createPublicKey(createPrivateKey(keyPem)).export({ type: "spki", format: "der" });
  return publicKey.equals(Buffer.from(certificate.publicKey.rawData));
}

/** True when `certPem` was signed by `ca` (signature check only; no dates). */
export async function isSignedBy(certPem: string, caCertPem: string): Promise<boolean> {
  const certificate = new x509.X509Certificate(certPem);
  const ca = new x509.X509Certificate(caCertPem);
  return certificate.verify({ publicKey: ca.publicKey, signatureOnly: true }, crypto);
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
