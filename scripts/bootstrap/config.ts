// What the bootstrap builds and where it keeps its files. Cluster names, namespaces, Secrets and ports
// come from scripts/lib/topology.ts and versions from versions.env; only bootstrap's own choices live here.
import { join } from "node:path";
import type { clusters } from "../lib/topology.ts";
import { REPO_ROOT } from "../lib/topology.ts";

/** Exported kind logs and the run log of every command go here (git-ignored). */
export const LOGS_DIR = process.env.OTEL_E2R_LOGS_DIR ?? join(REPO_ROOT, ".logs");

export interface AppImage {
  /** The app's folder under apps/ and the name used in messages. */
  readonly app: string;
  /** The image name the manifests reference, without a tag; bootstrap adds a content-addressed tag. */
  readonly repository: string;
  readonly dockerfile: string;
  /** The cluster the image is loaded into. */
  readonly cluster: keyof typeof clusters;
}

export const appImages: readonly AppImage[] = Object.freeze(
  ["sample-service", "trace-generator"].map((app) =>
    Object.freeze({
      app,
      repository: `otel-e2r/${app}`,
      dockerfile: `apps/${app}/Dockerfile`,
      cluster: "edge" as const,
    }),
  ),
);

export const manifestDirs = Object.freeze({ edge: "manifests/edge", remote: "manifests/remote" });

/** Generous bounds for a laptop pulling images for the first time; `kubectl wait` returns as soon as ready. */
export const timeouts = Object.freeze({
  nodesReady: "180s",
  crdsEstablished: "60s",
  controllerAvailable: "300s",
  rollout: "300s",
  gatewayProgrammed: "300s",
  /** Traefik loads routes a moment after it is Ready; a real call through the listener must succeed by then. */
  gatewayRoutesMs: 120_000,
  portForwardMs: 30_000,
});

/** Memory Docker must offer both clusters (two kind nodes, Traefik, collectors, Jaeger, the apps). */
export const MIN_DOCKER_MEMORY_BYTES = 4 * 1024 ** 3;

/** The label bootstrap puts on what it creates outside the manifests (namespaces, Secrets). */
export const MANAGED_BY = Object.freeze({ "app.kubernetes.io/managed-by": "otel-e2r-bootstrap" });

/** Server-side apply field managers: one for the manifests, one for the Secrets and their namespaces. */
export const FIELD_MANAGER = "otel-e2r-bootstrap";
export const SECRETS_FIELD_MANAGER = "otel-e2r-bootstrap-secrets";
