// Flags and environment, parsed once into a frozen object; every problem is reported at once, with the
// bad value and what was expected.
import { parseArgs } from "node:util";

export const ROLES = ["server", "client", "ca"] as const;
export type Role = (typeof ROLES)[number];

export interface Watched {
  readonly role: Role;
  readonly path: string;
}

export interface Config {
  /** OTLP/HTTP metrics URL: a collector's /v1/metrics, or Prometheus's /api/v1/otlp/v1/metrics. */
  readonly url: URL;
  readonly intervalMs: number;
  readonly files: readonly Watched[];
  /** Resource attributes of every export (service.name, k8s.cluster.name). */
  readonly resource: Readonly<Record<string, string>>;
  /** Where GET /healthz answers (the kubelet's probes), or undefined for none. */
  readonly healthPort: number | undefined;
}

export const USAGE = `usage: cert-expiry --otlp-url URL --cert ROLE=FILE [--cert ROLE=FILE ...] [--interval SECONDS]
  --otlp-url   where to POST OTLP/HTTP JSON metrics (env OTLP_METRICS_URL)
  --cert       a PEM file to watch; ROLE is server, client or ca; a bundle reports each certificate in it
  --interval   seconds between reports (env REPORT_INTERVAL_SECONDS, default 60)
  --health-port  serve GET /healthz there: 200 while the report loop runs (env HEALTH_PORT, default none)
  The resource is service.name=cert-expiry plus OTEL_RESOURCE_ATTRIBUTES (k=v,k=v), e.g. k8s.cluster.name=edge.
`;

export type Parsed =
  | { readonly kind: "ok"; readonly config: Config }
  | { readonly kind: "invalid"; readonly problems: readonly string[] }
  | { readonly kind: "help" };

function parseFile(value: string, problems: string[]): Watched | undefined {
  const at = value.indexOf("=");
  const role = value.slice(0, at);
  const path = value.slice(at + 1);
  if (at < 1 || path === "" || !(ROLES as readonly string[]).includes(role)) {
    problems.push(`--cert ${JSON.stringify(value)}: expected ROLE=FILE with ROLE one of ${ROLES.join(", ")}`);
    return undefined;
  }
  return { role: role as Role, path };
}

function parseResource(text: string | undefined, problems: string[]): Record<string, string> {
  const resource: Record<string, string> = { "service.name": "cert-expiry" };
  for (const pair of (text ?? "").split(",").filter((p) => p.trim() !== "")) {
    const at = pair.indexOf("=");
    if (at < 1) problems.push(`OTEL_RESOURCE_ATTRIBUTES: ${JSON.stringify(pair)} is not key=value`);
    else resource[pair.slice(0, at).trim()] = pair.slice(at + 1).trim();
  }
  return resource;
}

export function parseConfig(argv: readonly string[], env: NodeJS.ProcessEnv): Parsed {
  let values: {
    "otlp-url"?: string;
    cert?: string[];
    interval?: string;
    "health-port"?: string;
    help?: boolean;
  };
  try {
    values = parseArgs({
      args: [...argv],
      options: {
        "otlp-url": { type: "string" },
        cert: { type: "string", multiple: true },
        interval: { type: "string" },
        "health-port": { type: "string" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
    }).values;
  } catch (error) {
    return { kind: "invalid", problems: [(error as Error).message] };
  }
  if (values.help) return { kind: "help" };
  const problems: string[] = [];
  const rawUrl = values["otlp-url"] ?? env.OTLP_METRICS_URL;
  let url: URL | undefined;
  if (rawUrl === undefined) problems.push("--otlp-url (or OTLP_METRICS_URL) is missing");
  else if (!URL.canParse(rawUrl) || !/^https?:$/.test(new URL(rawUrl).protocol))
    problems.push(`--otlp-url ${JSON.stringify(rawUrl)}: expected an http:// or https:// URL`);
  else url = new URL(rawUrl);
  const rawInterval = values.interval ?? env.REPORT_INTERVAL_SECONDS ?? "60";
  const seconds = Number(rawInterval);
  if (!Number.isFinite(seconds) || seconds < 1 || seconds > 3600)
    problems.push(`--interval ${JSON.stringify(rawInterval)}: expected seconds from 1 to 3600`);
  const rawHealth = values["health-port"] ?? env.HEALTH_PORT;
  const healthPort = rawHealth === undefined || rawHealth === "" ? undefined : Number(rawHealth);
  if (healthPort !== undefined && !(Number.isInteger(healthPort) && healthPort >= 1 && healthPort <= 65535))
    problems.push(`--health-port ${JSON.stringify(rawHealth)}: expected a port number from 1 to 65535`);
  const files = (values.cert ?? []).map((value) => parseFile(value, problems));
  if (files.length === 0) problems.push("no --cert ROLE=FILE given: nothing to watch");
  const resource = parseResource(env.OTEL_RESOURCE_ATTRIBUTES, problems);
  if (problems.length > 0) return { kind: "invalid", problems };
  return {
    kind: "ok",
    config: Object.freeze({
      url: url!,
      intervalMs: seconds * 1000,
      files: Object.freeze(files as Watched[]),
      resource: Object.freeze(resource),
      healthPort,
    }),
  };
}
