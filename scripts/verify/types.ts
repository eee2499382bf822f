// The shapes every verify module shares: a row of the table, and the gateway the checks aim at. They live
// apart from the checks so that the attempts table (gateway-attempts.ts) and the runner of its attempts
// (gateway-checks.ts) can both use them without importing each other.
import type { AuthMode } from "../lib/auth-modes.ts";

/** One row of make verify's pass/fail table. */
export interface CheckRow {
  readonly check: string;
  readonly ok: boolean;
  readonly detail: string;
}

/** The edge's client certificate and the client CA that issued it (its key signs the bad ones). */
export interface ClientPki {
  readonly certPem: string;
  readonly keyPem: string;
  readonly clientCaCertPem: string;
  readonly clientCaKeyPem: string;
}

export interface GatewayTarget {
  /** host:port of the gateway, e.g. "localhost:30443". */
  address: string;
  /** TLS server name (SNI and certificate check) of the TLS-terminating listener; defaults to the host. */
  serverName?: string;
  /** The CA that signed the gateway's certificate. */
  caPem: string;
  username: string;
  password: string;
  /** The deployed auth mode (default basic): which attempts make sense, and what the control sends. */
  mode?: AuthMode;
  /** AUTH=mtls|both: the edge's client certificate, and the CA key to sign the bad ones with. */
  client?: ClientPki;
}
