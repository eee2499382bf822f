// The certificates the CA signs: the gateway's server certificate and each edge's client certificate,
// each for one purpose only (serverAuth or clientAuth), so neither can stand in for the other.
import { isIP } from "node:net";
import type { CertificateAuthority } from "./ca.ts";
import { fail, problemsWithValidity, windowWithinCa, type Window } from "./validity.ts";
import { certToPem, crypto, exportKeyPem, generateKeyPair, SIGNING_ALGORITHM, x509 } from "./x509.ts";

export interface ServerCertificateOptions {
  dnsNames: readonly string[];
  ipAddresses?: readonly string[];
  validityDays: number;
  /** Defaults to the first DNS name (clients ignore it when SANs are present, humans read it). */
  commonName?: string;
  /** An explicit validity window instead of "now + validityDays": only the tests' expired certificates. */
  window?: Window;
}

export interface ClientCertificateOptions {
  /** The client's identity, e.g. the edge cluster's name: the subject's CN. */
  commonName: string;
  /** The subject's O, e.g. "otel-edge-to-remote edge clusters". */
  organization?: string;
  validityDays: number;
  /** An explicit validity window instead of "now + validityDays": only the tests' expired certificates. */
  window?: Window;
}

export interface IssuedCertificate {
  readonly certPem: string;
  readonly keyPem: string;
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

/** A leaf signed by `ca` with a fresh key: not a CA, digitalSignature only, plus `extensions`. */
async function issueLeaf(
  ca: CertificateAuthority,
  span: Window,
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
