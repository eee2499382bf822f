// Checks of the collector configs as they are deployed: the ConfigMap a collector container loads with
// --config, read together with that container's environment (the configs use ${env:…} for everything
// that differs between the clusters and the local topology).
import { posix } from "node:path";
import { parse, stringify } from "yaml";
import type { Container, K8sObject, PodSpec } from "../../kube/objects.ts";
import { describe, workloads } from "../../kube/objects.ts";

export type ComponentKind = "receivers" | "processors" | "exporters" | "extensions" | "connectors";
const KINDS: readonly ComponentKind[] = ["receivers", "processors", "exporters", "extensions", "connectors"];

export interface CollectorConfig {
  readonly [section: string]: unknown;
}

/** A collector config found in the manifests: which container loads it, and that container's env. */
export interface DeployedConfig {
  readonly who: string;
  readonly workload: K8sObject;
  readonly container: Container;
  readonly text: string;
  readonly config: CollectorConfig;
  /** Literal env values; values from the downward API become a placeholder naming their field. */
  readonly env: Readonly<Record<string, string>>;
}

function configPaths(container: Container): string[] {
  const args = container.args ?? [];
  const paths: string[] = [];
  for (const [i, arg] of args.entries()) {
    if (arg.startsWith("--config=")) paths.push(arg.slice("--config=".length));
    else if (arg === "--config" && args[i + 1] !== undefined) paths.push(args[i + 1]!);
  }
  return paths;
}

/** The collector's merge of several --config files: maps merge key by key, anything else is replaced. */
export function mergeConfigs(configs: readonly CollectorConfig[]): CollectorConfig {
  const merge = (a: unknown, b: unknown): unknown => {
    const isMap = (v: unknown): v is Record<string, unknown> =>
      v !== null && typeof v === "object" && !Array.isArray(v);
    if (!isMap(a) || !isMap(b)) return b;
    const result: Record<string, unknown> = { ...a };
    for (const [key, value] of Object.entries(b)) result[key] = key in a ? merge(a[key], value) : value;
    return result;
  };
  return configs.reduce<unknown>((merged, next) => merge(merged, next), {}) as CollectorConfig;
}

/** The ConfigMap key mounted at `path` in the pod, or a problem. */
function mountedFile(
  objects: readonly K8sObject[],
  container: Container,
  pod: PodSpec,
  namespace: string,
  path: string,
): string | undefined {
  const mount = (container.volumeMounts ?? []).find(
    (m) => posix.dirname(path) === posix.normalize(m.mountPath),
  );
  const volume = (pod.volumes ?? []).find((v) => v.name === mount?.name);
  const configMap = objects.find(
    (o) =>
      o.kind === "ConfigMap" &&
      o.metadata.name === volume?.configMap?.name &&
      (o.metadata.namespace ?? "default") === namespace,
  );
  return configMap?.data?.[posix.basename(path)];
}

/**
 * Finds every container started with --config and the ConfigMap keys mounted at those paths; several
 * --config files (an auth mode's overlays) are merged as the collector merges them.
 */
export function deployedConfigs(
  objects: readonly K8sObject[],
  containerImage: (image: string) => boolean,
): {
  configs: DeployedConfig[];
  problems: string[];
} {
  const configs: DeployedConfig[] = [];
  const problems: string[] = [];
  for (const { object, namespace, pod } of workloads(objects)) {
    for (const container of pod.containers) {
      if (!containerImage(container.image ?? "")) continue;
      const who = `${describe(object)} container ${container.name}`;
      const paths = configPaths(container);
      if (paths.length === 0) {
        problems.push(`${who} runs the collector without --config`);
        continue;
      }
      const texts = paths.map((path) => mountedFile(objects, container, pod, namespace, path));
      const missing = paths.filter((_, i) => texts[i] === undefined);
      for (const path of missing)
        problems.push(
          `${who} loads ${path}, but no ConfigMap in the manifests is mounted there with key ${posix.basename(path)}`,
        );
      if (missing.length > 0) continue;
      const env = Object.fromEntries(
        (container.env ?? []).map((e) => [
          e.name,
          e.value ??
            `<${e.valueFrom?.fieldRef?.fieldPath ?? "from " + Object.keys(e.valueFrom ?? {}).join(",")}>`,
        ]),
      );
      const config = mergeConfigs(texts.map((text) => parse(text!) as CollectorConfig));
      const text = texts.length === 1 ? texts[0]! : stringify(config);
      configs.push({ who, workload: object, container, text, config, env });
    }
  }
  return { configs, problems };
}

/** Expands ${env:NAME} and ${env:NAME:-default} as the collector's env provider does; lists unset names. */
export function expandEnv(
  value: string,
  env: Readonly<Record<string, string>>,
): { value: string; unset: string[] } {
  const unset: string[] = [];
  const expanded = value.replace(
    /\$\{env:([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g,
    (_, name: string, fallback?: string) => {
      const found = env[name];
      if (found !== undefined) return found;
      if (fallback !== undefined) return fallback;
      unset.push(name);
      return "";
    },
  );
  return { value: expanded, unset };
}

const section = (config: CollectorConfig, kind: ComponentKind) =>
  (config[kind] ?? {}) as Record<string, unknown>;
const typeOf = (id: string) => id.split("/", 1)[0] as string;

/** Every component a pipeline or the service uses is defined, and every auth/storage reference is enabled. */
export function checkPipelines(config: CollectorConfig): string[] {
  const problems: string[] = [];
  const service = (config.service ?? {}) as {
    extensions?: string[];
    pipelines?: Record<string, Record<string, string[]>>;
  };
  const defined = (kind: ComponentKind, id: string) => Object.hasOwn(section(config, kind), id);
  const connectors = section(config, "connectors");
  for (const id of service.extensions ?? [])
    if (!defined("extensions", id))
      problems.push(`service.extensions lists "${id}", which extensions does not define`);
  const pipelines = service.pipelines ?? {};
  if (Object.keys(pipelines).length === 0) problems.push("service.pipelines defines no pipeline");
  for (const [name, pipeline] of Object.entries(pipelines))
    for (const kind of ["receivers", "processors", "exporters"] as const)
      for (const id of pipeline[kind] ?? []) {
        const isConnector = kind !== "processors" && Object.hasOwn(connectors, id);
        if (!defined(kind, id) && !isConnector)
          problems.push(`pipeline ${name} lists ${kind.slice(0, -1)} "${id}", which ${kind} does not define`);
      }
  // Extensions used by name inside components must be defined and started.
  const enabled = new Set(service.extensions ?? []);
  walk(config, [], (path, key, value) => {
    if (
      (key === "authenticator" || key === "storage") &&
      typeof value === "string" &&
      path[0] !== "service" &&
      !enabled.has(value)
    )
      problems.push(
        `${[...path, key].join(".")} uses extension "${value}", which service.extensions does not list`,
      );
  });
  return problems;
}

/** Every component type in the config is built into the collector (its `components` output). */
export function checkComponentTypes(
  config: CollectorConfig,
  available: Readonly<Record<ComponentKind, ReadonlySet<string>>>,
): string[] {
  const problems: string[] = [];
  for (const kind of KINDS)
    for (const id of Object.keys(section(config, kind)))
      if (!available[kind].has(typeOf(id)))
        problems.push(
          `${kind.slice(0, -1)} "${id}": the collector build has no ${kind.slice(0, -1)} of type "${typeOf(id)}" (it has: ${[...available[kind]].join(", ") || "none"})`,
        );
  return problems;
}

/** No certificate check is ever skipped, and credentials never travel without TLS. */
export function checkTls(config: CollectorConfig): string[] {
  const problems: string[] = [];
  walk(config, [], (path, key, value) => {
    if (key === "insecure_skip_verify" && value !== false)
      problems.push(
        `${[...path, key].join(".")} is ${JSON.stringify(value)}: certificate verification must never be skipped`,
      );
  });
  for (const [id, exporter] of Object.entries(section(config, "exporters"))) {
    const e = (exporter ?? {}) as {
      endpoint?: unknown;
      auth?: { authenticator?: string };
      tls?: { insecure?: unknown; cert_file?: string };
    };
    const endpoint = typeof e.endpoint === "string" ? e.endpoint : "";
    if (e.auth?.authenticator !== undefined && e.tls?.insecure !== undefined && e.tls.insecure !== false)
      problems.push(
        `exporters.${id} sends credentials (${e.auth.authenticator}) with tls.insecure ${JSON.stringify(e.tls.insecure)}`,
      );
    // configgrpc reads an http:// scheme as "no TLS", whatever the tls section says.
    if (e.auth?.authenticator !== undefined && /^http:\/\//i.test(endpoint))
      problems.push(
        `exporters.${id} sends credentials (${e.auth.authenticator}) to a plaintext http:// endpoint`,
      );
    // The edge → remote hop must always carry credentials (a password, a client certificate or both).
    if (
      endpoint.includes("REMOTE_GATEWAY_ENDPOINT") &&
      e.auth?.authenticator === undefined &&
      e.tls?.cert_file === undefined
    )
      problems.push(
        `exporters.${id} exports to the remote gateway without an authenticator or a client certificate`,
      );
  }
  return problems;
}

/** The name each TLS gRPC exporter verifies (server_name_override, else the endpoint's host). */
export function exporterServerNames(
  config: CollectorConfig,
  env: Readonly<Record<string, string>>,
): {
  names: { exporter: string; endpoint: string; serverName: string }[];
  problems: string[];
} {
  const names: { exporter: string; endpoint: string; serverName: string }[] = [];
  const problems: string[] = [];
  for (const [id, exporter] of Object.entries(section(config, "exporters"))) {
    if (!typeOf(id).startsWith("otlp")) continue;
    const e = (exporter ?? {}) as {
      endpoint?: string;
      tls?: { insecure?: unknown; server_name_override?: string };
    };
    if (e.tls?.insecure === true) continue;
    const endpoint = expandEnv(String(e.endpoint ?? ""), env);
    if (endpoint.unset.length > 0 || endpoint.value === "") {
      problems.push(
        `exporters.${id}.endpoint needs ${endpoint.unset.join(", ") || "a value"}, which the container does not set`,
      );
      continue;
    }
    const override =
      e.tls?.server_name_override === undefined
        ? undefined
        : expandEnv(e.tls.server_name_override, env).value;
    const host = endpoint.value
      .replace(/^[a-z]+:\/\//, "")
      .replace(/:\d+$/, "")
      .replace(/^\[(.*)\]$/, "$1");
    names.push({ exporter: id, endpoint: endpoint.value, serverName: override ?? host });
  }
  return { names, problems };
}

export function checkServerNames(
  config: CollectorConfig,
  env: Readonly<Record<string, string>>,
  sans: readonly string[],
): string[] {
  const { names, problems } = exporterServerNames(config, env);
  for (const { exporter, endpoint, serverName } of names)
    if (!sans.includes(serverName))
      problems.push(
        `exporters.${exporter} dials ${endpoint} and verifies the name "${serverName}", which is not in the gateway certificate's SANs (${sans.join(", ")})`,
      );
  return problems;
}

function walk(
  value: unknown,
  path: string[],
  visit: (path: string[], key: string, value: unknown) => void,
): void {
  if (value === null || typeof value !== "object") return;
  for (const [key, child] of Object.entries(value)) {
    visit(path, key, child);
    walk(child, [...path, key], visit);
  }
}
