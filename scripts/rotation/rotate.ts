// `make rotate` (and the local topology's rotation): what each kind of rotation writes into a state folder,
// in which order, and what it waits for before the next phase — defined once, for the clusters and for
// loopback. Where the files go is the Rollout's business (Secrets in the clusters, the files themselves
// locally). Every phase keeps both the old and the new credential valid until the side that uses it has
// switched, so no export is refused; the last phase retires the old one, and the proof is that it is
// then refused.
//
//   credentials: htpasswd old+new (remote restarts: it reads htpasswd at start) → the edge's files → new only
//   client:      a new client CA, trusted next to the old one → a new client certificate → old CA dropped
//   server:      new server certificates from the same CA, the gateway's and the remote collector's (each
//                re-reads its own)
//   ca:          a new CA and client CA, trusted next to the old ones (the edge restarts: its exporter
//                loads its CA file once) → every certificate reissued below them → the old ones dropped
import { existsSync, rmSync } from "node:fs";
import { setTimeout as delay } from "node:timers/promises";
import { join } from "node:path";
import { createCa, loadCa, type CertificateAuthority } from "@otel-e2r/pki/ca.ts";
import { issueClientCertificate, issueServerCertificate } from "@otel-e2r/pki/issue.ts";
import { describeCertificate } from "@otel-e2r/pki/inspect.ts";
import {
  CA_COMMON_NAME,
  CA_VALIDITY_DAYS,
  CLIENT_CA_COMMON_NAME,
  CLIENT_VALIDITY_DAYS,
  SERVER_VALIDITY_DAYS,
  serverSans,
  writeTrustBundles,
  type ServerRole,
} from "../lib/certificates.ts";
import { credentials, generateCredentials, htpasswdLine, type Credentials } from "../lib/credentials.ts";
import { Failure, exitCodes } from "../lib/exit-codes.ts";
import { readPrivateFile, stateFiles, writePrivateFile } from "../lib/state.ts";
import { edgeClientSubject } from "../lib/topology.ts";
import { daysLeft, sameSerial, type RotationKind } from "./kinds.ts";
import type { RotationContext, RotationResult } from "./types.ts";

const rotations: Record<RotationKind, (context: RotationContext) => Promise<string>> = {
  credentials: rotateCredentials,
  client: rotateClient,
  server: rotateServer,
  ca: rotateCa,
};

/** Runs one rotation, phase by phase. */
export async function rotate(kind: RotationKind, context: RotationContext): Promise<RotationResult> {
  const started = performance.now();
  const retired = await rotations[kind](context);
  return Object.freeze({ kind, seconds: (performance.now() - started) / 1000, retired });
}

/** A state file's content, or a user-facing "run make up first" naming it. */
function need(dir: string, name: string): string {
  const text = readPrivateFile(dir, name);
  if (text === undefined)
    throw new Failure(`${join(dir, name)} is missing; run \`make up\` first`, exitCodes.notReady);
  return text;
}

function readCredentials(dir: string): Credentials {
  return credentials(need(dir, stateFiles.username).trim(), need(dir, stateFiles.password).trim());
}

/** The configs' `reload_interval` for certificate files. */
const RELOAD_INTERVAL_MS = 10_000;

/**
 * Waits out the collectors' certificate reload interval: the exporter re-reads its files lazily, at its
 * first handshake after the interval, and exposes nothing that says it has. That is a timer inside the
 * collector, not a condition to poll, so this is the one wait that is a sleep.
 */
async function afterReloadInterval(context: RotationContext): Promise<void> {
  await delay((context.reloadIntervalMs ?? RELOAD_INTERVAL_MS) + 1000);
}

async function rotateCredentials({ dir, rollout, probes, note, until }: RotationContext): Promise<string> {
  const old = readCredentials(dir);
  const fresh = generateCredentials();
  const line = `${htpasswdLine(fresh)}\n`;
  note("1/3 the remote collector accepts the old and the new credentials (htpasswd holds both)");
  writePrivateFile(dir, stateFiles.htpasswd, `${need(dir, stateFiles.htpasswd).trimEnd()}\n${line}`);
  await rollout.publish("remote");
  await rollout.restart("remote");
  if ((await probes.credentialsAccepted(fresh)) !== undefined)
    await until(
      "the remote collector to accept the new credentials",
      async () => (await probes.credentialsAccepted(fresh))!,
    );
  note("2/3 the edge collector sends the new credentials (it re-reads its files, no restart)");
  writePrivateFile(dir, stateFiles.username, fresh.username);
  writePrivateFile(dir, stateFiles.password, fresh.password);
  await rollout.publish("edge");
  await rollout.edgeSees([stateFiles.username, stateFiles.password]);
  note("3/3 the old credentials are retired (htpasswd holds the new ones only)");
  writePrivateFile(dir, stateFiles.htpasswd, line);
  await rollout.publish("remote");
  await rollout.restart("remote");
  if ((await probes.credentialsAccepted(old)) === undefined)
    return "not checked: this mode does not check passwords";
  // Polled: for a moment the gateway may still route to the old pod, which is terminating.
  await until(
    "the remote collector to refuse the old credentials",
    async () => (await probes.credentialsAccepted(old)) === false,
  );
  return "the old credentials are refused (UNAUTHENTICATED)";
}

async function loadPair(dir: string, cert: string, key: string): Promise<CertificateAuthority> {
  return loadCa(need(dir, cert), need(dir, key));
}

/**
 * A new client CA below the CA, the old one kept as "previous" so both are trusted. When a "previous" is
 * already there, an earlier rotation stopped before its last phase: the current client CA is then the new
 * one, and the rotation resumes with it (making yet another would drop the CA the edge still uses).
 */
async function newClientCa(dir: string, note: (line: string) => void): Promise<CertificateAuthority> {
  if (existsSync(join(dir, stateFiles.previousClientCaCert))) {
    note("    resuming: an earlier rotation stopped before it retired the previous client CA");
    return loadPair(dir, stateFiles.clientCaCert, stateFiles.clientCaKey);
  }
  const ca = await loadPair(dir, stateFiles.caCert, stateFiles.caKey);
  writePrivateFile(dir, stateFiles.previousClientCaCert, need(dir, stateFiles.clientCaCert));
  const clientCa = await createCa({
    commonName: CLIENT_CA_COMMON_NAME,
    validityDays: Math.floor(Math.min(CA_VALIDITY_DAYS, daysLeft(ca.certPem) - 1)),
    issuer: ca,
  });
  writePrivateFile(dir, stateFiles.clientCaKey, clientCa.keyPem);
  writePrivateFile(dir, stateFiles.clientCaCert, clientCa.certPem);
  writeTrustBundles(dir);
  return clientCa;
}

async function newClientCertificate(dir: string, clientCa: CertificateAuthority) {
  const days = Math.floor(Math.min(CLIENT_VALIDITY_DAYS, daysLeft(clientCa.certPem) - 1));
  const leaf = await issueClientCertificate(clientCa, { ...edgeClientSubject, validityDays: days });
  writePrivateFile(dir, stateFiles.clientKey, leaf.keyPem);
  writePrivateFile(dir, stateFiles.clientCert, leaf.certPem);
  return leaf;
}

function dropPrevious(dir: string, names: readonly string[]): void {
  for (const name of names) rmSync(join(dir, name), { force: true });
  writeTrustBundles(dir);
}

/** Waits until a fresh client with `pair` is accepted (or refused); a no-op when the mode sends none. */
async function awaitClient(
  { probes, until }: RotationContext,
  pair: { certPem: string; keyPem: string },
  accepted: boolean,
  what: string,
): Promise<boolean> {
  if ((await probes.clientAccepted(pair)) === undefined) return false;
  await until(what, async () => (await probes.clientAccepted(pair)) === accepted);
  return true;
}

async function rotateClient(context: RotationContext): Promise<string> {
  const { dir, rollout, note } = context;
  const old = {
    certPem: need(dir, stateFiles.clientCert),
    keyPem: need(dir, stateFiles.clientKey),
  };
  note("1/3 the remote collector trusts a new client CA next to the old one");
  const clientCa = await newClientCa(dir, note);
  const leaf = await issueClientCertificate(clientCa, { ...edgeClientSubject, validityDays: 1 });
  await rollout.publish("remote");
  await awaitClient(context, leaf, true, "the remote collector to trust the new client CA");
  note(
    "2/3 the edge collector presents a certificate from the new client CA (re-read at its next handshake)",
  );
  await newClientCertificate(dir, clientCa);
  await rollout.publish("edge");
  await rollout.edgeSees([stateFiles.clientCert, stateFiles.clientKey]);
  await afterReloadInterval(context);
  note("3/3 the old client CA is no longer trusted");
  dropPrevious(dir, [stateFiles.previousClientCaCert]);
  await rollout.publish("remote");
  return (await awaitClient(context, old, false, "the remote collector to refuse the old client certificate"))
    ? "the old client certificate is refused (unknown CA)"
    : "not checked: this mode presents no client certificate (the files are rotated for AUTH=mtls|both)";
}

type Serials = Record<ServerRole, string>;

/** New server certificates from the folder's CA, the gateway's and the remote collector's: their serials. */
async function newServerCertificates(dir: string): Promise<Serials> {
  const ca = await loadPair(dir, stateFiles.caCert, stateFiles.caKey);
  const files = {
    gateway: { cert: stateFiles.serverCert, key: stateFiles.serverKey },
    collector: { cert: stateFiles.collectorCert, key: stateFiles.collectorKey },
  } as const;
  const serials = {} as Serials;
  for (const role of ["gateway", "collector"] as const) {
    const issued = await issueServerCertificate(ca, {
      ...serverSans[role],
      validityDays: Math.floor(Math.min(SERVER_VALIDITY_DAYS, daysLeft(ca.certPem) - 1)),
    });
    writePrivateFile(dir, files[role].key, issued.keyPem);
    writePrivateFile(dir, files[role].cert, issued.certPem);
    serials[role] = describeCertificate(issued.certPem).serialNumber;
  }
  return serials;
}

const describeSerials = (serials: Serials, mode: "gateway only" | "both") =>
  mode === "both" ? `gateway ${serials.gateway}, remote collector ${serials.collector}` : serials.gateway;

/** Waits until every server the mode uses serves its new certificate; says which ones were checked. */
async function awaitServed({ probes, until }: RotationContext, serials: Serials): Promise<string> {
  let checked: "gateway only" | "both" = "gateway only";
  await until(`every server to serve its new certificate (${describeSerials(serials, "both")})`, async () => {
    const served = await probes.servedSerials();
    checked = served.collector === undefined ? "gateway only" : "both";
    return (Object.keys(served) as ServerRole[]).every((role) => sameSerial(served[role]!, serials[role]));
  });
  return describeSerials(serials, checked);
}

async function rotateServer(context: RotationContext): Promise<string> {
  const { dir, rollout, note } = context;
  const old = describeCertificate(need(dir, stateFiles.serverCert)).serialNumber;
  note(
    "1/1 new server certificates from the same CA, the gateway's and the remote collector's (each re-reads its own)",
  );
  const serials = await newServerCertificates(dir);
  await rollout.publish("remote");
  const served = await awaitServed(context, serials);
  return `the old gateway certificate (serial ${old}) is no longer served; serving ${served}`;
}

async function rotateCa(context: RotationContext): Promise<string> {
  const { dir, rollout, note } = context;
  const oldClient = {
    certPem: need(dir, stateFiles.clientCert),
    keyPem: need(dir, stateFiles.clientKey),
  };
  note(
    "1/3 both sides trust a new CA and client CA next to the old ones (the edge restarts to load its CA file)",
  );
  if (existsSync(join(dir, stateFiles.previousCaCert)))
    note("    resuming: an earlier rotation stopped before it retired the previous CA");
  else {
    writePrivateFile(dir, stateFiles.previousCaCert, need(dir, stateFiles.caCert));
    const ca = await createCa({ commonName: CA_COMMON_NAME, validityDays: CA_VALIDITY_DAYS });
    writePrivateFile(dir, stateFiles.caKey, ca.keyPem);
    writePrivateFile(dir, stateFiles.caCert, ca.certPem);
  }
  const clientCa = await newClientCa(dir, note);
  await rollout.publish("remote");
  await rollout.publish("edge");
  await rollout.edgeSees([stateFiles.caBundle]);
  await rollout.restart("edge");
  await awaitClient(
    context,
    await issueClientCertificate(clientCa, { ...edgeClientSubject, validityDays: 1 }),
    true,
    "the remote collector to trust the new client CA",
  );
  note("2/3 the server certificates and the client certificate are reissued below the new CAs");
  const serials = await newServerCertificates(dir);
  await newClientCertificate(dir, clientCa);
  await rollout.publish("remote");
  await rollout.publish("edge");
  const served = await awaitServed(context, serials);
  await rollout.edgeSees([stateFiles.clientCert, stateFiles.clientKey]);
  await afterReloadInterval(context);
  note("3/3 the old CA and client CA are no longer trusted (the edge restarts again)");
  dropPrevious(dir, [stateFiles.previousCaCert, stateFiles.previousClientCaCert]);
  await rollout.publish("remote");
  await rollout.publish("edge");
  await rollout.edgeSees([stateFiles.caBundle]);
  await rollout.restart("edge");
  const refused = await awaitClient(
    context,
    oldClient,
    false,
    "the remote collector to refuse the old client certificate",
  );
  return `serving ${served}, signed by the new CA${refused ? "; the old client certificate is refused (unknown CA)" : ""}`;
}
