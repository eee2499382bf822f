// The attempts `make verify` makes at the gateway, per auth mode, as a table: what each client sends, and
// who must refuse it for the row to pass. The texts the TLS refusals are matched on are what Node's TLS
// (OpenSSL) reports for the alert the server sends; docs/troubleshooting.md lists them, and the local
// suite checks the doc against real refusals.
import { createSecureContext } from "node:tls";
import * as grpc from "@grpc/grpc-js";
import { authModes, DEFAULT_AUTH_MODE, type AuthMode } from "../lib/auth-modes.ts";
import { basicAuthHeader } from "../lib/credentials.ts";
import type { ExportOutcome } from "../lib/otlp-client.ts";
import type { ClientPki, GatewayTarget } from "./types.ts";
import { gateway } from "../lib/topology.ts";
import { createCa, loadCa } from "@otel-e2r/pki/ca.ts";
import { issueClientCertificate, issueServerCertificate } from "@otel-e2r/pki/issue.ts";

/** Who must turn a client away, and how that shows in the gRPC outcome. */
export interface Refusal {
  /** For the row's detail: "refused by …". */
  readonly describe: string;
  readonly matches: (outcome: ExportOutcome) => boolean;
}

const unreachable = /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|ETIMEDOUT/;

/** The collector's basic auth (UNAUTHENTICATED). */
const byAuth: Refusal = {
  describe: "by the collector's basic auth (UNAUTHENTICATED)",
  matches: (outcome) => outcome.code === grpc.status.UNAUTHENTICATED,
};
/** The gateway itself: a failed TLS handshake, or Traefik's 404 for a request it routes nowhere. */
const byGateway: Refusal = {
  describe: "by the gateway (TLS, or no route)",
  matches: (outcome) =>
    (outcome.code === grpc.status.UNIMPLEMENTED && /HTTP status code 404/.test(outcome.message)) ||
    (outcome.code === grpc.status.UNAVAILABLE && !unreachable.test(outcome.message)),
};

/**
 * The alert a TLS server sends, as OpenSSL names it in the client's error. Named texts, because only the
 * server that checked the certificate can send that alert: the row proves who refused and why.
 */
export const TLS_REFUSALS = Object.freeze({
  noCertificate: /alert certificate required/,
  unknownCa: /alert unknown ca/,
  expired: /alert certificate expired/,
  wrongUsage: /alert bad certificate|alert unsupported certificate/,
  oldProtocol: /alert protocol version/,
});

const byTls = (who: string, pattern: RegExp): Refusal => ({
  describe: `by ${who}'s TLS (${pattern.source})`,
  matches: (outcome) => outcome.code === grpc.status.UNAVAILABLE && pattern.test(outcome.message),
});

export interface AttemptStep {
  readonly check: string;
  readonly expect: "rejected" | "accepted";
  readonly by?: Refusal;
  readonly credentials: grpc.ChannelCredentials;
  readonly serverName: string;
  readonly auth?: string;
}

/** Did the expected party turn the call away, rather than the network? */
export const refusedAsExpected = (by: Refusal, outcome: ExportOutcome): boolean =>
  outcome.code !== grpc.status.OK && by.matches(outcome);

function hostOf(address: string): string {
  const match = /^\[?([^\]]+?)\]?:\d+$/.exec(address);
  if (!match) throw new Error(`gateway address ${JSON.stringify(address)} is not host:port`);
  return match[1]!;
}

/** A TLS 1.0–1.1 client: OpenSSL 3 only offers those at security level 0, so the server is what refuses. */
function oldProtocolCredentials(caPem: string): grpc.ChannelCredentials {
  const context = createSecureContext({
    ca: caPem,
    minVersion: "TLSv1",
    maxVersion: "TLSv1.1",
    ciphers: "DEFAULT@SECLEVEL=0",
  });
  return grpc.credentials.createFromSecureContext(context);
}

/** The client certificates only a check makes: each wrong in one way (the last two signed by the client CA). */
async function badClientCertificates(client: ClientPki) {
  const ca = await loadCa(client.clientCaCertPem, client.clientCaKeyPem);
  const foreignCa = await createCa({ commonName: "foreign test CA", validityDays: 2 });
  const day = 24 * 3600 * 1000;
  const [foreign, expired, serverOnly] = await Promise.all([
    issueClientCertificate(foreignCa, { commonName: "edge", validityDays: 1 }),
    issueClientCertificate(ca, {
      commonName: "edge",
      validityDays: 1,
      window: { notBefore: new Date(Date.now() - 3 * day), notAfter: new Date(Date.now() - day) },
    }),
    issueServerCertificate(ca, { dnsNames: ["edge"], validityDays: 1 }),
  ]);
  return { foreign, expired, serverOnly };
}

/** The attempts for the target's mode, the positive control last. */
export async function attemptPlan(target: GatewayTarget, otherCaPem?: string): Promise<AttemptStep[]> {
  const mode = authModes[target.mode ?? DEFAULT_AUTH_MODE];
  const other = otherCaPem ?? (await createCa({ commonName: "untrusted test CA", validityDays: 1 })).certPem;
  const ca = Buffer.from(target.caPem);
  const rightAuth = basicAuthHeader(target.username, target.password);
  const wrongAuth = basicAuthHeader(target.username, `${target.password}-wrong`);
  const terminated = target.serverName ?? hostOf(target.address);
  const plaintext = grpc.credentials.createInsecure();
  const common = (serverName: string, auth: string | undefined, who: string): AttemptStep[] => [
    {
      check: "plaintext to the TLS port",
      expect: "rejected",
      by: byGateway,
      credentials: plaintext,
      serverName,
      auth,
    },
    {
      check: "client trusting another CA",
      expect: "rejected",
      by: byGateway,
      credentials: grpc.credentials.createSsl(Buffer.from(other)),
      serverName,
      auth,
    },
    {
      check: "TLS 1.1 client",
      expect: "rejected",
      by: byTls(who, TLS_REFUSALS.oldProtocol),
      credentials: oldProtocolCredentials(target.caPem),
      serverName,
      auth,
    },
  ];
  if (!mode.clientCertificate) {
    const trusted = grpc.credentials.createSsl(ca);
    return [
      {
        check: "no credentials",
        expect: "rejected",
        by: byAuth,
        credentials: trusted,
        serverName: terminated,
      },
      {
        check: "wrong password",
        expect: "rejected",
        by: byAuth,
        credentials: trusted,
        serverName: terminated,
        auth: wrongAuth,
      },
      ...common(terminated, rightAuth, "the gateway"),
      // Last, so that when its span reaches Jaeger everything sent before it has had time to arrive too.
      {
        check: "right CA + right credentials",
        expect: "accepted",
        credentials: trusted,
        serverName: terminated,
        auth: rightAuth,
      },
    ];
  }
  if (target.client === undefined)
    throw new Error(`the ${target.mode} mode's checks need the edge's client certificate and the CA key`);
  return mtlsPlan(target.client, ca, mode.password ? rightAuth : undefined, wrongAuth, common);
}

async function mtlsPlan(
  client: ClientPki,
  ca: Buffer,
  auth: string | undefined,
  wrongAuth: string,
  common: (serverName: string, auth: string | undefined, who: string) => AttemptStep[],
): Promise<AttemptStep[]> {
  const bad = await badClientCertificates(client);
  const sni = gateway.mtlsServerName;
  const who = "the remote collector";
  const withCert = (cert: { certPem: string; keyPem: string }) =>
    grpc.credentials.createSsl(ca, Buffer.from(cert.keyPem), Buffer.from(cert.certPem));
  const valid = withCert(client);
  const tlsRow = (check: string, pattern: RegExp, credentials: grpc.ChannelCredentials): AttemptStep => ({
    check,
    expect: "rejected",
    by: byTls(who, pattern),
    credentials,
    serverName: sni,
    auth,
  });
  const steps: AttemptStep[] = [
    tlsRow("no client certificate", TLS_REFUSALS.noCertificate, grpc.credentials.createSsl(ca)),
    tlsRow("client certificate from a foreign CA", TLS_REFUSALS.unknownCa, withCert(bad.foreign)),
    tlsRow("expired client certificate", TLS_REFUSALS.expired, withCert(bad.expired)),
    tlsRow("server-auth-only certificate as a client", TLS_REFUSALS.wrongUsage, withCert(bad.serverOnly)),
    ...common(sni, auth, who),
  ];
  if (auth !== undefined)
    steps.push(
      {
        check: "valid certificate, no password",
        expect: "rejected",
        by: byAuth,
        credentials: valid,
        serverName: sni,
      },
      {
        check: "valid certificate, wrong password",
        expect: "rejected",
        by: byAuth,
        credentials: valid,
        serverName: sni,
        auth: wrongAuth,
      },
    );
  steps.push({
    check: auth === undefined ? "valid client certificate" : "valid client certificate + right credentials",
    expect: "accepted",
    credentials: valid,
    serverName: sni,
    auth,
  });
  return steps;
}

/** The call probeRoute makes: one the collector (and only it) refuses in this mode. */
export function routeProbe(target: {
  address: string;
  serverName?: string;
  caPem: string;
  mode?: AuthMode;
}): {
  credentials: grpc.ChannelCredentials;
  serverName: string;
  by: Refusal;
} {
  const credentials = grpc.credentials.createSsl(Buffer.from(target.caPem));
  return authModes[target.mode ?? DEFAULT_AUTH_MODE].clientCertificate
    ? {
        credentials,
        serverName: gateway.mtlsServerName,
        by: byTls("the remote collector", TLS_REFUSALS.noCertificate),
      }
    : { credentials, serverName: target.serverName ?? hostOf(target.address), by: byAuth };
}
