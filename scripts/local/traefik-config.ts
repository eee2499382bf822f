// The local topology's gateway: the same Traefik binary as the remote cluster's, with the file provider
// in place of the Gateway API provider (there is no Kubernetes API here). Its routing is produced from the
// very GRPCRoute, TLSRoute and Gateway in manifests/remote/gateway/gateway.yaml — the route's gRPC service
// matches become the same rules Traefik's Gateway API provider builds from them (PathRegexp on
// /<service>/<method>), the HTTPS listener's TLS terminates with the session's certificate, and the
// TLSRoute's hostnames become a passthrough TCP router on HostSNI — so the two cannot drift. What differs:
// the addresses (loopback ports of the local port plan) and where the certificate comes from (a file
// instead of the gateway-tls Secret).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse, parseAllDocuments, stringify } from "yaml";
import { REPO_ROOT } from "../lib/topology.ts";

export const GATEWAY_MANIFEST = join(REPO_ROOT, "manifests/remote/gateway/gateway.yaml");

/** Flags the cluster's Traefik Deployment passes too (a contract test checks it does): no dashboard or API,
 *  no update check or usage report from a lab that may be offline, one access-log line per call, plain logs,
 *  and the limits before authentication (the middleware itself comes from LIMITS_FILE). */
export const TRAEFIK_COMMON_ARGS = Object.freeze([
  "--api=false",
  "--global.checknewversion=false",
  "--global.sendanonymoususage=false",
  "--accesslog=true",
  "--ping.entrypoint=ping",
  // Traefik colours its log even when it is not a terminal; logs here are read as plain text.
  "--log.nocolor=true",
  // The limits before authentication (manifests/remote/gateway/traefik.yaml says why).
  "--entrypoints.websecure.http.middlewares=pre-auth-limits@file",
  "--entrypoints.websecure.http2.maxConcurrentStreams=32",
  "--entrypoints.websecure.http.maxHeaderBytes=16384",
]);

/** The cluster's file-provider configuration (a ConfigMap there): the middlewares of the limits. */
export const LIMITS_FILE = join(REPO_ROOT, "manifests/remote/gateway/limits.yaml");
const limitsMiddlewares = (): Record<string, unknown> =>
  (parse(readFileSync(LIMITS_FILE, "utf8")) as { http: { middlewares: Record<string, unknown> } }).http
    .middlewares;

interface GrpcMethodMatch {
  type?: "Exact" | "RegularExpression";
  service?: string;
  method?: string;
}

interface Listener {
  name: string;
  protocol: string;
  hostname?: string;
  tls?: { mode?: string };
}

interface GatewayObject {
  kind: string;
  metadata: { name: string };
  spec: {
    listeners?: Listener[];
    hostnames?: string[];
    rules?: { matches?: { method?: GrpcMethodMatch }[]; backendRefs?: { name: string; port: number }[] }[];
  };
}

/** Go's regexp.QuoteMeta, as Traefik applies it to an Exact match. */
const quoteMeta = (text: string) => text.replace(/[\\.+*?()|[\]{}^$]/g, "\\$&");

/** The rule Traefik's Gateway API provider builds for one GRPCRoute method match (grpcroute.go). */
export function grpcMethodRule(method: GrpcMethodMatch | undefined): string {
  if (method === undefined) return 'PathPrefix("/")';
  const exact = (method.type ?? "Exact") === "Exact";
  const part = (value: string | undefined) => (value ? (exact ? quoteMeta(value) : value) : "[^/]+");
  return `PathRegexp(${JSON.stringify(`/${part(method.service)}/${part(method.method)}`)})`;
}

/** The Go backquoted string Traefik's rules take (HostSNI(`name`)). */
const backquoted = (text: string) => `\`${text}\``;

/**
 * The routing read from the manifests: the GRPCRoute's rules and the HTTPS listener it attaches to, and the
 * TLSRoute's SNI names on the passthrough listener (AUTH=mtls|both).
 */
export function routingFromManifests(text = readFileSync(GATEWAY_MANIFEST, "utf8")): {
  rules: string[];
  listener: { name: string; protocol: string; tlsMode?: string };
  passthrough: { name: string; sniRule: string; tlsMode?: string; protocol: string };
} {
  const objects = parseAllDocuments(text).map((d) => d.toJS() as GatewayObject);
  const route = objects.find((o) => o.kind === "GRPCRoute");
  const tlsRoute = objects.find((o) => o.kind === "TLSRoute");
  const listeners = objects.find((o) => o.kind === "Gateway")?.spec.listeners ?? [];
  const listener = listeners.find((l) => l.protocol !== "TLS");
  const passthrough = listeners.find((l) => l.protocol === "TLS");
  if (!route || !listener || !tlsRoute || !passthrough)
    throw new Error(
      `${GATEWAY_MANIFEST} needs a GRPCRoute on an HTTPS listener and a TLSRoute on a TLS listener`,
    );
  const rules = (route.spec.rules ?? []).flatMap((rule) =>
    (rule.matches ?? [{}]).map((match) => grpcMethodRule(match.method)),
  );
  const names = tlsRoute.spec.hostnames ?? (passthrough.hostname ? [passthrough.hostname] : []);
  return {
    rules,
    listener: { name: listener.name, protocol: listener.protocol, tlsMode: listener.tls?.mode },
    passthrough: {
      name: passthrough.name,
      protocol: passthrough.protocol,
      tlsMode: passthrough.tls?.mode,
      sniRule: names.map((name) => `HostSNI(${backquoted(name)})`).join(" || "),
    },
  };
}

export interface LocalTraefikOptions {
  listenPort: number;
  pingPort: number;
  upstreamPort: number;
  /** The remote collector's mTLS receiver, behind the passthrough route. */
  mtlsUpstreamPort: number;
  certFile: string;
  keyFile: string;
  /** Where the dynamic configuration (renderDynamicConfig) is written. */
  dynamicFile: string;
  /**
   * The route without TLS: h2c in, h2c out. Only the pipeline benchmark's plaintext baseline asks for it;
   * the clusters have no such listener.
   */
  plaintext?: boolean;
}

export function traefikArgs(options: LocalTraefikOptions): string[] {
  return [
    `--entrypoints.websecure.address=127.0.0.1:${options.listenPort}`,
    `--entrypoints.ping.address=127.0.0.1:${options.pingPort}`,
    `--providers.file.filename=${options.dynamicFile}`,
    "--log.level=INFO",
    ...TRAEFIK_COMMON_ARGS,
  ];
}

/** The file provider's configuration: the route, its h2c backend and the listener's certificate. */
export function renderDynamicConfig(options: LocalTraefikOptions, manifest?: string): string {
  const { rules, listener, passthrough } = routingFromManifests(manifest);
  if (listener.protocol !== "HTTPS" || listener.tlsMode !== "Terminate")
    throw new Error(
      `the Gateway listener ${listener.name} is ${listener.protocol}/${listener.tlsMode ?? "no TLS"}; the local topology renders HTTPS with TLS terminated`,
    );
  if (passthrough.tlsMode !== "Passthrough")
    throw new Error(
      `the Gateway listener ${passthrough.name} is TLS/${passthrough.tlsMode ?? "no mode"}; the local topology renders TLS passthrough`,
    );
  const config = {
    // Traefik tries the TCP routers' SNI matches first, and hands everything else to the HTTP routers.
    tcp: {
      routers: {
        [passthrough.name]: {
          entryPoints: ["websecure"],
          rule: passthrough.sniRule,
          service: "remote-collector-mtls",
          tls: { passthrough: true },
        },
      },
      services: {
        "remote-collector-mtls": {
          loadBalancer: { servers: [{ address: `127.0.0.1:${options.mtlsUpstreamPort}` }] },
        },
      },
    },
    http: {
      routers: {
        [listener.name]: {
          entryPoints: ["websecure"],
          rule: rules.join(" || "),
          service: "remote-collector",
          ...(options.plaintext === true ? {} : { tls: {} }),
        },
      },
      services: {
        "remote-collector": {
          loadBalancer: { servers: [{ url: `h2c://127.0.0.1:${options.upstreamPort}` }] },
        },
      },
      middlewares: limitsMiddlewares(),
    },
    // The certificate inline, not by path: Traefik re-reads the files only when this configuration changes,
    // so a rotated certificate must change it (renderDynamicConfig runs again after a rotation).
    tls: {
      certificates: [
        { certFile: readFileSync(options.certFile, "utf8"), keyFile: readFileSync(options.keyFile, "utf8") },
      ],
    },
  };
  return `# Generated by scripts/local/traefik-config.ts for this run only, from ${GATEWAY_MANIFEST}.\n${stringify(config)}`;
}
