// What `make bench-pipeline` compares: the security layers one at a time (plaintext, TLS, TLS + basic auth,
// mTLS, mTLS + basic auth), the edge's queue on disk or in memory, the batches from 2 MiB (the default) or
// from 256 KiB (the former default), each hop's compression, and the anchor: the same load straight into
// Jaeger's OTLP receiver (a collector too), no hop at all.
// Every variant is the product's collector configs plus overlay files: the auth modes' own
// (scripts/lib/auth-modes.ts) and, for what no deployment runs, the bench's in scripts/bench/overlays/.
import { join } from "node:path";
import { type AuthMode } from "../lib/auth-modes.ts";
import { REPO_ROOT } from "../lib/topology.ts";
import { modeOverlayPaths } from "../local/processes.ts";

const OVERLAYS = join(REPO_ROOT, "scripts/bench/overlays");
const bench = (file: string) => join(OVERLAYS, file);
/** Merged over Jaeger's config in every configuration. */
export const JAEGER_OVERLAYS = Object.freeze([bench("jaeger-untraced.yaml")]);

export interface BenchConfiguration {
  readonly id: string;
  readonly title: string;
  /** Where the load and the latency probes are sent. */
  readonly target: "edge" | "jaeger";
  /** The auth mode whose overlays it starts from (also what the gateway routes: TLS ends there or not). */
  readonly auth: AuthMode;
  /** Overlay files per collector, in merge order (absolute paths). */
  readonly overlays: Readonly<Record<"edge" | "remote", readonly string[]>>;
  /** The gateway routes h2c without TLS (the plaintext baseline). */
  readonly gatewayPlaintext: boolean;
}

const configuration = (
  id: string,
  title: string,
  auth: AuthMode,
  extra: { edge?: string[]; remote?: string[]; withoutModeOverlays?: boolean; plaintext?: boolean } = {},
): BenchConfiguration =>
  Object.freeze({
    id,
    title,
    target: "edge",
    auth,
    overlays: Object.freeze({
      edge: Object.freeze([
        ...(extra.withoutModeOverlays ? [] : modeOverlayPaths("edge", auth)),
        ...(extra.edge ?? []).map(bench),
      ]),
      remote: Object.freeze([
        ...(extra.withoutModeOverlays ? [] : modeOverlayPaths("remote", auth)),
        ...(extra.remote ?? []).map(bench),
      ]),
    }),
    gatewayPlaintext: extra.plaintext ?? false,
  });

/** Today's default (AUTH=basic): the tuned and queue variants change it one thing at a time. */
export const DEFAULT_CONFIGURATION = "tls-basic";

export const CONFIGURATIONS: readonly BenchConfiguration[] = Object.freeze([
  Object.freeze({
    ...configuration("anchor", "anchor: straight into Jaeger, no hop", "basic"),
    target: "jaeger",
  }),
  // The hop with no security layer at all.
  configuration("plaintext", "plaintext all the way", "basic", {
    withoutModeOverlays: true,
    edge: ["edge-plaintext.yaml"],
    remote: ["remote-without-auth.yaml"],
    plaintext: true,
  }),
  configuration("tls", "TLS to the gateway, no credentials", "basic", {
    withoutModeOverlays: true,
    remote: ["remote-without-auth.yaml"],
  }),
  configuration(DEFAULT_CONFIGURATION, "TLS + basic auth (the default, AUTH=basic)", "basic"),
  configuration("mtls", "mutual TLS (AUTH=mtls)", "mtls"),
  configuration("mtls-basic", "mutual TLS + basic auth (AUTH=both)", "both"),
  configuration("tls-basic-memory-queue", "TLS + basic auth, edge queue in memory", "basic", {
    edge: ["edge-memory-queue.yaml"],
  }),
  configuration(
    "tls-basic-small-batches",
    "TLS + basic auth, batches from 256 KiB (the former default)",
    "basic",
    {
      edge: ["edge-small-batches.yaml"],
      remote: ["remote-small-batches.yaml"],
    },
  ),
  // The edge → remote hop's compression (the edge's is zstd; gzip is the otlp exporter's default), and the
  // in-cluster hop's.
  ...(["none", "gzip", "snappy"] as const).map((codec) =>
    configuration(`tls-basic-${codec}`, `TLS + basic auth, the hop compressed with ${codec}`, "basic", {
      edge: [`edge-compression-${codec}.yaml`],
    }),
  ),
  configuration("tls-basic-jaeger-uncompressed", "TLS + basic auth, remote → Jaeger uncompressed", "basic", {
    remote: ["remote-jaeger-uncompressed.yaml"],
  }),
  ...(["zstd", "snappy"] as const).map((codec) =>
    configuration(
      `tls-basic-jaeger-${codec}`,
      `TLS + basic auth, remote → Jaeger compressed with ${codec}`,
      "basic",
      {
        remote: [`remote-jaeger-${codec}.yaml`],
      },
    ),
  ),
]);

/** The configurations named in `--configs a,b` (all when empty), or the unknown names. */
export function selectConfigurations(
  names: readonly string[],
): { ok: true; selected: BenchConfiguration[] } | { ok: false; unknown: string[] } {
  if (names.length === 0) return { ok: true, selected: [...CONFIGURATIONS] };
  const unknown = names.filter((name) => !CONFIGURATIONS.some((c) => c.id === name));
  if (unknown.length > 0) return { ok: false, unknown };
  return { ok: true, selected: CONFIGURATIONS.filter((c) => names.includes(c.id)) };
}
