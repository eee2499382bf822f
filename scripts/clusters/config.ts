// What the bootstrap builds and where it keeps its files. Cluster names, namespaces, Secrets and ports
// come from scripts/lib/topology.ts and versions from versions.env; only bootstrap's own choices live here.
import { join } from "node:path";
import { REPO_ROOT } from "../lib/topology.ts";

/** Exported kind logs and the run log of every command go here (git-ignored). */
export const LOGS_DIR = process.env.OTEL_E2R_LOGS_DIR ?? join(REPO_ROOT, ".logs");
/**
 * A file the real-cluster suite creates once its timed second `make up` is over: `make test` runs nothing
 * else beside that measurement (scripts/commands/test.ts).
 */
export const TIMED_UP_SIGNAL = "OTEL_E2R_TIMED_UP_OVER";

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
  /** A rotation phase: the kubelet re-projecting a Secret, a collector re-reading a file. */
  rotationPhaseMs: 180_000,
});

/** Memory Docker must offer both clusters (two kind nodes, Traefik, collectors, Jaeger, the apps). */
export const MIN_DOCKER_MEMORY_BYTES = 4 * 1024 ** 3;
/** What each edge after the first adds (its kind node, collector and apps), with room to spare. */
export const MEMORY_PER_MORE_EDGE_BYTES = 1.5 * 1024 ** 3;

/** Memory Docker must offer a fleet of `edges` edge clusters and the remote. */
export const memoryNeeded = (edges: number): number =>
  MIN_DOCKER_MEMORY_BYTES + Math.max(0, edges - 1) * MEMORY_PER_MORE_EDGE_BYTES;

/** The label bootstrap puts on what it creates outside the manifests (namespaces, Secrets). */
export const MANAGED_BY = Object.freeze({ "app.kubernetes.io/managed-by": "otel-e2r-bootstrap" });

/** The Secrets' and their namespaces' own field manager (the manifests' is scripts/kube/apply.ts's). */
export const SECRETS_FIELD_MANAGER = "otel-e2r-bootstrap-secrets";
