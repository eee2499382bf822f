// The tests' TLS servers listen on loopback only, so their certificates name nothing else; the CA gets two
// days because a certificate may not outlive the CA that signs it.
import { createCa, type CertificateAuthority } from "./ca.ts";
import { issueServerCertificate, type IssuedCertificate } from "./issue.ts";

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
