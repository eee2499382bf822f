// Part of `make up`: the Secrets both clusters mount (names and keys from topology.ts). They are sent
// to kubectl on stdin, never in argv, and applied server-side: client-side apply would copy the whole
// Secret, data included, into the kubectl.kubernetes.io/last-applied-configuration annotation.
import { credentials, type Credentials } from "../lib/credentials.ts";
import { readPrivateFile, stateFiles } from "../lib/state.ts";
import { deployedEdges, edgeStateDir, fleetHtpasswd } from "../lib/fleet.ts";
import { clusterOf, namespaces, secrets, type Cluster, type ClusterKey } from "../lib/topology.ts";
import { applyObjects } from "../kube/apply.ts";
import type { K8sObject } from "../kube/objects.ts";
import { MANAGED_BY, SECRETS_FIELD_MANAGER } from "./config.ts";

/** What one edge cluster of a fleet mounts of its own: its credential and client certificate. */
export interface EdgeMaterial {
  readonly cluster: Cluster;
  readonly credentials: Credentials;
  readonly clientCertPem: string;
  readonly clientKeyPem: string;
}

export interface SecretMaterial {
  /** The first edge's credential (and below, its client certificate). */
  readonly credentials: Credentials;
  /** Every edge's htpasswd lines: what the remote collector accepts. */
  readonly htpasswd: string;
  /** What the edge trusts for the gateway: the CA (bundle). */
  readonly caCertPem: string;
  readonly serverCertPem: string;
  readonly serverKeyPem: string;
  /** The remote collector's own server certificate and key (its mTLS receiver). */
  readonly collectorCertPem: string;
  readonly collectorKeyPem: string;
  readonly clientCertPem: string;
  readonly clientKeyPem: string;
  /** The client CA (bundle) the remote collector trusts for client certificates. */
  readonly clientCaPem: string;
  /** The fleet's other edges (edge-2, …), each with its own credential and certificate. */
  readonly moreEdges: readonly EdgeMaterial[];
}

const b64 = (text: string) => Buffer.from(text, "utf8").toString("base64");

// Only the name: the manifests own the namespace's labels (pod security and so on). Applied under its own
// field manager, this never takes those labels away, and the manifests' apply never touches the Secrets.
function namespace(name: string): K8sObject {
  return { apiVersion: "v1", kind: "Namespace", metadata: { name } };
}

function secret(
  spec: { namespace: string; name: string; type?: string },
  data: Record<string, string>,
): K8sObject {
  return {
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name: spec.name, namespace: spec.namespace, labels: { ...MANAGED_BY } },
    type: spec.type ?? "Opaque",
    data: Object.fromEntries(Object.entries(data).map(([key, value]) => [key, b64(value)])),
  };
}

/** The Secrets' material from the state folder's certificates and credentials. */
export function secretMaterial(
  certs: {
    caBundlePem: string;
    certPem: string;
    keyPem: string;
    collectorCertPem: string;
    collectorKeyPem: string;
    clientCertPem: string;
    clientKeyPem: string;
    clientCaBundlePem: string;
  },
  creds: { credentials: Credentials; htpasswd: string },
  moreEdges: readonly EdgeMaterial[] = [],
): SecretMaterial {
  return Object.freeze({
    credentials: creds.credentials,
    htpasswd: creds.htpasswd,
    caCertPem: certs.caBundlePem,
    serverCertPem: certs.certPem,
    serverKeyPem: certs.keyPem,
    collectorCertPem: certs.collectorCertPem,
    collectorKeyPem: certs.collectorKeyPem,
    clientCertPem: certs.clientCertPem,
    clientKeyPem: certs.clientKeyPem,
    clientCaPem: certs.clientCaBundlePem,
    moreEdges: Object.freeze([...moreEdges]),
  });
}

/**
 * The Secrets' material exactly as the state folder holds it now, issuing nothing: what `make rotate`
 * publishes between its phases (ensureCertificates would "repair" a half-rotated folder).
 */
export function materialFromFolder(dir: string): SecretMaterial {
  const readIn = (folder: string, name: string) => {
    const text = readPrivateFile(folder, name);
    if (text === undefined) throw new Error(`${folder} lacks ${name}; run \`make up\` first`);
    return text;
  };
  const read = (name: string) => readIn(dir, name);
  const edges = deployedEdges(dir);
  const moreEdges = edges.slice(1).map((cluster) => {
    const folder = edgeStateDir(dir, cluster.name);
    return Object.freeze({
      cluster,
      credentials: credentials(
        readIn(folder, stateFiles.username).trim(),
        readIn(folder, stateFiles.password).trim(),
      ),
      clientCertPem: readIn(folder, stateFiles.clientCert),
      clientKeyPem: readIn(folder, stateFiles.clientKey),
    });
  });
  return secretMaterial(
    {
      caBundlePem: read(stateFiles.caBundle),
      certPem: read(stateFiles.serverCert),
      keyPem: read(stateFiles.serverKey),
      collectorCertPem: read(stateFiles.collectorCert),
      collectorKeyPem: read(stateFiles.collectorKey),
      clientCertPem: read(stateFiles.clientCert),
      clientKeyPem: read(stateFiles.clientKey),
      clientCaBundlePem: read(stateFiles.clientCaBundle),
    },
    {
      credentials: credentials(read(stateFiles.username).trim(), read(stateFiles.password).trim()),
      htpasswd: fleetHtpasswd(
        dir,
        edges.map((edge) => edge.name),
      ),
    },
    moreEdges,
  );
}

/** The Secrets one edge cluster mounts: its credential, its client certificate, the CA it trusts. */
export function edgeSecretObjects(edge: Omit<EdgeMaterial, "cluster">, caCertPem: string): K8sObject[] {
  const { exporterAuth, gatewayCa, clientTls } = secrets.edge;
  return [
    namespace(namespaces.observability),
    secret(exporterAuth, {
      [exporterAuth.keys.username]: edge.credentials.username,
      [exporterAuth.keys.password]: edge.credentials.password,
    }),
    secret(gatewayCa, { [gatewayCa.keys.ca]: caCertPem }),
    secret(clientTls, {
      [clientTls.keys.cert]: edge.clientCertPem,
      [clientTls.keys.key]: edge.clientKeyPem,
    }),
  ];
}

/** The objects bootstrap applies to each cluster: the namespaces the Secrets live in, then the Secrets. */
export function secretObjects(material: SecretMaterial): Record<ClusterKey, K8sObject[]> {
  const { gatewayTls, collectorTls, htpasswd, clientCa } = secrets.remote;
  return {
    edge: edgeSecretObjects(material, material.caCertPem),
    remote: [
      namespace(namespaces.observability),
      namespace(namespaces.gateway),
      secret(gatewayTls, {
        [gatewayTls.keys.cert]: material.serverCertPem,
        [gatewayTls.keys.key]: material.serverKeyPem,
      }),
      secret(collectorTls, {
        [collectorTls.keys.cert]: material.collectorCertPem,
        [collectorTls.keys.key]: material.collectorKeyPem,
      }),
      secret(htpasswd, { [htpasswd.keys.htpasswd]: material.htpasswd }),
      secret(clientCa, { [clientCa.keys.ca]: material.clientCaPem }),
    ],
  };
}

/** Applies each cluster's Secrets: the first edge's and the remote's, then every other edge's own. */
export async function applySecrets(
  material: SecretMaterial,
  note: (line: string) => void,
  only?: ClusterKey,
): Promise<string> {
  const objects = secretObjects(material);
  const targets: [Cluster, K8sObject[]][] = [
    [clusterOf("edge"), objects.edge],
    [clusterOf("remote"), objects.remote],
    ...material.moreEdges.map((edge): [Cluster, K8sObject[]] => [
      edge.cluster,
      edgeSecretObjects(edge, material.caCertPem),
    ]),
  ];
  for (const [cluster, list] of targets) {
    if (only !== undefined && cluster.key !== only) continue;
    await applyObjects(cluster, list, SECRETS_FIELD_MANAGER);
    const names = list
      .filter((o) => o.kind === "Secret")
      .map((o) => `${o.metadata.namespace}/${o.metadata.name}`);
    note(`${cluster.name}: ${names.join(", ")}`);
  }
  return `Secrets applied to ${targets.length === 2 ? "both" : targets.length} clusters`;
}
