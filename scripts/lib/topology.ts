// Names and numbers both clusters, bootstrap, the local topology and the tests agree on — defined once.
// Kustomize cannot import this file, so the manifests spell the same names literally; the contract tests
// check that every name and key the manifests reference matches what is defined here.
import { fileURLToPath } from "node:url";

export const REPO_ROOT = fileURLToPath(new URL("../..", import.meta.url));

/** Generated CA, certificates and credentials live here (git-ignored, files 0600, never printed). */
export const STATE_DIR = process.env.OTEL_E2R_STATE_DIR ?? `${REPO_ROOT}.state`;

export const clusters = Object.freeze({
  edge: Object.freeze({ name: "edge", context: "kind-edge", config: "clusters/edge.yaml" }),
  remote: Object.freeze({ name: "remote", context: "kind-remote", config: "clusters/remote.yaml" }),
});

/**
 * The Docker network both clusters' nodes join (kind's KIND_EXPERIMENTAL_DOCKER_NETWORK): the project's
 * own, created IPv4-only by bootstrap, so a user's `kind` network is never touched.
 */
export const dockerNetwork = "otel-e2r";

export const namespaces = Object.freeze({
  /** Collectors (both clusters), Jaeger, Traefik and the Gateway (remote). */
  observability: "observability",
  /** The two apps (edge). */
  demo: "demo",
});

/** The remote gateway as the edge cluster (and the laptop) reach it. */
export const gateway = Object.freeze({
  /** kind names the remote node container `<cluster>-control-plane`; Docker's DNS resolves it from edge pods. */
  crossClusterHost: `${clusters.remote.name}-control-plane`,
  /** Traefik's Service NodePort on the remote node, mapped to the same port on the laptop. */
  nodePort: 30443,
  hostPort: 30443,
  /** Traefik's HTTPS entry point in its pod, which the Gateway's listener names as its port. */
  listenerPort: 8443,
  /** SANs of the gateway's server certificate: the cross-cluster name, and the laptop / local topology. */
  dnsNames: Object.freeze([`${clusters.remote.name}-control-plane`, "localhost"]),
  ipAddresses: Object.freeze(["127.0.0.1"]),
});

/** Workload (and Service) names the scripts address with kubectl; the manifests use the same names. */
export const workloads = Object.freeze({
  /** DaemonSet and its node-local Service, edge cluster, namespace observability. */
  edgeCollector: "otel-collector",
  /** Deployment and Service behind the Gateway, remote cluster, namespace observability. */
  gatewayCollector: "otel-gateway",
  /** Deployment and Service, remote cluster, namespace observability. */
  jaeger: "jaeger",
  /** Gateway API Gateway, remote cluster, namespace observability. */
  gateway: "otlp-gateway",
  /** Traefik's Deployment and Service (the Gateway API implementation), remote cluster. */
  traefik: "traefik",
  /** Deployments (and the sample service's Service), edge cluster, namespace demo. */
  sampleService: "sample-service",
  traceGenerator: "trace-generator",
});

/** Secrets bootstrap creates; the manifests mount them by these names and keys. */
export const secrets = Object.freeze({
  edge: Object.freeze({
    exporterAuth: Object.freeze({
      namespace: namespaces.observability,
      name: "remote-gateway-credentials",
      keys: Object.freeze({ username: "username", password: "password" }),
    }),
    gatewayCa: Object.freeze({
      namespace: namespaces.observability,
      name: "remote-gateway-ca",
      keys: Object.freeze({ ca: "ca.crt" }),
    }),
  }),
  remote: Object.freeze({
    gatewayTls: Object.freeze({
      namespace: namespaces.observability,
      name: "gateway-tls",
      type: "kubernetes.io/tls",
      keys: Object.freeze({ cert: "tls.crt", key: "tls.key" }),
    }),
    htpasswd: Object.freeze({
      namespace: namespaces.observability,
      name: "collector-htpasswd",
      keys: Object.freeze({ htpasswd: "htpasswd" }),
    }),
  }),
});

/** Files in STATE_DIR (all 0600). */
export const stateFiles = Object.freeze({
  caCert: "ca.crt",
  caKey: "ca.key",
  serverCert: "gateway.crt",
  serverKey: "gateway.key",
  username: "username",
  password: "password",
  htpasswd: "htpasswd",
});

export const ports = Object.freeze({
  otlpGrpc: 4317,
  otlpHttp: 4318,
  healthCheck: 13133,
  collectorMetrics: 8888,
  jaegerQuery: 16686,
  jaegerQueryGrpc: 16685,
  sampleService: 8080,
});
