// What every module of the PKI shares: the X.509 library, Node's WebCrypto and the one key type (ECDSA
// P-256), written as PEM.
import { createPrivateKey, createPublicKey, webcrypto } from "node:crypto";
// @peculiar/x509 resolves its algorithms through tsyringe, which needs Reflect metadata loaded first: the
// package's modules import the library from here so that this order always holds.
import "reflect-metadata";
import * as x509 from "@peculiar/x509";

export { x509 };

// Passed explicitly instead of relying on the library's global provider. (The project's `lib` has no DOM,
// so the WebCrypto types come from node:crypto.)
export const crypto = webcrypto;
export type CryptoKey = webcrypto.CryptoKey;
export const KEY_ALGORITHM = { name: "ECDSA", namedCurve: "P-256" } as const;
export const SIGNING_ALGORITHM = { name: "ECDSA", hash: "SHA-256" } as const;

export function generateKeyPair(): Promise<webcrypto.CryptoKeyPair> {
  return crypto.subtle.generateKey(KEY_ALGORITHM, true, ["sign", "verify"]);
}

// Node's TLS and Go (the collector, Traefik) read PKCS#8 "PRIVATE KEY" PEM.
export async function exportKeyPem(key: CryptoKey): Promise<string> {
  const der = await crypto.subtle.exportKey("pkcs8", key);
  return `${x509.PemConverter.encode(der, "PRIVATE KEY")}\n`;
}

export function certToPem(certificate: x509.X509Certificate): string {
  return `${certificate.toString("pem")}\n`;
}

/** True when `keyPem` is the private key of `certificate`. */
export function keyBelongsTo(keyPem: string, certificate: x509.X509Certificate): boolean {
  const publicKey = createPublicKey(createPrivateKey(keyPem)).export({ type: "spki", format: "der" });
  return publicKey.equals(Buffer.from(certificate.publicKey.rawData));
}
