// What a rotation phase waits for, asked of the running gateway with fresh connections (an established
// connection keeps the certificate it was opened with): which certificate each listener serves, and
// whether the remote collector accepts a given client certificate or credentials. Nothing here delivers a
// span: the accept checks export an empty request.
import { connect } from "node:tls";
import * as grpc from "@grpc/grpc-js";
import { authModes, type AuthMode } from "../lib/auth-modes.ts";
import { basicAuthHeader, credentials, type Credentials } from "../lib/credentials.ts";
import { exportOnce } from "../lib/otlp-client.ts";
import type { RotationProbes } from "./types.ts";
import { readPrivateFile, stateFiles } from "../lib/state.ts";
import { gateway } from "../lib/topology.ts";

const EMPTY_EXPORT = { resourceSpans: [] };

function split(address: string): { host: string; port: number } {
  const match = /^(.+):(\d+)$/.exec(address);
  if (!match) throw new Error(`gateway address ${JSON.stringify(address)} is not host:port`);
  return { host: match[1]!, port: Number(match[2]) };
}

/** The serial number a fresh TLS handshake with `servername` is served (verified against `caPem`). */
export function servedSerial(
  address: string,
  servername: string,
  caPem: string,
  timeoutMs = 5000,
): Promise<string> {
  const { host, port } = split(address);
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port, servername, ca: caPem, ALPNProtocols: ["h2"], timeout: timeoutMs });
    socket.once("secureConnect", () => {
      resolve(socket.getPeerCertificate().serialNumber);
      socket.destroy();
    });
    socket.once("timeout", () =>
      socket.destroy(new Error(`no TLS handshake with ${address} within ${timeoutMs} ms`)),
    );
    socket.once("error", reject);
  });
}

/** Probes of the gateway at `address` for the mode, reading the folder's current files on every call. */
export function rotationProbes(options: { address: string; mode: AuthMode; dir: string }): RotationProbes {
  const mode = authModes[options.mode];
  const read = (name: string) => readPrivateFile(options.dir, name)!;
  const trust = () => read(stateFiles.caBundle);
  const terminated = split(options.address).host;
  const current = (): Credentials =>
    credentials(read(stateFiles.username).trim(), read(stateFiles.password).trim());
  const accepted = async (credentialsOf: grpc.ChannelCredentials, serverName: string, auth?: Credentials) =>
    (
      await exportOnce({
        address: options.address,
        credentials: credentialsOf,
        serverName,
        authorization: auth ? basicAuthHeader(auth.username, auth.password) : undefined,
        request: EMPTY_EXPORT,
        timeoutMs: 5000,
      })
    ).code === grpc.status.OK;
  const withCert = (pair: { certPem: string; keyPem: string }) =>
    grpc.credentials.createSsl(Buffer.from(trust()), Buffer.from(pair.keyPem), Buffer.from(pair.certPem));
  return {
    async servedSerials() {
      const served = { gateway: await servedSerial(options.address, terminated, trust()) };
      if (!mode.clientCertificate) return served;
      return { ...served, collector: await servedSerial(options.address, gateway.mtlsServerName, trust()) };
    },
    async clientAccepted(pair) {
      if (!mode.clientCertificate) return undefined;
      return accepted(withCert(pair), gateway.mtlsServerName, mode.password ? current() : undefined);
    },
    async credentialsAccepted(creds) {
      if (!mode.password) return undefined;
      if (!mode.clientCertificate)
        return accepted(grpc.credentials.createSsl(Buffer.from(trust())), terminated, creds);
      const pair = { certPem: read(stateFiles.clientCert), keyPem: read(stateFiles.clientKey) };
      return accepted(withCert(pair), gateway.mtlsServerName, creds);
    },
  };
}
