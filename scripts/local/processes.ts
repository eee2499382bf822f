// The local topology's processes, in start order (each depends only on those before it):
//   jaeger → remote (remote collector) → gateway (Traefik) → edge (DaemonSet collector) → sample-service →
//   generator-live (real HTTP calls into sample-service) and generator-shop (synthetic multi-service).
// The collectors and Jaeger run the very config files in manifests/; only ${env:…} values differ from the
// clusters, plus the one documented variation: k8s_attributes in passthrough mode (no Kubernetes API here).
import { dirname, join } from "node:path";
import { DEFAULT_AUTH_MODE, modeOverlays, type AuthMode, type Collector } from "../lib/auth-modes.ts";
import { REPO_ROOT, gateway } from "../lib/topology.ts";
import type { Binaries } from "./binaries.ts";
import type { PortPlan } from "./ports.ts";
import type { Session } from "./session.ts";
import type { ProcessSpec } from "./supervisor.ts";

export const CONFIGS = Object.freeze({
  edge: join(REPO_ROOT, "manifests/edge/collector/config.yaml"),
  remote: join(REPO_ROOT, "manifests/remote/collector/config.yaml"),
  jaeger: join(REPO_ROOT, "manifests/remote/jaeger/config.yaml"),
  prometheus: join(REPO_ROOT, "manifests/remote/prometheus/config.yaml"),
});

const LOOPBACK = "127.0.0.1";
const at = (port: number) => `${LOOPBACK}:${port}`;

export interface ProcessOptions {
  /** MEMORY_LIMIT_MIB for both collectors (the overload test makes it small). */
  memoryLimitMib?: number;
  logLevel?: string;
  /** How the edge proves itself (default basic): the same config overlays as in the clusters. */
  auth?: AuthMode;
  /** How often the collectors and Jaeger push their own metrics, and cert-expiry reports (default 15 s). */
  metricsIntervalMs?: number;
  /** The edge's queue bound in bytes (QUEUE_BYTES) and the remote's toward Jaeger in exports (JAEGER_QUEUE_SIZE). */
  queueBytes?: number;
  jaegerQueueSize?: number;
  /** Another Prometheus config than manifests/remote/prometheus (the alert tests' time-scaled rules). */
  prometheusConfig?: string;
  /**
   * The collectors' overlay files (absolute paths) in place of the auth mode's: the pipeline benchmark's
   * variants (scripts/bench/), built from modeOverlayPaths() plus its own files.
   */
  overlays?: Readonly<Record<"edge" | "remote", readonly string[]>>;
  /** Overlay files merged over Jaeger's config (absolute paths): the benchmark's. */
  jaegerOverlays?: readonly string[];
}

/** A collector's overlay files in an auth mode, as absolute paths (merged over its config.yaml, in order). */
export function modeOverlayPaths(collector: Collector, mode: AuthMode = DEFAULT_AUTH_MODE): string[] {
  return modeOverlays(collector, mode).map((file) => join(dirname(CONFIGS[collector]), file));
}

/** Where the collectors and Jaeger push their own metrics: Prometheus's OTLP receiver. */
const prometheusOtlp = (plan: PortPlan): string => `http://${at(plan.prometheus)}/api/v1/otlp`;

function metricsEnv(plan: PortPlan, options: ProcessOptions): Record<string, string> {
  return {
    PROMETHEUS_OTLP_ENDPOINT: prometheusOtlp(plan),
    SELF_METRICS_INTERVAL_MS: String(options.metricsIntervalMs ?? 15_000),
  };
}

function collectorLimits(options: ProcessOptions): Record<string, string> {
  if (options.memoryLimitMib === undefined) return {};
  const limit = options.memoryLimitMib;
  return {
    MEMORY_LIMIT_MIB: String(limit),
    MEMORY_SPIKE_LIMIT_MIB: String(Math.max(1, Math.floor(limit / 4))),
    // As in the pods: the Go runtime's soft limit a little below the limiter's.
    GOMEMLIMIT: `${Math.floor(limit * 0.8)}MiB`,
  };
}

export function prometheusSpec(
  bin: Binaries,
  plan: PortPlan,
  session: Session,
  options: ProcessOptions = {},
): ProcessSpec {
  return {
    name: "prometheus",
    command: bin.prometheus,
    args: [
      `--config.file=${options.prometheusConfig ?? CONFIGS.prometheus}`,
      `--web.listen-address=${at(plan.prometheus)}`,
      "--web.enable-otlp-receiver",
      `--storage.tsdb.path=${session.metricsDir}`,
      `--log.level=${options.logLevel === "debug" ? "debug" : "warn"}`,
    ],
    ready: { kind: "http", url: `http://${at(plan.prometheus)}/-/ready` },
  };
}

export function jaegerSpec(bin: Binaries, plan: PortPlan, options: ProcessOptions = {}): ProcessSpec {
  return {
    name: "jaeger",
    command: bin.jaeger,
    args: [CONFIGS.jaeger, ...(options.jaegerOverlays ?? [])].flatMap((file) => ["--config", file]),
    env: {
      OTLP_GRPC_ENDPOINT: at(plan.jaegerOtlpGrpc),
      JAEGER_QUERY_HTTP_ENDPOINT: at(plan.jaegerQuery),
      JAEGER_QUERY_GRPC_ENDPOINT: at(plan.jaegerQueryGrpc),
      HEALTH_CHECK_ENDPOINT: at(plan.jaegerHealth),
      LOG_LEVEL: options.logLevel ?? "info",
      ...metricsEnv(plan, options),
      // Jaeger traces its own queries to localhost:4317 — in its pod, its own OTLP receiver. The same here.
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `http://${at(plan.jaegerOtlpGrpc)}`,
      // On SIGTERM Jaeger stops its OTLP receiver before its own tracer's last flush, which then retries
      // against the closed port until the 10 s export timeout (and the supervisor's SIGKILL): bound it.
      OTEL_EXPORTER_OTLP_TRACES_TIMEOUT: "1000",
    },
    // The query API answering is what the checks need (the health extension reports before storage is up).
    ready: { kind: "http", url: `http://${at(plan.jaegerQuery)}/api/services` },
  };
}

/**
 * A collector process: its config file, and what both collectors get alike (the health and metrics
 * listeners on loopback, log level and limits) next to its own settings.
 */
function collectorSpec(
  name: "remote" | "edge",
  bin: Binaries,
  plan: PortPlan,
  ports: { health: number; metrics: number },
  options: ProcessOptions,
  env: Record<string, string>,
): ProcessSpec {
  const overlays = options.overlays?.[name] ?? modeOverlayPaths(name, options.auth);
  return {
    name,
    command: bin.otelcol,
    args: [CONFIGS[name], ...overlays].flatMap((file) => ["--config", file]),
    env: {
      ...env,
      HEALTH_CHECK_ENDPOINT: at(ports.health),
      METRICS_HOST: LOOPBACK,
      METRICS_PORT: String(ports.metrics),
      LOG_LEVEL: options.logLevel ?? "info",
      ...metricsEnv(plan, options),
      ...collectorLimits(options),
    },
    ready: { kind: "http", url: `http://${at(ports.health)}/` },
  };
}

type CollectorSpecFor = (
  bin: Binaries,
  plan: PortPlan,
  session: Session,
  options?: ProcessOptions,
) => ProcessSpec;

export const remoteSpec: CollectorSpecFor = (bin, plan, session, options = {}) =>
  collectorSpec("remote", bin, plan, { health: plan.remoteHealth, metrics: plan.remoteMetrics }, options, {
    OTLP_GRPC_ENDPOINT: at(plan.remoteOtlpGrpc),
    OTLP_MTLS_ENDPOINT: at(plan.remoteOtlpMtls),
    HTPASSWD_FILE: session.files.htpasswd,
    // As in the cluster, the collector serves its own certificate (the mTLS server name), not the gateway's.
    TLS_CERT_FILE: session.files.collectorCert,
    TLS_KEY_FILE: session.files.collectorKey,
    CLIENT_CA_FILE: session.files.clientCaBundle,
    JAEGER_OTLP_ENDPOINT: at(plan.jaegerOtlpGrpc),
    ...(options.jaegerQueueSize === undefined ? {} : { JAEGER_QUEUE_SIZE: String(options.jaegerQueueSize) }),
  });

export function gatewaySpec(bin: Binaries, plan: PortPlan, args: readonly string[]): ProcessSpec {
  return {
    name: "gateway",
    command: bin.traefik,
    args: [...args],
    // Ping answers once the entry points are up; the route itself is proven by the checks that use it.
    ready: { kind: "http", url: `http://${at(plan.gatewayPing)}/ping` },
  };
}

export const edgeSpec: CollectorSpecFor = (bin, plan, session, options = {}) =>
  collectorSpec("edge", bin, plan, { health: plan.edgeHealth, metrics: plan.edgeMetrics }, options, {
    OTLP_GRPC_ENDPOINT: at(plan.edgeOtlpGrpc),
    OTLP_HTTP_ENDPOINT: at(plan.edgeOtlpHttp),
    // The one variation from the cluster: no Kubernetes API here, so k8s_attributes only passes through.
    K8S_ATTRIBUTES_PASSTHROUGH: "true",
    K8S_NODE_NAME: "local",
    // The gateway certificate's SANs include localhost, as they include the remote node's name in kind.
    REMOTE_GATEWAY_ENDPOINT: `localhost:${plan.gateway}`,
    REMOTE_CA_FILE: session.files.caBundle,
    EXPORTER_USERNAME_FILE: session.files.username,
    EXPORTER_PASSWORD_FILE: session.files.password,
    EXPORTER_CERT_FILE: session.files.clientCert,
    EXPORTER_KEY_FILE: session.files.clientKey,
    REMOTE_MTLS_SERVER_NAME: gateway.mtlsServerName,
    QUEUE_DIRECTORY: session.queueDir,
    // Its own metrics and cert-expiry's come in through otlp/self, on loopback as in the pod.
    SELF_OTLP_GRPC_ENDPOINT: at(plan.edgeSelfGrpc),
    SELF_OTLP_HTTP_ENDPOINT: at(plan.edgeSelfHttp),
    ...(options.queueBytes === undefined ? {} : { QUEUE_BYTES: String(options.queueBytes) }),
  });

/**
 * The two certificate-expiry reporters, as in the clusters: the edge's reads what the edge holds (its
 * client certificate, the CA it trusts) and reports through the edge collector, over the hop; the
 * remote's reads what the remote holds (the gateway's certificate, the collector's own, the client CA) and reports to
 * Prometheus next to it.
 */
export function certExpirySpecs(
  bin: Binaries,
  plan: PortPlan,
  session: Session,
  options: ProcessOptions = {},
): ProcessSpec[] {
  const reporter = (side: "edge" | "remote", url: string, certs: string[]): ProcessSpec => ({
    name: `cert-expiry-${side}`,
    command: bin.node,
    args: [
      join(REPO_ROOT, "apps/cert-expiry/src/main.ts"),
      "--otlp-url",
      url,
      "--interval",
      String(Math.max(1, Math.round((options.metricsIntervalMs ?? 15_000) / 1000))),
      ...certs.flatMap((cert) => ["--cert", cert]),
    ],
    env: { OTEL_RESOURCE_ATTRIBUTES: `k8s.cluster.name=${side}` },
    ready: { kind: "none" },
  });
  return [
    reporter("remote", `${prometheusOtlp(plan)}/v1/metrics`, [
      `server=${session.files.serverCert}`,
      `server=${session.files.collectorCert}`,
      `ca=${session.files.clientCaBundle}`,
    ]),
    reporter("edge", `http://${at(plan.edgeSelfHttp)}/v1/metrics`, [
      `client=${session.files.clientCert}`,
      `ca=${session.files.caBundle}`,
    ]),
  ];
}

export function sampleServiceSpec(bin: Binaries, plan: PortPlan): ProcessSpec {
  return {
    name: "sample-service",
    command: bin.node,
    args: [
      "--import",
      join(REPO_ROOT, "apps/sample-service/src/instrumentation.ts"),
      join(REPO_ROOT, "apps/sample-service/src/main.ts"),
    ],
    env: {
      // The service's own default is 0.0.0.0, as a container needs; on this machine, loopback only.
      HOST: LOOPBACK,
      PORT: String(plan.sampleService),
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://${at(plan.edgeOtlpGrpc)}`,
      OTEL_RESOURCE_ATTRIBUTES: "deployment.environment.name=local",
    },
    ready: { kind: "http", url: `http://${at(plan.sampleService)}/readyz` },
  };
}

export interface GeneratorOptions {
  name: string;
  scenario: string;
  rate: number;
  runId?: string;
  extraArgs?: readonly string[];
}

export function generatorSpec(bin: Binaries, plan: PortPlan, generator: GeneratorOptions): ProcessSpec {
  return {
    name: generator.name,
    command: bin.node,
    args: [
      join(REPO_ROOT, "apps/trace-generator/src/main.ts"),
      "--scenario",
      generator.scenario,
      "--rate",
      String(generator.rate),
      "--target-url",
      `http://${at(plan.sampleService)}`,
      "--otlp-endpoint",
      `http://${at(plan.edgeOtlpGrpc)}`,
      "--stats-interval",
      "10s",
      ...(generator.runId ? ["--run-id", generator.runId] : []),
      ...(generator.extraArgs ?? []),
    ],
    ready: { kind: "none" },
  };
}
