// The project's local certificate authority, made at bootstrap because the clusters must work without
// public DNS or a public CA. `make up`, the local topology and the tests (real TLS servers and clients) use
// it; issue.ts signs the certificates below it.
import { describeCertificate } from "./inspect.ts";
import { fail, problemsWithValidity, validity, windowWithinCa } from "./validity.ts";
import {
  certToPem,
  crypto,
  exportKeyPem,
  generateKeyPair,
  KEY_ALGORITHM,
  keyBelongsTo,
  SIGNING_ALGORITHM,
  x509,
  type CryptoKey,
} from "./x509.ts";

export interface CaOptions {
  commonName: string;
  validityDays: number;
  /** Sign with this CA instead of self-signing: an issuing CA below the root (it signs leaves only). */
  issuer?: CertificateAuthority;
}

/** A CA that can sign: its certificate and private key, as PEM and as parsed objects. */
export interface CertificateAuthority {
  readonly certPem: string;
  readonly keyPem: string;
  readonly certificate: x509.X509Certificate;
  readonly privateKey: CryptoKey;
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

/** Reads a CA back from PEM (e.g. from the state folder) so it can sign again. */
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
  if (!keyBelongsTo(keyPem, certificate))
    throw new Error(`the CA key does not belong to the CA certificate "${certificate.subject}"`);
  return Object.freeze({
    certPem: certToPem(certificate),
    keyPem: await exportKeyPem(privateKey),
    certificate,
    privateKey,
  });
}
