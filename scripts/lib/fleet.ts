// The fleet: how many edge clusters `make up EDGES=n` runs, what each is called, and where each edge's own
// credential and client certificate live. The first edge is "edge", as it always was, and keeps the state
// folder's top-level files, so a folder from before fleets is the one-edge fleet as it stands; edge-2 and
// on have a folder each under edges/. Nothing here talks to a cluster.
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { clusterOf, clusters, collectorTargets, type Cluster } from "./topology.ts";
import { ensurePrivateDir, readPrivateFile, stateFiles, writePrivateFile, STATE_DIR } from "./state.ts";

export const DEFAULT_EDGES = 1;
/**
 * The most edges `make up` creates: each edge is a kind node of about 0.9 GiB beside the remote's 1.2 GiB
 * (the real-cluster suite's step 6k prints both), so 5 fit well in a machine of 16 GiB.
 */
export const MAX_EDGES = 5;

const FIRST_EDGE = clusters.edge.name;

/** The edges' names, in order: edge, edge-2, edge-3, … */
export function edgeNames(count: number): readonly string[] {
  return Object.freeze(
    Array.from({ length: count }, (_, index) => (index === 0 ? FIRST_EDGE : `${FIRST_EDGE}-${index + 1}`)),
  );
}

/** An edge cluster by its name: the edge role's manifests and kind config, under its own kind name. */
export function edgeCluster(name: string): Cluster {
  return Object.freeze({ ...clusters.edge, key: "edge", name, context: `kind-${name}` });
}

/** The edge clusters of a fleet of `count`, first edge first. */
export const edgeClusters = (count: number): readonly Cluster[] =>
  Object.freeze(edgeNames(count).map(edgeCluster));

/**
 * True for a kind cluster name the fleet can have (edge … edge-5): `make down` and a smaller EDGES delete
 * those, and never a cluster of the user's own named otherwise (edge-10, edges).
 */
export const isEdgeName = (name: string): boolean => edgeNames(MAX_EDGES).includes(name);

/** EDGES as the user wrote it, or as the state folder remembers it: a whole number 1…MAX_EDGES. */
export function parseEdgeCount(text: string, source = "EDGES"): number {
  const trimmed = text.trim();
  const count = /^[0-9]+$/.test(trimmed) ? Number(trimmed) : Number.NaN;
  if (!Number.isInteger(count) || count < 1 || count > MAX_EDGES)
    throw new Error(
      `${source} is ${JSON.stringify(text)}; expected a whole number of edge clusters from 1 to ${MAX_EDGES}`,
    );
  return count;
}

/** EDGES when given, else what the state folder remembers, else one edge. */
export function chooseEdgeCount(requested: string | undefined, stateDir = STATE_DIR): number {
  if (requested !== undefined && requested.trim() !== "") return parseEdgeCount(requested);
  const stored = readPrivateFile(stateDir, stateFiles.edgeCount);
  return stored === undefined ? DEFAULT_EDGES : parseEdgeCount(stored, join(stateDir, stateFiles.edgeCount));
}

export function rememberEdgeCount(count: number, stateDir = STATE_DIR): void {
  writePrivateFile(stateDir, stateFiles.edgeCount, `${count}\n`);
}

/** The edge clusters the state folder's fleet has (one edge when it remembers none). */
export const deployedEdges = (stateDir = STATE_DIR): readonly Cluster[] =>
  edgeClusters(chooseEdgeCount(undefined, stateDir));

/**
 * Where one edge's credential and client certificate live (the files stateFiles names: username,
 * password, htpasswd, edge-client.crt/.key). The CAs and the servers' certificates stay in the root.
 */
export function edgeStateDir(root: string, edge: string): string {
  return edge === FIRST_EDGE ? root : join(root, stateFiles.edgesDir, edge);
}

/** Creates an edge's folder (0700) and returns it. */
export const ensureEdgeStateDir = (root: string, edge: string): string =>
  ensurePrivateDir(edgeStateDir(root, edge));

/** The edges that have a folder under edges/ now (a fleet that was larger leaves theirs until removed). */
export function edgeFolders(root: string): string[] {
  const dir = join(root, stateFiles.edgesDir);
  return existsSync(dir) ? readdirSync(dir).filter(isEdgeName).sort() : [];
}

/** True when `make revoke` refused the edge: its folder holds the marker. */
export const isRevoked = (root: string, edge: string): boolean =>
  existsSync(join(edgeStateDir(root, edge), stateFiles.revoked));

/** The edges the remote accepts: the fleet's, less the revoked. */
export const acceptedEdges = (root: string, edges: readonly string[]): string[] =>
  edges.filter((edge) => !isRevoked(root, edge));

/**
 * The htpasswd the remote collector mounts: every accepted edge's lines (two for an edge mid-rotation),
 * first edge first. Each edge's own file holds only its lines, so one edge's rotation never touches
 * another's, and a revoked edge's lines are simply left out.
 */
export function fleetHtpasswd(root: string, edges: readonly string[]): string {
  return acceptedEdges(root, edges)
    .map((edge) => {
      const lines = readPrivateFile(edgeStateDir(root, edge), stateFiles.htpasswd);
      if (lines === undefined)
        throw new Error(`${edgeStateDir(root, edge)} lacks ${stateFiles.htpasswd}; run \`make up\` first`);
      return lines.endsWith("\n") ? lines : `${lines}\n`;
    })
    .join("");
}

/** Every cluster of the deployed fleet, edges first (in order), then the remote. */
export const fleetClusters = (stateDir = STATE_DIR): readonly Cluster[] =>
  Object.freeze([...deployedEdges(stateDir), clusterOf("remote")]);

/** The collectors of the deployed fleet as kubectl addresses them (namespace observability), edges first. */
export const fleetCollectors = (
  stateDir = STATE_DIR,
): readonly { readonly cluster: Cluster; readonly target: string }[] =>
  fleetClusters(stateDir).map((cluster) => ({
    cluster,
    target: collectorTargets.find((t) => t.cluster === cluster.key)!.target,
  }));
