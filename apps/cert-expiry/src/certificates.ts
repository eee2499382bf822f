// What a PEM file says about its certificates' lifetimes. A bundle (a CA next to its successor during a
// rotation) reports each certificate in it.
import { X509Certificate } from "node:crypto";
import { readFile } from "node:fs/promises";
import { basename } from "node:path";
import type { Role, Watched } from "./config.ts";

export interface CertificateLifetime {
  readonly role: Role;
  readonly file: string;
  readonly subject: string;
  readonly issuer: string;
  readonly serial: string;
  readonly notAfter: Date;
}

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** "CN=edge\nO=…" as one line, the way openssl prints it: "CN=edge, O=…". */
const oneLine = (name: string): string => name.split("\n").filter(Boolean).join(", ");

export function lifetimesIn(pem: string, watched: Watched): CertificateLifetime[] {
  const blocks = pem.match(PEM_BLOCK) ?? [];
  if (blocks.length === 0) throw new Error(`${watched.path} holds no PEM certificate`);
  return blocks.map((block) => {
    const certificate = new X509Certificate(block);
    return {
      role: watched.role,
      file: basename(watched.path),
      subject: oneLine(certificate.subject),
      issuer: oneLine(certificate.issuer),
      serial: certificate.serialNumber.toLowerCase(),
      notAfter: certificate.validToDate,
    };
  });
}

/** Every watched file's certificates; a file that cannot be read or parsed is a problem, not a crash. */
export async function readLifetimes(
  files: readonly Watched[],
): Promise<{ lifetimes: CertificateLifetime[]; problems: string[] }> {
  const lifetimes: CertificateLifetime[] = [];
  const problems: string[] = [];
  for (const watched of files) {
    try {
      lifetimes.push(...lifetimesIn(await readFile(watched.path, "utf8"), watched));
    } catch (error) {
      problems.push(`${watched.role} ${watched.path}: ${(error as Error).message}`);
    }
  }
  return { lifetimes, problems };
}
