// Which rotations `make rotate` runs: WHAT= as the user wrote it, or what expires soon. Also how serial
// numbers compare, since Node and the probes print them differently.
import { join } from "node:path";
import { describeCertificate } from "@otel-e2r/pki/inspect.ts";
import { RENEW_BEFORE_DAYS, SERVER_VALIDITY_DAYS } from "../lib/certificates.ts";
import { Failure, exitCodes } from "../lib/exit-codes.ts";
import { readPrivateFile, stateFiles } from "../lib/state.ts";

export const ROTATION_KINDS = Object.freeze(["client", "server", "ca", "credentials"] as const);
export type RotationKind = (typeof ROTATION_KINDS)[number];

/** WHAT=client,server… → the kinds, in the order given; undefined for "what is due". */
export function parseRotationKinds(value: string | undefined): RotationKind[] | undefined {
  const names = (value ?? "")
    .split(",")
    .map((name) => name.trim())
    .filter((name) => name !== "");
  if (names.length === 0) return undefined;
  const bad = names.filter((name) => !(ROTATION_KINDS as readonly string[]).includes(name));
  if (bad.length > 0)
    throw new Failure(
      `WHAT is ${JSON.stringify(value)}; ${bad.map((b) => JSON.stringify(b)).join(", ")} is not one of ${ROTATION_KINDS.join(", ")} (comma-separated; empty = what expires within ${RENEW_BEFORE_DAYS} days)`,
      exitCodes.usage,
    );
  return [...new Set(names as RotationKind[])];
}

const DAY_MS = 24 * 3600 * 1000;
/** Days until a certificate expires (fractional; negative once it has). */
export const daysLeft = (pem: string) => (describeCertificate(pem).notAfter.getTime() - Date.now()) / DAY_MS;

/** The kinds whose certificate expires within RENEW_BEFORE_DAYS (a CA: within its leaves' lifetime). */
export function dueKinds(dir: string): { kinds: RotationKind[]; nearest: string } {
  const read = (name: string) => {
    const pem = readPrivateFile(dir, name);
    if (pem === undefined)
      throw new Failure(`${join(dir, name)} is missing; run \`make up\` first`, exitCodes.notReady);
    return pem;
  };
  const left = {
    ca: Math.min(daysLeft(read(stateFiles.caCert)), daysLeft(read(stateFiles.clientCaCert))),
    server: Math.min(daysLeft(read(stateFiles.serverCert)), daysLeft(read(stateFiles.collectorCert))),
    client: daysLeft(read(stateFiles.clientCert)),
  };
  const kinds: RotationKind[] = [];
  // A CA that cannot outlive a new server certificate goes first: everything below it is reissued with it.
  if (left.ca < SERVER_VALIDITY_DAYS) kinds.push("ca");
  else {
    if (left.server < RENEW_BEFORE_DAYS) kinds.push("server");
    if (left.client < RENEW_BEFORE_DAYS) kinds.push("client");
  }
  const [name, days] = Object.entries(left).sort((a, b) => a[1] - b[1])[0]!;
  return {
    kinds,
    nearest: `the ${name === "ca" ? "CA" : `${name} certificate`} in ${Math.floor(days)} days`,
  };
}

/** What carries the folder's files to the collectors, and waits for them to be read. */
/** Serial numbers as hex, whatever the case and leading zeros (Node prints them upper-case, unpadded). */
export const sameSerial = (a: string, b: string): boolean =>
  a.toLowerCase().replace(/^0+/, "") === b.toLowerCase().replace(/^0+/, "");
