// The OTLP/gRPC exporter settings from the standard OpenTelemetry variables (and the flags that override
// them), resolved and checked up front: a missing certificate file or a malformed header is a user error
// to report before anything is sent, not a warning the SDK logs later. Rules follow the OTLP exporter
// specification: the signal-specific variable (OTEL_EXPORTER_OTLP_TRACES_*) wins over the generic one; an
// http:// endpoint is plaintext, https:// is TLS, and only a scheme-less endpoint consults
// OTEL_EXPORTER_OTLP_INSECURE (default false, i.e. TLS); header values are percent-decoded.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { z } from "zod";
import { keyValueList } from "../key-value-list.ts";
import type { Entries } from "../key-value-list.ts";
import { parseSourced } from "../sourced.ts";
import type { Parser, Sourced } from "../sourced.ts";

export const DEFAULT_ENDPOINT = "http://localhost:4317";
export const DEFAULT_TIMEOUT_MS = 10_000;

/** The flags that override the variables; config/options.ts declares them for the command line. */
export const OTLP_FLAGS = Object.freeze({
  endpoint: "--otlp-endpoint",
  header: "--otlp-header",
  insecure: "--otlp-insecure",
  certificate: "--otlp-certificate",
  clientCertificate: "--otlp-client-certificate",
  clientKey: "--otlp-client-key",
  timeout: "--otlp-timeout",
});

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

interface Endpoint {
  readonly address: string;
  readonly scheme: "http" | "https" | undefined;
}

function parseEndpoint(text: string): Endpoint | undefined {
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\//.exec(text)?.[1]?.toLowerCase();
  if (scheme !== undefined && scheme !== "http" && scheme !== "https") return undefined;
  let url: URL;
  try {
    // A placeholder scheme lets URL parse "host:port" as a host and a port.
    url = new URL(scheme === undefined ? `none://${text}` : text);
  } catch {
    return undefined;
  }
  if (url.hostname === "" || url.search !== "" || url.hash !== "" || url.username !== "") return undefined;
  const port = url.port !== "" ? url.port : scheme === "http" ? "80" : "443";
  return { address: `${url.hostname}:${port}`, scheme };
}

/** Fails (with one issue) where `parse` finds nothing. */
const parsedBy = <T>(parse: (text: string) => T | undefined): z.ZodType<T> =>
  z.string().transform((text, ctx) => {
    const parsed = parse(text);
    if (parsed !== undefined) return parsed;
    ctx.addIssue({ code: "custom", message: "invalid" });
    return z.NEVER;
  });

/** How each OTEL_EXPORTER_OTLP_[TRACES_]<NAME> variable (and its flag) is parsed; files relative to `cwd`. */
function variables(cwd: string) {
  return {
    ENDPOINT: {
      schema: parsedBy(parseEndpoint),
      expected: `an endpoint like "${DEFAULT_ENDPOINT}" or "https://gateway:30443"`,
    },
    INSECURE: {
      schema: z
        .string()
        .regex(/^(true|false)$/i)
        .transform((text) => text.toLowerCase() === "true"),
      expected: "true or false",
    },
    HEADERS: { schema: keyValueList },
    // The spec's OTEL_EXPORTER_OTLP_TIMEOUT is whole milliseconds.
    TIMEOUT: {
      schema: z
        .string()
        .regex(/^\d+$/)
        .transform(Number)
        .refine((ms) => ms > 0),
      expected: "a timeout in milliseconds (a whole number > 0)",
    },
    // Two ways to be wrong, each with its own message (hence no `expected`).
    PEM_FILE: { schema: pemFile(cwd) },
  } satisfies Record<string, Parser<unknown>>;
}

function pemFile(cwd: string): z.ZodType<Buffer> {
  return z.string().transform((path, ctx) => {
    let pem: Buffer;
    try {
      pem = readFileSync(resolve(cwd, path));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? "unreadable";
      ctx.addIssue({ code: "custom", message: `expected a readable PEM file, got "${path}" (${code})` });
      return z.NEVER;
    }
    if (!pem.toString("utf8").includes("-----BEGIN "))
      ctx.addIssue({ code: "custom", message: `expected a PEM file, got "${path}" (no PEM block in it)` });
    return pem;
  });
}

function fromEnv(env: Env, name: string): Sourced | undefined {
  for (const key of [`OTEL_EXPORTER_OTLP_TRACES_${name}`, `OTEL_EXPORTER_OTLP_${name}`]) {
    const value = env[key]?.trim();
    if (value !== undefined && value !== "") return { value, source: key };
  }
  return undefined;
}

function pick(flag: string | undefined, flagName: string, env: Env, name: string): Sourced | undefined {
  return flag !== undefined ? { value: flag, source: flagName } : fromEnv(env, name);
}

type Variables = ReturnType<typeof variables>;

interface Transport {
  readonly endpoint: Sourced;
  readonly address: string;
  readonly tls: boolean;
}

function resolveTransport(flags: OtlpFlags, env: Env, vars: Variables, problems: string[]): Transport {
  const endpoint = pick(flags.endpoint, OTLP_FLAGS.endpoint, env, "ENDPOINT") ?? {
    value: DEFAULT_ENDPOINT,
    source: "default",
  };
  const parsed = parseSourced(vars.ENDPOINT, endpoint, problems);
  // A bad endpoint is already a problem; staying on TLS adds no second one about certificates.
  if (parsed === undefined) return { endpoint, address: parseEndpoint(DEFAULT_ENDPOINT)!.address, tls: true };
  if (parsed.scheme !== undefined)
    return { endpoint, address: parsed.address, tls: parsed.scheme === "https" };
  const insecure =
    flags.insecure === true ? { value: "true", source: OTLP_FLAGS.insecure } : fromEnv(env, "INSECURE");
  const plaintext = insecure === undefined ? false : parseSourced(vars.INSECURE, insecure, problems);
  return { endpoint, address: parsed.address, tls: plaintext !== true };
}

/** Generic variable first, then the signal-specific one, then the flags: later ones win per key. */
function resolveHeaders(flags: OtlpFlags, env: Env, vars: Variables, problems: string[]) {
  const inputs: Sourced[] = [];
  for (const name of ["OTEL_EXPORTER_OTLP_HEADERS", "OTEL_EXPORTER_OTLP_TRACES_HEADERS"]) {
    const text = env[name];
    if (text !== undefined && text.trim() !== "") inputs.push({ value: text, source: name });
  }
  for (const flag of flags.headers ?? [])
    inputs.push({ value: flag, source: `${OTLP_FLAGS.header} "${flag}"` });
  const headers: Record<string, string> = {};
  for (const input of inputs) {
    const entries: Entries = parseSourced(vars.HEADERS, input, problems) ?? [];
    for (const [key, value] of entries) headers[key.toLowerCase()] = value;
  }
  return headers;
}

interface CertificateFiles {
  readonly ca: Sourced | undefined;
  readonly cert: Sourced | undefined;
  readonly key: Sourced | undefined;
}

function certificateFiles(
  flags: OtlpFlags,
  env: Env,
  transport: Transport,
  problems: string[],
): CertificateFiles {
  const ca = pick(flags.certificate, OTLP_FLAGS.certificate, env, "CERTIFICATE");
  const cert = pick(flags.clientCertificate, OTLP_FLAGS.clientCertificate, env, "CLIENT_CERTIFICATE");
  const key = pick(flags.clientKey, OTLP_FLAGS.clientKey, env, "CLIENT_KEY");
  if ((cert === undefined) !== (key === undefined)) {
    const [given, missing] =
      cert === undefined
        ? [key, `${OTLP_FLAGS.clientCertificate} / OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE`]
        : [cert, `${OTLP_FLAGS.clientKey} / OTEL_EXPORTER_OTLP_CLIENT_KEY`];
    problems.push(
      `${given?.source}: a client certificate needs both a certificate and a key; ${missing} is missing`,
    );
  }
  if (!transport.tls && (ca !== undefined || cert !== undefined)) {
    const { source, value } = transport.endpoint;
    problems.push(
      `${(ca ?? cert)?.source}: certificates need a TLS endpoint, but ${source} is plaintext ("${value}"); use https://`,
    );
  }
  return { ca, cert, key };
}

export function resolveOtlpSettings(
  flags: OtlpFlags,
  env: Env,
  problems: string[],
  cwd = process.cwd(),
): OtlpSettings {
  const vars = variables(cwd);
  const transport = resolveTransport(flags, env, vars, problems);
  const headers = resolveHeaders(flags, env, vars, problems);
  const files = certificateFiles(flags, env, transport, problems);
  const timeout = pick(flags.timeout, OTLP_FLAGS.timeout, env, "TIMEOUT");
  const timeoutMs = (timeout && parseSourced(vars.TIMEOUT, timeout, problems)) ?? DEFAULT_TIMEOUT_MS;
  const read = (file: Sourced | undefined) => file && parseSourced(vars.PEM_FILE, file, problems);
  return Object.freeze({
    address: transport.address,
    tls: transport.tls,
    destination: `${transport.tls ? "https" : "http"}://${transport.address}`,
    headers: Object.freeze(headers),
    caPem: read(files.ca),
    clientCertPem: read(files.cert),
    clientKeyPem: read(files.key),
    timeoutMs,
  });
}
