// The service's configuration: read from the environment once, validated as a whole (every bad variable
// is reported, not just the first), frozen. The standard OTEL_* variables are read by the OpenTelemetry
// SDK itself; they are only checked here, so a typo fails at start-up with a clear message instead of
// the SDK silently exporting nowhere.
import { accessSync, constants } from "node:fs";
import { z } from "zod";

/** The port the Kubernetes manifests probe (scripts/lib/topology.ts `ports.sampleService`; a test keeps them equal). */
export const DEFAULT_PORT = 8080;
export const DEFAULT_SERVICE_NAME = "sample-service";

export interface PodIdentity {
  readonly "k8s.pod.ip"?: string;
  readonly "k8s.pod.uid"?: string;
  readonly "k8s.pod.name"?: string;
  readonly "k8s.namespace.name"?: string;
  readonly "k8s.node.name"?: string;
}

export interface Config {
  readonly host: string;
  readonly port: number;
  /** Called by POST /api/checkout (reserve inventory); no outgoing call when absent. */
  readonly upstreamUrl: string | undefined;
  readonly upstreamTimeoutMs: number;
  /** Added to every business request (per-request headers add to it). */
  readonly injectLatencyMs: number;
  /** Probability 0..1 that a business request fails with an injected error. */
  readonly injectFailureRate: number;
  readonly maxBodyBytes: number;
  /** Bound on draining in-flight requests plus flushing spans after SIGTERM/SIGINT. */
  readonly shutdownTimeoutMs: number;
  /** From K8S_* variables (downward API); OTEL_RESOURCE_ATTRIBUTES, read by the SDK, wins over these. */
  readonly podIdentity: PodIdentity;
  /** Informational (start-up log): the SDK reads the OTEL_* variables itself. */
  readonly otel: {
    readonly sdkDisabled: boolean;
    readonly tracesEndpoint: string | undefined;
  };
}

export type ConfigResult =
  | { readonly ok: true; readonly config: Config }
  | { readonly ok: false; readonly problems: readonly string[] };

type Env = Readonly<Record<string, string | undefined>>;

interface Variable<T> {
  readonly schema: z.ZodType<T>;
  /** What a valid value looks like, for the error message. */
  readonly expected: string;
  /** Never echo the value (it may carry credentials). */
  readonly secret?: boolean;
}

const integer = (min: number, max: number) =>
  z.string().regex(/^\d+$/).transform(Number).pipe(z.number().int().min(min).max(max));

const optional = <T>(schema: z.ZodType<T>) => schema.optional();
const withDefault = <T>(schema: z.ZodType<T>, fallback: T) =>
  schema.optional().transform((value) => value ?? fallback);

/** `new URL`, or undefined: zod 4 runs a refinement even after z.url() rejected the value. */
const parsedUrl = (value: string): URL | undefined => (URL.canParse(value) ? new URL(value) : undefined);

const httpUrl = z.url({ protocol: /^https?$/ }).refine((value) => {
  const url = parsedUrl(value);
  return url !== undefined && url.username === "" && url.password === "";
});
/** gRPC has no default port worth guessing: 4317 must be spelled out. */
const otlpEndpoint = httpUrl.refine((value) => parsedUrl(value)?.port !== "");

const k8sName = z
  .string()
  .max(253)
  .regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/);

/** Comma-separated key=value pairs, as the OTel spec defines *_HEADERS. */
const keyValueList = z
  .string()
  .refine((value) => value.split(",").every((pair) => /^\s*[^=\s,][^=,]*=[^,]*$/.test(pair)));
/** Same, but the SDK discards the whole variable when a value holds an unencoded "=". */
const resourceAttributes = z
  .string()
  .refine((value) => value.split(",").every((pair) => /^\s*[^=\s,][^=,]*=[^,=]*$/.test(pair)));

const readableFile = (canRead: (path: string) => boolean) => z.string().min(1).refine(canRead);

const bool = z.enum(["true", "false"]).transform((value) => value === "true");

/** This service's own settings. */
const serviceVariables = {
  HOST: {
    schema: withDefault(z.union([z.ipv4(), z.ipv6(), z.literal("localhost")]), "0.0.0.0"),
    expected: "an IP address to listen on, e.g. 0.0.0.0 or 127.0.0.1",
  },
  PORT: {
    schema: withDefault(integer(0, 65535), DEFAULT_PORT),
    expected: "a TCP port from 1 to 65535 (0: any free port)",
  },
  UPSTREAM_URL: {
    schema: optional(httpUrl),
    expected:
      "an http:// or https:// URL without credentials, e.g. http://inventory:8080/api/inventory/reserve",
  },
  UPSTREAM_TIMEOUT_MS: {
    schema: withDefault(integer(1, 60_000), 2_000),
    expected: "milliseconds from 1 to 60000",
  },
  INJECT_LATENCY_MS: {
    schema: withDefault(integer(0, 60_000), 0),
    expected: "milliseconds from 0 to 60000",
  },
  INJECT_FAILURE_RATE: {
    schema: withDefault(
      z
        .string()
        .regex(/^(0(\.\d+)?|1(\.0+)?|\.\d+)$/)
        .transform(Number),
      0,
    ),
    expected: "a probability from 0 to 1, e.g. 0.1",
  },
  MAX_BODY_BYTES: {
    schema: withDefault(integer(1, 10 * 1024 * 1024), 16 * 1024),
    expected: "bytes from 1 to 10485760",
  },
  SHUTDOWN_TIMEOUT_MS: {
    schema: withDefault(integer(100, 120_000), 10_000),
    expected: "milliseconds from 100 to 120000",
  },
} satisfies Record<string, Variable<unknown>>;

/** The pod's identity, from the downward API. */
const podVariables = {
  K8S_POD_IP: {
    schema: optional(z.union([z.ipv4(), z.ipv6()])),
    expected: "the pod's IP address (downward API status.podIP)",
  },
  K8S_POD_UID: { schema: optional(z.uuid()), expected: "the pod's UID (downward API metadata.uid)" },
  K8S_POD_NAME: {
    schema: optional(k8sName),
    expected: "a Kubernetes object name (downward API metadata.name)",
  },
  K8S_NAMESPACE_NAME: {
    schema: optional(k8sName),
    expected: "a Kubernetes namespace name (downward API metadata.namespace)",
  },
  K8S_NODE_NAME: {
    schema: optional(k8sName),
    expected: "a Kubernetes node name (downward API spec.nodeName)",
  },
} satisfies Record<string, Variable<unknown>>;

/** OTEL_EXPORTER_OTLP_<NAME> and its OTEL_EXPORTER_OTLP_TRACES_<NAME>, which the spec makes win over it. */
function generalAndTraces<N extends string, V>(name: N, variable: V) {
  return {
    [`OTEL_EXPORTER_OTLP_${name}`]: variable,
    [`OTEL_EXPORTER_OTLP_TRACES_${name}`]: variable,
  } as Record<`OTEL_EXPORTER_OTLP_${N}` | `OTEL_EXPORTER_OTLP_TRACES_${N}`, V>;
}

/** Standard SDK variables: checked, then left for the SDK to read. */
function otelVariables(canRead: (path: string) => boolean) {
  return {
    OTEL_SDK_DISABLED: { schema: withDefault(bool, false), expected: '"true" or "false"' },
    OTEL_SERVICE_NAME: { schema: optional(z.string().trim().min(1)), expected: "a non-empty service name" },
    OTEL_RESOURCE_ATTRIBUTES: {
      schema: optional(resourceAttributes),
      expected:
        'comma-separated key=value pairs ("=" and "," percent-encoded), e.g. k8s.pod.ip=10.0.0.7,deployment.environment.name=workshop',
    },
    ...generalAndTraces("ENDPOINT", {
      schema: optional(otlpEndpoint),
      expected: "the collector's OTLP gRPC URL with scheme and port, e.g. http://otel-collector:4317",
    }),
    ...generalAndTraces("PROTOCOL", {
      schema: optional(z.literal("grpc")),
      expected: '"grpc" (this service exports traces over OTLP/gRPC only)',
    }),
    OTEL_EXPORTER_OTLP_INSECURE: { schema: optional(bool), expected: '"true" or "false"' },
    ...generalAndTraces("HEADERS", {
      schema: optional(keyValueList),
      expected: "comma-separated key=value pairs (URL-encoded values)",
      secret: true,
    }),
    ...generalAndTraces("CERTIFICATE", {
      schema: optional(readableFile(canRead)),
      expected: "a readable PEM file (the CA that signed the collector's certificate)",
    }),
    OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE: {
      schema: optional(readableFile(canRead)),
      expected: "a readable PEM file (client certificate for mTLS)",
    },
    OTEL_EXPORTER_OTLP_CLIENT_KEY: {
      schema: optional(readableFile(canRead)),
      expected: "a readable PEM file (client key for mTLS)",
    },
  } satisfies Record<string, Variable<unknown>>;
}

/** Every variable this service reads or checks; the order is the order of the problems reported. */
function variables(canRead: (path: string) => boolean) {
  return { ...serviceVariables, ...podVariables, ...otelVariables(canRead) };
}

type Variables = ReturnType<typeof variables>;
type Parsed = { [K in keyof Variables]: Variables[K]["schema"] extends z.ZodType<infer T> ? T : never };

function isReadable(path: string): boolean {
  try {
    accessSync(path, constants.R_OK);
    return true;
  } catch {
    return false;
  }
}

/** Validates `env` as a whole; never throws. `canRead` checks certificate paths (injectable for tests). */
export function parseConfig(env: Env, canRead: (path: string) => boolean = isReadable): ConfigResult {
  const problems: string[] = [];
  const parsed: Record<string, unknown> = {};
  for (const [name, variable] of Object.entries(variables(canRead)) as [string, Variable<unknown>][]) {
    // An empty variable means "unset", as the OTel spec says for its own variables.
    const raw = env[name] === "" ? undefined : env[name];
    const result = variable.schema.safeParse(raw);
    if (result.success) parsed[name] = result.data;
    else {
      const shown = variable.secret ? "(value hidden: it may hold credentials)" : JSON.stringify(raw);
      problems.push(`${name}=${shown}: expected ${variable.expected}`);
    }
  }
  if (problems.length > 0) return { ok: false, problems: Object.freeze(problems) };

  const p = parsed as Parsed;
  const podIdentity = Object.freeze(
    Object.fromEntries(
      Object.entries({
        "k8s.pod.ip": p.K8S_POD_IP,
        "k8s.pod.uid": p.K8S_POD_UID,
        "k8s.pod.name": p.K8S_POD_NAME,
        "k8s.namespace.name": p.K8S_NAMESPACE_NAME,
        "k8s.node.name": p.K8S_NODE_NAME,
      }).filter(([, value]) => value !== undefined),
    ),
  ) as PodIdentity;
  return {
    ok: true,
    config: Object.freeze({
      host: p.HOST,
      port: p.PORT,
      upstreamUrl: p.UPSTREAM_URL,
      upstreamTimeoutMs: p.UPSTREAM_TIMEOUT_MS,
      injectLatencyMs: p.INJECT_LATENCY_MS,
      injectFailureRate: p.INJECT_FAILURE_RATE,
      maxBodyBytes: p.MAX_BODY_BYTES,
      shutdownTimeoutMs: p.SHUTDOWN_TIMEOUT_MS,
      podIdentity,
      otel: Object.freeze({
        sdkDisabled: p.OTEL_SDK_DISABLED,
        tracesEndpoint: p.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? p.OTEL_EXPORTER_OTLP_ENDPOINT,
      }),
    }),
  };
}

let loaded: Config | undefined;

/**
 * The process's configuration, parsed from process.env on first use. On invalid input it prints every
 * problem and exits with status 2 — before the SDK starts or a port is opened, and without a stack trace.
 */
export function config(): Config {
  if (loaded) return loaded;
  const result = parseConfig(process.env);
  if (!result.ok) {
    process.stderr.write(
      `sample-service: invalid configuration (${result.problems.length} problem(s)):\n` +
        result.problems.map((problem) => `  - ${problem}\n`).join("") +
        "See apps/sample-service/README.md#configuration for every variable.\n",
    );
    process.exit(2);
  }
  loaded = result.config;
  return loaded;
}
