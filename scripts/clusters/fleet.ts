// `make up EDGES=n` on the clusters: which edge clusters to create and which to take away, each edge's own
// credential and client certificate, and what rolls the remote collector when the set of credentials it
// accepts changed (its basicauth reads htpasswd once, at start).
import { createHash } from "node:crypto";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { ensureEdgeClientCertificate, type ProjectCertificates } from "../lib/certificates.ts";
import {
  edgeClusters,
  edgeFolders,
  edgeStateDir,
  ensureEdgeStateDir,
  fleetHtpasswd,
  isEdgeName,
} from "../lib/fleet.ts";
import { ensureCredentials, stateFiles, type EnsuredCredentials } from "../lib/state.ts";
import { clusterOf, workloads, type Cluster } from "../lib/topology.ts";
import { run } from "../lib/exec.ts";
import { secretMaterial, type EdgeMaterial, type SecretMaterial } from "./secrets.ts";

export interface FleetPlan {
  /** The first edge, the remote, then the other edges (a fleet of one in the order it always had). */
  readonly wanted: readonly Cluster[];
  readonly edges: readonly Cluster[];
  /** Edge clusters that run now but are beyond EDGES: make up deletes them. */
  readonly surplus: readonly string[];
}

/** The clusters EDGES=count asks for, and the running edge clusters it no longer wants. */
export function planFleet(count: number, existing: ReadonlySet<string>): FleetPlan {
  const edges = edgeClusters(count);
  const names = new Set(edges.map((edge) => edge.name));
  return Object.freeze({
    wanted: Object.freeze([edges[0]!, clusterOf("remote"), ...edges.slice(1)]),
    edges,
    surplus: Object.freeze([...existing].filter((name) => isEdgeName(name) && !names.has(name)).sort()),
  });
}

/**
 * Every edge's credential and client certificate after the first (whose are `first` and `certs`), made or
 * reused, and the Secrets' material with the htpasswd of the whole fleet.
 */
export async function fleetMaterial(
  root: string,
  edges: readonly Cluster[],
  certs: ProjectCertificates,
  first: EnsuredCredentials,
  note: (line: string) => void,
): Promise<{ material: SecretMaterial; outcomes: string[] }> {
  const outcomes: string[] = [];
  const moreEdges: EdgeMaterial[] = [];
  for (const cluster of edges.slice(1)) {
    const creds = ensureCredentials({ stateDir: ensureEdgeStateDir(root, cluster.name), edge: cluster.name });
    const client = await ensureEdgeClientCertificate(root, cluster.name, { note });
    moreEdges.push({
      cluster,
      credentials: creds.credentials,
      clientCertPem: client.certPem,
      clientKeyPem: client.keyPem,
    });
    outcomes.push(`${cluster.name}: credentials ${creds.outcome}, certificate ${client.outcome}`);
  }
  const htpasswd = fleetHtpasswd(
    root,
    edges.map((edge) => edge.name),
  );
  return {
    material: secretMaterial(certs, { credentials: first.credentials, htpasswd }, moreEdges),
    outcomes,
  };
}

/** Deletes the edge clusters beyond EDGES, and every state folder of an edge no longer in the fleet. */
export async function removeSurplusEdges(
  root: string,
  plan: FleetPlan,
  note: (line: string) => void,
): Promise<string[]> {
  for (const name of plan.surplus) {
    note(`${name}: deleting its kind cluster (beyond EDGES=${plan.edges.length})`);
    await run("kind", ["delete", "cluster", "--name", name]);
  }
  const kept = new Set(plan.edges.map((edge) => edge.name));
  const folders = edgeFolders(root).filter((name) => !kept.has(name));
  for (const name of folders) rmSync(edgeStateDir(root, name), { recursive: true, force: true });
  // The folder of the further edges goes with the last of them: a fleet of one looks as it always did.
  if (plan.edges.length === 1) rmSync(join(root, stateFiles.edgesDir), { recursive: true, force: true });
  return [...new Set([...plan.surplus, ...folders])];
}

/**
 * The remote collector's pod-template annotation for the fleet's credentials: a hash of the htpasswd it
 * mounts (salted hashes already, so its hash tells nothing). Its basicauth reads the file only at start; a
 * new hash makes the apply roll it (surging, so the edges' retries lose nothing): a new edge is let in, a
 * removed one refused.
 */
export function credentialsAnnotation(material: SecretMaterial): Record<string, Record<string, string>> {
  const hash = createHash("sha256").update(material.htpasswd).digest("hex");
  return { [workloads.remoteCollector]: { "otel-e2r/credentials-sha256": hash } };
}
