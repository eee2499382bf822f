// How the edge proves who it is to the remote side — `make up AUTH=basic|mtls|both`, `make local AUTH=…` —
// defined once. A mode is a set of collector config overlays (files next to each collector's config.yaml,
// merged over it by further --config flags), used alike by the clusters' rendering (scripts/kube/render.ts)
// and the local topology (scripts/local/processes.ts); the README's mode table is checked against this.
import { Failure, exitCodes } from "./exit-codes.ts";

export const AUTH_MODES = Object.freeze(["basic", "mtls", "both"] as const);
export type AuthMode = (typeof AUTH_MODES)[number];
/** The product's card: basic auth over TLS, unless the user asks for more. */
export const DEFAULT_AUTH_MODE: AuthMode = "basic";

export interface AuthModeSpec {
  /** One line for `make status`, the README and the lab. */
  readonly summary: string;
  /** The edge presents its client certificate (the remote collector checks it, so TLS passes through). */
  readonly clientCertificate: boolean;
  /** The edge sends its basic-auth credentials. */
  readonly password: boolean;
}

export const authModes: Readonly<Record<AuthMode, AuthModeSpec>> = Object.freeze({
  basic: Object.freeze({
    summary: "basic auth over TLS; TLS ends at the gateway",
    clientCertificate: false,
    password: true,
  }),
  mtls: Object.freeze({
    summary: "mutual TLS; the gateway passes TLS through to the remote collector",
    clientCertificate: true,
    password: false,
  }),
  both: Object.freeze({
    summary: "mutual TLS and basic auth; the gateway passes TLS through",
    clientCertificate: true,
    password: true,
  }),
});

/**
 * Where TLS from the edge ends. A client certificate can only be checked by the party that ends TLS, and
 * the gateway does not check it: so with one, TLS passes through to the remote collector.
 */
export const tlsEndsAt = (mode: AuthMode): "gateway" | "remote collector" =>
  authModes[mode].clientCertificate ? "remote collector" : "gateway";

export type Collector = "edge" | "remote";

/**
 * The one table of which config overlay each mode merges over which collector's config.yaml, in order.
 * In basic mode the remote collector needs none: the gateway ends TLS and the collector's default config
 * checks the password.
 */
const OVERLAYS: ReadonlyArray<{
  readonly collector: Collector;
  readonly file: string;
  readonly when: (spec: AuthModeSpec) => boolean;
}> = Object.freeze([
  { collector: "edge", file: "basic-auth.yaml", when: (spec) => spec.password },
  { collector: "edge", file: "mtls.yaml", when: (spec) => spec.clientCertificate },
  { collector: "remote", file: "mtls.yaml", when: (spec) => spec.clientCertificate },
  {
    collector: "remote",
    file: "mtls-basic-auth.yaml",
    when: (spec) => spec.clientCertificate && spec.password,
  },
]);

/** The overlay files (names beside the collector's config.yaml) that `mode` merges over it, in order. */
export const modeOverlays = (collector: Collector, mode: AuthMode = DEFAULT_AUTH_MODE): string[] =>
  OVERLAYS.filter((row) => row.collector === collector && row.when(authModes[mode])).map((row) => row.file);

/** Every overlay file a collector's folder must hold (the ConfigMaps carry all of them). */
export const overlayFiles = (collector: Collector): string[] => [
  ...new Set(OVERLAYS.filter((row) => row.collector === collector).map((row) => row.file)),
];

/** The mode named by `value` (AUTH=…), or a usage error naming the bad value and the choices. */
export function parseAuthMode(value: string | undefined, source = "AUTH"): AuthMode {
  const text = (value ?? "").trim();
  if (text === "") return DEFAULT_AUTH_MODE;
  if ((AUTH_MODES as readonly string[]).includes(text)) return text as AuthMode;
  throw new Failure(
    `${source} is ${JSON.stringify(value)}; expected one of ${AUTH_MODES.join(", ")} (default ${DEFAULT_AUTH_MODE})`,
    exitCodes.usage,
  );
}
