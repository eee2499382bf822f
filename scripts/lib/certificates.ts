// The project's certificates in a state folder (`make up`'s, or one local topology run's): the CA; the
// gateway's server certificate and the remote collector's own (both signed by the CA); the client CA (an issuing CA below the CA: the remote
// collector trusts only it, so a rotation can retire client certificates without revocation lists, which
// the collector does not read); the edge's client certificate, and each further edge's in its own folder
// (signed by the client CA); and the bundles each side trusts. Reused on re-runs; reissued when the names changed, an issuer changed or expiry is near.
// `make rotate` (rotation.ts) replaces them on purpose.
import { join } from "node:path";
import { createCa, loadCa, type CertificateAuthority } from "@otel-e2r/pki/ca.ts";
import { issueClientCertificate, issueServerCertificate } from "@otel-e2r/pki/issue.ts";
import { describeCertificate, type CertificateInfo } from "@otel-e2r/pki/inspect.ts";
import { caDaysLeft, ensurePair, sameSet, type Issued } from "./certificate-pair.ts";
import { edgeClientSubject as CLIENT_SUBJECT, collectorServer, gateway } from "./topology.ts";
import { ensurePrivateDir, readPrivateFile, writePrivateFile, stateFiles } from "./state.ts";
import { edgeStateDir } from "./fleet.ts";

export const CA_COMMON_NAME = "otel-edge-to-remote local CA";
export const CA_VALIDITY_DAYS = 1825;
export const SERVER_VALIDITY_DAYS = 365;
/** Client certificates live shorter: they are what a compromised edge leaks. */
export const CLIENT_VALIDITY_DAYS = 90;
export const CLIENT_CA_COMMON_NAME = "otel-edge-to-remote client CA";
export { RENEW_BEFORE_DAYS } from "./certificate-pair.ts";

export interface ProjectCertificates {
  readonly caCertPem: string;
  /** What the edge trusts for the server: the CA, and during a CA rotation the previous one too. */
  readonly caBundlePem: string;
  readonly certPem: string;
  readonly keyPem: string;
  readonly server: CertificateInfo;
  /** The remote collector's own server certificate: its mTLS receiver's, never the gateway's. */
  readonly collectorCertPem: string;
  readonly collectorKeyPem: string;
  readonly collector: CertificateInfo;
  readonly clientCertPem: string;
  readonly clientKeyPem: string;
  readonly client: CertificateInfo;
  /** What the remote collector trusts for clients: the client CA, plus the previous one mid-rotation. */
  readonly clientCaBundlePem: string;
  readonly outcome: {
    readonly ca: "reused" | "generated";
    readonly server: Issued;
    readonly collector: Issued;
    readonly clientCa: Issued;
    readonly client: Issued;
  };
}

/** The names a server certificate must carry: the gateway's, or the remote collector's. */
export type ServerRole = "gateway" | "collector";
export const serverSans: Readonly<
  Record<ServerRole, { dnsNames: readonly string[]; ipAddresses: readonly string[] }>
> = Object.freeze({ gateway, collector: collectorServer });

const serverNames = (role: ServerRole) => (info: CertificateInfo) =>
  sameSet(info.dnsNames, serverSans[role].dnsNames) && sameSet(info.ipAddresses, serverSans[role].ipAddresses)
    ? undefined
    : `its SANs (${[...info.dnsNames, ...info.ipAddresses].join(", ")}) differ from the ${role}'s names`;

const clientNames =
  (edge: string = CLIENT_SUBJECT.commonName) =>
  (info: CertificateInfo) =>
    info.subject === `CN=${edge}, O=${CLIENT_SUBJECT.organization}` &&
    sameSet(info.extendedKeyUsages, ["clientAuth"])
      ? undefined
      : `its subject (${info.subject}) or usage (${info.extendedKeyUsages.join(", ")}) is not ${edge === CLIENT_SUBJECT.commonName ? "the edge" : edge}'s`;

const clientCaNames = (info: CertificateInfo) =>
  info.isCa && info.subject === `CN=${CLIENT_CA_COMMON_NAME}` ? undefined : `it is not the client CA`;

/** An edge's client certificate (CN=<edge>, clientAuth only) in `dir`, from the client CA. */
const ensureClientPair = (
  dir: string,
  edge: string,
  clientCa: CertificateAuthority,
  validityDays: number,
  options: { note: (line: string) => void; force?: string },
) =>
  ensurePair(
    dir,
    {
      cert: stateFiles.clientCert,
      key: stateFiles.clientKey,
      what:
        edge === CLIENT_SUBJECT.commonName ? "edge's client certificate" : `client certificate of ${edge}`,
    },
    clientCa.certPem,
    clientNames(edge),
    () => issueClientCertificate(clientCa, { ...CLIENT_SUBJECT, commonName: edge, validityDays }),
    options,
  );

export interface EnsureCertificatesOptions {
  /** A new CA (and so everything below it), as `make regenerate-credentials --certificates` does. */
  regenerate?: boolean;
  /** Issue these anew even when the stored ones are good (make rotate). */
  reissue?: ReadonlySet<"server" | "clientCa" | "client">;
  note?: (line: string) => void;
}

/** Every certificate of the folder, made or reused, and the trust bundles written next to them. */
export async function ensureCertificates(
  dir: string,
  options: EnsureCertificatesOptions = {},
): Promise<ProjectCertificates> {
  ensurePrivateDir(dir);
  const note = options.note ?? (() => undefined);
  const caFile = join(dir, stateFiles.caCert);
  const { ca, outcome: caOutcome } = await ensureCa(dir, options.regenerate === true);
  const days = (limit: number) => Math.min(limit, caDaysLeft(ca, caFile));
  const force = (what: "server" | "clientCa" | "client") =>
    options.reissue?.has(what) ? "a new one was asked for" : undefined;
  const serverPair = (role: ServerRole, files: { cert: string; key: string }) =>
    ensurePair(
      dir,
      { ...files, what: role === "gateway" ? "gateway certificate" : "remote collector's certificate" },
      ca.certPem,
      serverNames(role),
      () =>
        issueServerCertificate(ca, {
          dnsNames: serverSans[role].dnsNames,
          ipAddresses: serverSans[role].ipAddresses,
          validityDays: days(SERVER_VALIDITY_DAYS),
        }),
      { note, force: force("server") },
    );
  const server = await serverPair("gateway", { cert: stateFiles.serverCert, key: stateFiles.serverKey });
  const collector = await serverPair("collector", {
    cert: stateFiles.collectorCert,
    key: stateFiles.collectorKey,
  });
  const clientCaPair = await ensurePair(
    dir,
    { cert: stateFiles.clientCaCert, key: stateFiles.clientCaKey, what: "client CA" },
    ca.certPem,
    clientCaNames,
    async () => {
      const issued = await createCa({
        commonName: CLIENT_CA_COMMON_NAME,
        validityDays: days(CA_VALIDITY_DAYS),
        issuer: ca,
      });
      return { certPem: issued.certPem, keyPem: issued.keyPem };
    },
    { note, force: force("clientCa") },
  );
  const clientCa = await loadCa(clientCaPair.certPem, clientCaPair.keyPem);
  const client = await ensureClientPair(
    dir,
    CLIENT_SUBJECT.commonName,
    clientCa,
    days(CLIENT_VALIDITY_DAYS),
    {
      note,
      force: force("client") ?? (clientCaPair.outcome === "issued" ? "its client CA is new" : undefined),
    },
  );
  const bundles = writeTrustBundles(dir);
  return Object.freeze({
    caCertPem: ca.certPem,
    caBundlePem: bundles.ca,
    certPem: server.certPem,
    keyPem: server.keyPem,
    server: describeCertificate(server.certPem),
    collectorCertPem: collector.certPem,
    collectorKeyPem: collector.keyPem,
    collector: describeCertificate(collector.certPem),
    clientCertPem: client.certPem,
    clientKeyPem: client.keyPem,
    client: describeCertificate(client.certPem),
    clientCaBundlePem: bundles.clientCa,
    outcome: {
      ca: caOutcome,
      server: server.outcome,
      collector: collector.outcome,
      clientCa: clientCaPair.outcome,
      client: client.outcome,
    },
  });
}

/**
 * The bundles each side trusts, from the folder: the current CA (client CA) first, then the previous one
 * while a rotation keeps it. Written as files for the local topology; the clusters get them as Secrets.
 */
export function writeTrustBundles(dir: string): { ca: string; clientCa: string } {
  const bundle = (current: string, previous: string) =>
    [readPrivateFile(dir, current), readPrivateFile(dir, previous)]
      .filter((pem) => pem !== undefined)
      .join("");
  const ca = bundle(stateFiles.caCert, stateFiles.previousCaCert);
  const clientCa = bundle(stateFiles.clientCaCert, stateFiles.previousClientCaCert);
  writePrivateFile(dir, stateFiles.caBundle, ca);
  writePrivateFile(dir, stateFiles.clientCaBundle, clientCa);
  return { ca, clientCa };
}

/** The CA in the folder, or a new one (with `regenerate`, or when there is none). */
async function ensureCa(
  dir: string,
  regenerate: boolean,
): Promise<{ ca: CertificateAuthority; outcome: "reused" | "generated" }> {
  const storedCaCert = regenerate ? undefined : readPrivateFile(dir, stateFiles.caCert);
  const storedCaKey = regenerate ? undefined : readPrivateFile(dir, stateFiles.caKey);
  if (storedCaCert !== undefined && storedCaKey !== undefined) {
    try {
      return { ca: await loadCa(storedCaCert, storedCaKey), outcome: "reused" };
    } catch (error) {
      throw new Error(
        `${join(dir, stateFiles.caCert)} / ${join(dir, stateFiles.caKey)} cannot be used (${(error as Error).message}); run the regenerate-credentials target with --certificates to make a new CA`,
        { cause: error },
      );
    }
  }
  const ca = await createCa({ commonName: CA_COMMON_NAME, validityDays: CA_VALIDITY_DAYS });
  writePrivateFile(dir, stateFiles.caKey, ca.keyPem);
  writePrivateFile(dir, stateFiles.caCert, ca.certPem);
  return { ca, outcome: "generated" };
}

/**
 * Replaces the gateway certificate in `dir` with one from the same CA that lives `validityDays`: how the
 * tests bring an expiry near on purpose (`make rotate` issues the real ones).
 */
export async function issueGatewayCertificate(dir: string, validityDays: number): Promise<void> {
  const ca = await loadCa(readPrivateFile(dir, stateFiles.caCert)!, readPrivateFile(dir, stateFiles.caKey)!);
  const issued = await issueServerCertificate(ca, {
    dnsNames: gateway.dnsNames,
    ipAddresses: gateway.ipAddresses,
    validityDays,
  });
  writePrivateFile(dir, stateFiles.serverKey, issued.keyPem);
  writePrivateFile(dir, stateFiles.serverCert, issued.certPem);
}

/**
 * The client certificate of one edge after the first (CN=<edge>), in its own folder, signed by the root
 * folder's client CA: reused while good, reissued when the client CA changed or expiry is near.
 */
export async function ensureEdgeClientCertificate(
  root: string,
  edge: string,
  options: { note?: (line: string) => void; force?: string } = {},
): Promise<{ certPem: string; keyPem: string; info: CertificateInfo; outcome: Issued }> {
  const [caCert, caKey, clientCaCert, clientCaKey] = [
    stateFiles.caCert,
    stateFiles.caKey,
    stateFiles.clientCaCert,
    stateFiles.clientCaKey,
  ].map((name) => readPrivateFile(root, name) ?? "");
  if ([caCert, caKey, clientCaCert, clientCaKey].includes(""))
    throw new Error(`${root} lacks the CA or the client CA; run \`make up\` first`);
  const days = caDaysLeft(await loadCa(caCert!, caKey!), join(root, stateFiles.caCert));
  const clientCa = await loadCa(clientCaCert!, clientCaKey!);
  const pair = await ensureClientPair(
    edgeStateDir(root, edge),
    edge,
    clientCa,
    Math.min(CLIENT_VALIDITY_DAYS, days),
    { note: options.note ?? (() => undefined), force: options.force },
  );
  return { ...pair, info: describeCertificate(pair.certPem) };
}
