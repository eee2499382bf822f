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
  /** Where TLS from the edge ends: at the gateway (Terminate), or at the remote collector (Passthrough). */
  readonly tlsEndsAt: "gateway" | "remote collector";
  /** The edge presents its client certificate. */
  readonly clientCertificate: boolean;
  /** The edge sends its basic-auth credentials. */
  readonly password: boolean;
  /** Overlay files merged over manifests/edge/collector/config.yaml, in order. */
  readonly edgeOverlays: readonly string[];
  /** Overlay files merged over manifests/remote/collector/config.yaml, in order. */
  readonly remoteOverlays: readonly string[];
}

export const authModes: Readonly<Record<AuthMode, AuthModeSpec>> = Object.freeze({
  basic: Object.freeze({
    summary: "basic auth over TLS; TLS ends at the gateway",
    tlsEndsAt: "gateway",
    clientCertificate: false,
    password: true,
    edgeOverlays: Object.freeze(["basic-auth.yaml"]),
    remoteOverlays: Object.freeze([]),
  }),
  mtls: Object.freeze({
    summary: "mutual TLS; the gateway passes TLS through to the remote collector",
    tlsEndsAt: "remote collector",
    clientCertificate: true,
    password: false,
    edgeOverlays: Object.freeze(["mtls.yaml"]),
    remoteOverlays: Object.freeze(["mtls.yaml"]),
  }),
  both: Object.freeze({
    summary: "mutual TLS and basic auth; the gateway passes TLS through",
    tlsEndsAt: "remote collector",
    clientCertificate: true,
    password: true,
    edgeOverlays: Object.freeze(["basic-auth.yaml", "mtls.yaml"]),
    remoteOverlays: Object.freeze(["mtls.yaml", "mtls-basic-auth.yaml"]),
  }),
});

/** Every overlay file a collector's folder must hold (the ConfigMaps carry all of them). */
export const overlayFiles = (collector: "edge" | "remote"): string[] => [
  ...new Set(
    AUTH_MODES.flatMap((mode) =>
      collector === "edge" ? authModes[mode].edgeOverlays : authModes[mode].remoteOverlays,
    ),
  ),
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
