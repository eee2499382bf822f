// Names and numbers both clusters, bootstrap, the local topology and the tests agree on — defined once.
// Kustomize cannot import this file, so the manifests spell the same names literally; the contract tests
// check that every name and key the manifests reference matches what is defined here.
import { fileURLToPath } from "node:url";

export const REPO_ROOT = fileURLToPath(new URL("../..", import.meta.url));

export const clusters = Object.freeze({
  edge: Object.freeze({
    name: "edge",
    context: "kind-edge",
    config: "clusters/edge.yaml",
    manifests: "manifests/edge",
  }),
  remote: Object.freeze({
    name: "remote",
    context: "kind-remote",
    config: "clusters/remote.yaml",
    manifests: "manifests/remote",
  }),
});

export type ClusterKey = keyof typeof clusters;
export const clusterKeys = Object.freeze(Object.keys(clusters) as ClusterKey[]);

/**
 * One kind cluster as kind and kubectl address it. Its role (key) says which manifests and kind config it
 * runs; its name is its own: the fleet's first edge is "edge", the others "edge-2", "edge-3", …
 * (scripts/lib/fleet.ts).
 */
export interface Cluster {
  readonly key: ClusterKey;
  readonly name: string;
  readonly context: string;
  readonly config: string;
  readonly manifests: string;
}

/** A role's first cluster (by its key), or one cluster of the fleet. */
export type ClusterTarget = ClusterKey | Cluster;

export function clusterOf(target: ClusterTarget): Cluster {
  return typeof target === "string" ? Object.freeze({ key: target, ...clusters[target] }) : target;
}

export interface AppImage {
  /** The app's folder under apps/ and the name used in messages. */
  readonly app: string;
  /** The image name the manifests reference, without a tag; bootstrap adds a content-addressed tag. */
  readonly repository: string;
  readonly dockerfile: string;
  /** The clusters the image is loaded into. */
  readonly clusters: readonly ClusterKey[];
}

/** The images the project builds (the manifests say `<repository>:set-by-bootstrap`). */
export const appImages: readonly AppImage[] = Object.freeze(
  (
    [
      ["sample-service", ["edge"]],
      ["trace-generator", ["edge"]],
      // Next to each side's collector: the certificates each side holds.
      ["cert-expiry", ["edge", "remote"]],
    ] as const
  ).map(([app, clusters]) =>
    Object.freeze({
      app,
      repository: `otel-e2r/${app}`,
      dockerfile: `apps/${app}/Dockerfile`,
      clusters: Object.freeze([...clusters]),
    }),
  ),
);

/**
 * The Docker network both clusters' nodes join (kind's KIND_EXPERIMENTAL_DOCKER_NETWORK): the project's
 * own, created IPv4-only by bootstrap, so a user's `kind` network is never touched.
 */
export const dockerNetwork = "otel-e2r";

export const namespaces = Object.freeze({
  /** Collectors (both clusters), Jaeger and Prometheus (remote). */
  observability: "observability",
  /**
   * Traefik, the Gateway and its routes (remote), apart from the collectors: Traefik's provider reads every
   * Secret of each namespace it watches, so it watches only this one, and the remote collector's key
   * (observability) is out of its reach.
   */
  gateway: "gateway",
  /** The two apps (edge). */
  demo: "demo",
});

const MTLS_SERVER_NAME = "remote-collector.otel-e2r.internal";

/** The remote gateway as the edge cluster (and the laptop) reach it. */
export const gateway = Object.freeze({
  /** kind names the remote node container `<cluster>-control-plane`; Docker's DNS resolves it from edge pods. */
  crossClusterHost: `${clusters.remote.name}-control-plane`,
  /** Traefik's Service NodePort on the remote node, mapped to the same port on the laptop. */
  nodePort: 30443,
  hostPort: 30443,
  /** Traefik's HTTPS entry point in its pod, which the Gateway's listener names as its port. */
  listenerPort: 8443,
  /** Traefik's ping entry point in its pod, for the probes only (no Service port leads to it). */
  pingPort: 8082,
  /**
   * AUTH=mtls|both: the name an edge asks for (its SNI) so that the gateway passes the connection through
   * to the remote collector, which serves its own certificate (collectorServer). It never needs to resolve: the edge dials
   * crossClusterHost and only presents this name (the exporter's server_name_override).
   */
  mtlsServerName: MTLS_SERVER_NAME,
  /** SANs of the gateway's server certificate: the cross-cluster name, and the laptop / local topology. */
  dnsNames: Object.freeze([`${clusters.remote.name}-control-plane`, "localhost"]),
  ipAddresses: Object.freeze(["127.0.0.1"]),
});

/**
 * The remote collector's own server certificate (AUTH=mtls|both): the mTLS name alone, with a key that only
 * the collector's pod mounts, so the gateway that passes the connection through cannot end it.
 */
export const collectorServer = Object.freeze({
  dnsNames: Object.freeze([MTLS_SERVER_NAME]),
  ipAddresses: Object.freeze([] as string[]),
  /**
   * The remote collector Service's fixed address (clusters/remote.yaml serviceSubnet, in the band Kubernetes
   * keeps for addresses chosen by hand). The gateway namespace's Service for the collector has no selector;
   * its EndpointSlice names this address, so Traefik reaches the collector without reading anything in
   * observability.
   */
  clusterIp: "10.121.0.40",
});

/** The subject of the edge's client certificate: it names the edge cluster (CN) and the project (O). */
export const edgeClientSubject = Object.freeze({
  commonName: clusters.edge.name,
  organization: "otel-edge-to-remote edge clusters",
});

/** Workload (and Service) names the scripts address with kubectl; the manifests use the same names. */
export const workloads = Object.freeze({
  /** DaemonSet and its node-local Service, edge cluster, namespace observability. */
  edgeCollector: "otel-collector",
  /**
   * Deployment and Service behind the Gateway, remote cluster, namespace observability. Not "gateway":
   * that word means only the Gateway API entry point (until 2026-12 this was `otel-gateway`, one letter from
   * the Gateway `otlp-gateway`; scripts/clusters/retired.ts removes those objects from older clusters).
   */
  remoteCollector: "remote-collector",
  /** Deployment and Service, remote cluster, namespace observability. */
  jaeger: "jaeger",
  /** Deployment and Service, remote cluster, namespace observability: the pipeline's metrics and alerts. */
  prometheus: "prometheus",
  /** Gateway API Gateway, remote cluster, namespace gateway. */
  gateway: "otlp-gateway",
  /** Traefik's Deployment and Service (the Gateway API implementation), remote cluster, namespace gateway. */
  traefik: "traefik",
  /** Deployments (and the sample service's Service), edge cluster, namespace demo. */
  sampleService: "sample-service",
  traceGenerator: "trace-generator",
});

/** The two collectors as kubectl addresses them (namespace observability), edge first. */
export const collectorTargets: readonly { readonly cluster: ClusterKey; readonly target: string }[] =
  Object.freeze([
    Object.freeze({ cluster: "edge", target: `daemonset/${workloads.edgeCollector}` }),
    Object.freeze({ cluster: "remote", target: `deployment/${workloads.remoteCollector}` }),
  ]);

/** A Secret in a namespace, by its name and the keys the manifests mount. */
const namespacedSecret =
  (namespace: string) =>
  <const Keys extends Record<string, string>>(name: string, keys: Keys) =>
    Object.freeze({ namespace, name, keys: Object.freeze(keys) });
const observabilitySecret = namespacedSecret(namespaces.observability);

/** Secrets bootstrap creates; the manifests mount them by these names and keys. */
export const secrets = Object.freeze({
  edge: Object.freeze({
    exporterAuth: observabilitySecret("remote-gateway-credentials", {
      username: "username",
      password: "password",
    }),
    gatewayCa: observabilitySecret("remote-gateway-ca", { ca: "ca.crt" }),
    /** The edge's client certificate (CN=edge, clientAuth only), presented in AUTH=mtls|both. */
    clientTls: Object.freeze({
      ...observabilitySecret("edge-client-tls", { cert: "tls.crt", key: "tls.key" }),
      type: "kubernetes.io/tls",
    }),
  }),
  remote: Object.freeze({
    /** Traefik's listener certificate, in the gateway namespace (the only Secret Traefik can read). */
    gatewayTls: Object.freeze({
      ...namespacedSecret(namespaces.gateway)("gateway-tls", { cert: "tls.crt", key: "tls.key" }),
      type: "kubernetes.io/tls",
    }),
    /** The remote collector's own server certificate for its mTLS receiver (AUTH=mtls|both). */
    collectorTls: Object.freeze({
      ...observabilitySecret("remote-collector-tls", { cert: "tls.crt", key: "tls.key" }),
      type: "kubernetes.io/tls",
    }),
    htpasswd: observabilitySecret("collector-htpasswd", { htpasswd: "htpasswd" }),
    /** The CAs whose client certificates the remote collector accepts (AUTH=mtls|both). */
    clientCa: observabilitySecret("edge-client-ca", { ca: "ca.crt" }),
  }),
});

export const ports = Object.freeze({
  otlpGrpc: 4317,
  otlpHttp: 4318,
  /** The edge collector's loopback-only receiver for its own metrics and cert-expiry's (otlp/self). */
  selfOtlpGrpc: 4327,
  selfOtlpHttp: 4328,
  /** The remote collector's mTLS receiver (AUTH=mtls|both), behind the gateway's passthrough listener. */
  otlpMtls: 4319,
  healthCheck: 13133,
  collectorMetrics: 8888,
  jaegerQuery: 16686,
  jaegerQueryGrpc: 16685,
  /** Prometheus: its HTTP API, and the OTLP receiver under /api/v1/otlp. */
  prometheus: 9090,
  sampleService: 8080,
});

/** Where the collectors' pods mount their ConfigMap: config.yaml and the auth modes' overlays. */
export const collectorConfigDir = "/etc/otelcol-e2r/config";
