// The OTLP/gRPC exporter settings from the standard OpenTelemetry variables (and the flags that override
// them), resolved and checked up front: a missing certificate file or a malformed header is a user error
// to report before anything is sent, not a warning the SDK logs later. Rules follow the OTLP exporter
// specification: the signal-specific variable (OTEL_EXPORTER_OTLP_TRACES_*) wins over the generic one; an
// http:// endpoint is plaintext, https:// is TLS, and only a scheme-less endpoint consults
// OTEL_EXPORTER_OTLP_INSECURE (default false, i.e. TLS); header values are percent-decoded.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import * as grpc from "@grpc/grpc-js";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-grpc";

export const DEFAULT_ENDPOINT = "http://localhost:4317";

export interface OtlpFlags {
  readonly endpoint?: string | undefined;
  readonly headers?: readonly string[] | undefined;
  readonly insecure?: boolean | undefined;
  readonly certificate?: string | undefined;
  readonly clientCertificate?: string | undefined;
  readonly clientKey?: string | undefined;
  readonly timeout?: string | undefined;
}

export interface OtlpSettings {
  /** host:port the channel dials. */
  readonly address: string;
  readonly tls: boolean;
  /** For logs: the endpoint with its scheme, never the headers. */
  readonly destination: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly caPem: Buffer | undefined;
  readonly clientCertPem: Buffer | undefined;
  readonly clientKeyPem: Buffer | undefined;
  readonly timeoutMs: number;
}

type Env = Readonly<Record<string, string | undefined>>;

/** A value and where it came from, for messages: "--otlp-endpoint" or "OTEL_EXPORTER_OTLP_ENDPOINT". */
interface Sourced<T> {
  readonly value: T;
  readonly source: string;
}

function fromEnv(env: Env, name: string): Sourced<string> | undefined {
  for (const key of [`OTEL_EXPORTER_OTLP_TRACES_${name}`, `OTEL_EXPORTER_OTLP_${name}`]) {
    const value = env[key]?.trim();
    if (value !== undefined && value !== "") return { value, source: key };
  }
  return undefined;
}

function pick(
  flag: string | undefined,
  flagName: string,
  env: Env,
  name: string,
): Sourced<string> | undefined {
  return flag !== undefined ? { value: flag, source: flagName } : fromEnv(env, name);
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** "k1=v1,k2=v2" (W3C baggage-like; values percent-encoded) into entries; problems named by source. */
export function parseKeyValueList(
  text: string,
  source: string,
  problems: string[],
  allowEmptyValue = false,
): [string, string][] {
  const entries: [string, string][] = [];
  for (const raw of text.split(",")) {
    const item = raw.trim();
    if (item === "") continue;
    const eq = item.indexOf("=");
    const key = eq < 0 ? "" : item.slice(0, eq).trim();
    const rawValue = eq < 0 ? "" : item.slice(eq + 1).trim();
    if (eq <= 0 || !TOKEN.test(key) || (!allowEmptyValue && rawValue === "")) {
      problems.push(`${source}: expected key=value pairs separated by commas, got "${item}"`);
      continue;
    }
    try {
      entries.push([key, decodeURIComponent(rawValue)]);
    } catch {
      problems.push(`${source}: "${key}" has a malformed percent-encoded value "${rawValue}"`);
    }
  }
  return entries;
}

function readPem(option: Sourced<string> | undefined, problems: string[], cwd: string): Buffer | undefined {
  if (option === undefined) return undefined;
  try {
    const pem = readFileSync(resolve(cwd, option.value));
    if (!pem.toString("utf8").includes("-----BEGIN "))
      problems.push(`${option.source}: expected a PEM file, got "${option.value}" (no PEM block in it)`);
    return pem;
  } catch (error) {
    problems.push(
      `${option.source}: expected a readable PEM file, got "${option.value}" (${(error as NodeJS.ErrnoException).code ?? "unreadable"})`,
    );
    return undefined;
  }
}

export function resolveOtlpSettings(
  flags: OtlpFlags,
  env: Env,
  problems: string[],
  cwd = process.cwd(),
): OtlpSettings {
  const endpoint = pick(flags.endpoint, "--otlp-endpoint", env, "ENDPOINT") ?? {
    value: DEFAULT_ENDPOINT,
    source: "default",
  };
  let tls = true;
  let address = "localhost:4317";
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\//.exec(endpoint.value)?.[1]?.toLowerCase();
  try {
    if (scheme !== undefined && scheme !== "http" && scheme !== "https") throw new Error("scheme");
    const url = new URL(scheme === undefined ? `none://${endpoint.value}` : endpoint.value);
    if (url.hostname === "" || url.search !== "" || url.hash !== "" || url.username !== "")
      throw new Error("parts");
    address =
      url.port === "" ? `${url.hostname}:${scheme === "http" ? 80 : 443}` : `${url.hostname}:${url.port}`;
    if (scheme === "http") tls = false;
    else if (scheme === undefined) {
      const insecure =
        flags.insecure === true ? { value: "true", source: "--otlp-insecure" } : fromEnv(env, "INSECURE");
      if (insecure !== undefined && !/^(true|false)$/i.test(insecure.value)) {
        problems.push(`${insecure.source}: expected true or false, got "${insecure.value}"`);
      }
      tls = insecure?.value.toLowerCase() !== "true";
    }
  } catch {
    problems.push(
      `${endpoint.source}: expected an endpoint like "http://localhost:4317" or "https://gateway:30443", got "${endpoint.value}"`,
    );
  }

  const headers: Record<string, string> = {};
  // Generic first, then signal-specific, then flags: later ones win per key.
  for (const key of ["OTEL_EXPORTER_OTLP_HEADERS", "OTEL_EXPORTER_OTLP_TRACES_HEADERS"]) {
    const text = env[key];
    if (text !== undefined && text.trim() !== "")
      for (const [k, v] of parseKeyValueList(text, key, problems)) headers[k.toLowerCase()] = v;
  }
  for (const flag of flags.headers ?? [])
    for (const [k, v] of parseKeyValueList(flag, `--otlp-header "${flag}"`, problems))
      headers[k.toLowerCase()] = v;

  const ca = pick(flags.certificate, "--otlp-certificate", env, "CERTIFICATE");
  const cert = pick(flags.clientCertificate, "--otlp-client-certificate", env, "CLIENT_CERTIFICATE");
  const key = pick(flags.clientKey, "--otlp-client-key", env, "CLIENT_KEY");
  if ((cert === undefined) !== (key === undefined)) {
    const [given, missing] =
      cert === undefined
        ? [key, "--otlp-client-certificate / OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE"]
        : [cert, "--otlp-client-key / OTEL_EXPORTER_OTLP_CLIENT_KEY"];
    problems.push(
      `${given?.source}: a client certificate needs both a certificate and a key; ${missing} is missing`,
    );
  }
  if (!tls && (ca !== undefined || cert !== undefined)) {
    problems.push(
      `${(ca ?? cert)?.source}: certificates need a TLS endpoint, but ${endpoint.source} is plaintext ("${endpoint.value}"); use https://`,
    );
  }
  const timeoutOption =
    flags.timeout !== undefined
      ? { value: flags.timeout, source: "--otlp-timeout" }
      : fromEnv(env, "TIMEOUT");
  let timeoutMs = 10_000;
  if (timeoutOption !== undefined) {
    // The spec's OTEL_EXPORTER_OTLP_TIMEOUT is whole milliseconds.
    if (/^\d+$/.test(timeoutOption.value) && Number(timeoutOption.value) > 0)
      timeoutMs = Number(timeoutOption.value);
    else
      problems.push(
        `${timeoutOption.source}: expected a timeout in milliseconds (a whole number > 0), got "${timeoutOption.value}"`,
      );
  }
  return Object.freeze({
    address,
    tls,
    destination: `${tls ? "https" : "http"}://${address}`,
    headers: Object.freeze(headers),
    caPem: readPem(ca, problems, cwd),
    clientCertPem: readPem(cert, problems, cwd),
    clientKeyPem: readPem(key, problems, cwd),
    timeoutMs,
  });
}

/**
 * `generation` numbers the exporters of one run: it goes into the user agent, which makes each a distinct
 * gRPC channel (grpc-js shares connections between channels with identical settings, backoff included).
 */
export function createTraceExporter(settings: OtlpSettings, generation = 0): OTLPTraceExporter {
  const metadata = new grpc.Metadata();
  for (const [key, value] of Object.entries(settings.headers)) metadata.set(key, value);
  const credentials = settings.tls
    ? grpc.credentials.createSsl(
        settings.caPem ?? null,
        settings.clientKeyPem ?? null,
        settings.clientCertPem ?? null,
      )
    : grpc.credentials.createInsecure();
  return new OTLPTraceExporter({
    url: settings.destination,
    metadata,
    credentials,
    timeoutMillis: settings.timeoutMs,
    userAgent: `trace-generator (channel ${generation})`,
  });
}
