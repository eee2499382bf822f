// Every option of the command, one row each: flag, environment variable, default, help and parser. The
// --help text, the README check and the parsing are all derived from these rows, so each default is
// written once. Row order is the --help order.
import { z } from "zod";
import { DEFAULT_ENDPOINT, DEFAULT_TIMEOUT_MS, OTLP_FLAGS } from "../export/otlp-settings.ts";
import { keyValueList } from "../key-value-list.ts";
import { handedOn, list, optional, toggle, value } from "./option.ts";
import { duration, httpUrl, numberText, text } from "./value-schemas.ts";

/** The span attribute --run-id sets; end-to-end tests count spans by it. */
export const RUN_ID_ATTRIBUTE = "tracegen.run.id";

const DEFAULT_TARGET_URL = "http://localhost:8080";

export const OPTIONS = Object.freeze({
  scenario: value({
    flags: "-s, --scenario <name|file>",
    env: "TRACEGEN_SCENARIO",
    description: "built-in scenario name or a scenario YAML file",
    default: "shop",
    schema: text,
  }),
  rate: value({
    flags: "-r, --rate <number>",
    env: "TRACEGEN_RATE",
    description:
      "traces (or spans, see --rate-unit) per second in total; 0 = as fast as the exporter accepts, never dropping",
    default: "10",
    schema: numberText(z.number().min(0)),
    expected: "a number of units per second >= 0",
  }),
  rateUnit: value({
    flags: "--rate-unit <traces|spans>",
    env: "TRACEGEN_RATE_UNIT",
    description: "what --rate counts",
    default: "traces",
    schema: z.enum(["traces", "spans"]),
    expected: '"traces" or "spans"',
  }),
  workers: value({
    flags: "-w, --workers <n>",
    env: "TRACEGEN_WORKERS",
    description: "traces in progress at once; raise it for scenarios with real HTTP calls",
    default: "1",
    schema: numberText(z.int().min(1).max(1000)),
    expected: "a whole number 1..1000",
  }),
  duration: value({
    flags: "-d, --duration <duration>",
    env: "TRACEGEN_DURATION",
    description: 'stop after this long, e.g. "30s", "5m"; 0 = run until stopped',
    default: "0",
    ...duration({ allowZero: true }),
  }),
  count: value({
    flags: "-n, --count <traces>",
    env: "TRACEGEN_COUNT",
    description: "stop after this many traces; 0 = no limit",
    default: "0",
    schema: numberText(z.int().min(0)),
    expected: "a whole number >= 0",
  }),
  seed: optional({
    flags: "--seed <integer>",
    env: "TRACEGEN_SEED",
    description: "seed for every random choice and every trace/span ID: the same seed gives the same traces",
    unset: "random, printed at start",
    schema: numberText(z.int().min(0)),
    expected: "a whole number 0..2^53",
  }),
  targetUrl: value({
    flags: "--target-url <url>",
    env: "TRACEGEN_TARGET_URL",
    description: "base URL for scenario steps that make real HTTP calls",
    default: DEFAULT_TARGET_URL,
    schema: httpUrl,
    expected: `an http(s) URL like "${DEFAULT_TARGET_URL}"`,
  }),
  httpTimeout: value({
    flags: "--http-timeout <duration>",
    env: "TRACEGEN_HTTP_TIMEOUT",
    description: "timeout of one real HTTP call",
    default: "5s",
    ...duration({ allowZero: false }),
  }),
  attribute: list({
    flags: "-a, --attribute <key=value>",
    env: "TRACEGEN_ATTRIBUTES",
    description: "span attribute stamped on every span",
    envHint: "comma-separated key=value list",
    schema: keyValueList,
  }),
  runId: optional({
    flags: "--run-id <id>",
    env: "TRACEGEN_RUN_ID",
    description: `shorthand for --attribute ${RUN_ID_ATTRIBUTE}=<id>: tag every span of this run`,
    schema: text,
  }),
  statsInterval: value({
    flags: "--stats-interval <duration>",
    env: "TRACEGEN_STATS_INTERVAL",
    description: "how often to log a stats line; 0 = never",
    default: "10s",
    ...duration({ allowZero: true }),
  }),
  summaryJson: optional({
    flags: "--summary-json <file>",
    env: "TRACEGEN_SUMMARY_JSON",
    description: "also write the final summary (JSON, as printed on stdout) to this file",
    schema: text,
  }),
  failOnExportError: toggle({
    flags: "--fail-on-export-error",
    env: "TRACEGEN_FAIL_ON_EXPORT_ERROR",
    description: "exit 1 if any export attempt failed or any span was dropped",
  }),
  shutdownTimeout: value({
    flags: "--shutdown-timeout <duration>",
    env: "TRACEGEN_SHUTDOWN_TIMEOUT",
    description: "on stop (end, SIGTERM, SIGINT), how long to keep flushing spans",
    default: "10s",
    ...duration({ allowZero: false }),
  }),
  maxQueueSize: value({
    flags: "--max-queue-size <spans>",
    env: "TRACEGEN_MAX_QUEUE_SIZE",
    description:
      "spans held while the collector is slow or down; beyond it new spans are dropped and counted",
    default: "20000",
    schema: numberText(z.int().min(1)),
    expected: "a whole number >= 1",
  }),
  batchSize: value({
    flags: "--batch-size <spans>",
    env: "TRACEGEN_BATCH_SIZE",
    description: "spans per export request",
    default: "512",
    schema: numberText(z.int().min(1)),
    expected: "a whole number >= 1",
  }),
  exportConcurrency: value({
    flags: "--export-concurrency <n>",
    env: "TRACEGEN_EXPORT_CONCURRENCY",
    description: "export requests in flight at once",
    default: "2",
    schema: numberText(z.int().min(1).max(64)),
    expected: "a whole number 1..64",
  }),
  otlpEndpoint: handedOn("value", {
    flags: `${OTLP_FLAGS.endpoint} <url>`,
    env: "OTEL_EXPORTER_OTLP_ENDPOINT",
    description:
      "OTLP/gRPC endpoint: http:// plaintext, https:// TLS; also OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
    default: DEFAULT_ENDPOINT,
  }),
  otlpHeader: handedOn("list", {
    flags: `${OTLP_FLAGS.header} <key=value>`,
    env: "OTEL_EXPORTER_OTLP_HEADERS",
    description: 'gRPC metadata on every export, e.g. "authorization=Basic <base64>"',
    envHint: "comma-separated, percent-encoded",
  }),
  otlpInsecure: handedOn("switch", {
    flags: OTLP_FLAGS.insecure,
    env: "OTEL_EXPORTER_OTLP_INSECURE",
    description: "plaintext for an endpoint given without a scheme",
    unset: "false = TLS",
  }),
  otlpCertificate: handedOn("value", {
    flags: `${OTLP_FLAGS.certificate} <file>`,
    env: "OTEL_EXPORTER_OTLP_CERTIFICATE",
    description: "PEM CA certificate(s) to verify the endpoint with",
    unset: "the system's CAs",
  }),
  otlpClientCertificate: handedOn("value", {
    flags: `${OTLP_FLAGS.clientCertificate} <file>`,
    env: "OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE",
    description: `PEM client certificate for mutual TLS (with ${OTLP_FLAGS.clientKey})`,
  }),
  otlpClientKey: handedOn("value", {
    flags: `${OTLP_FLAGS.clientKey} <file>`,
    env: "OTEL_EXPORTER_OTLP_CLIENT_KEY",
    description: "PEM private key of the client certificate",
  }),
  otlpTimeout: handedOn("value", {
    flags: `${OTLP_FLAGS.timeout} <ms>`,
    env: "OTEL_EXPORTER_OTLP_TIMEOUT",
    description: "timeout of one export request in milliseconds",
    default: String(DEFAULT_TIMEOUT_MS),
  }),
  serviceName: optional({
    flags: "--service-name <name>",
    env: "OTEL_SERVICE_NAME",
    description: "service.name of the generator's own spans",
    note: "the scenario service marked self: true",
    // The key of that service in the built-in sample-service scenario, which is what users meet.
    unset: "trace-generator",
    schema: text,
  }),
  resourceAttributes: optional({
    flags: "--resource-attributes <key=value,...>",
    env: "OTEL_RESOURCE_ATTRIBUTES",
    description: "resource attributes added to every service, e.g. k8s.pod.ip=10.0.0.7",
    schema: keyValueList,
  }),
});

export type OptionKey = keyof typeof OPTIONS;

/** Every option's value as read, keyed like OPTIONS. */
export type OptionValues = {
  readonly [K in OptionKey]: ReturnType<(typeof OPTIONS)[K]["read"]>;
};
