// Command-line flags and environment variables, parsed once into a frozen Config. Flags win over env.
// Every problem is collected and reported together; nothing is started until the whole config is valid.
import { Command, CommanderError } from "commander";
import { DURATION_HINT, parseDuration } from "./duration.ts";
import { resolveOtlpSettings } from "./export/otlp-settings.ts";
import type { OtlpSettings } from "./export/otlp-settings.ts";
import { parseKeyValueList } from "./export/otlp-settings.ts";
import { randomSeed } from "./rng.ts";
import { builtinScenarios, loadScenario, ScenarioError } from "./scenario/load.ts";
import type { Scenario } from "./scenario/load.ts";
import type { ResourceSettings } from "./tracers.ts";

/** The span attribute --run-id sets; end-to-end tests count spans by it. */
export const RUN_ID_ATTRIBUTE = "tracegen.run.id";

export type RateUnit = "traces" | "spans";

export interface Config {
  readonly scenario: Scenario;
  /** Units per second; 0 = unthrottled (as fast as the exporter accepts, never dropping). */
  readonly rate: number;
  readonly rateUnit: RateUnit;
  readonly workers: number;
  /** 0 = unbounded. */
  readonly durationMs: number;
  /** Traces; 0 = unbounded. */
  readonly count: number;
  readonly seed: number;
  readonly seedGiven: boolean;
  readonly targetUrl: URL;
  readonly httpTimeoutMs: number;
  readonly runAttributes: Readonly<Record<string, string>>;
  readonly statsIntervalMs: number;
  readonly summaryJson: string | undefined;
  readonly failOnExportError: boolean;
  readonly shutdownTimeoutMs: number;
  readonly maxQueueSize: number;
  readonly batchSize: number;
  readonly exportConcurrency: number;
  readonly otlp: OtlpSettings;
  readonly resource: ResourceSettings;
  /** --check: validate and describe, send nothing. */
  readonly check: boolean;
}

export type ParseResult =
  | { readonly kind: "run"; readonly config: Config }
  | { readonly kind: "exit"; readonly code: number; readonly output: string }
  | { readonly kind: "invalid"; readonly problems: readonly string[] };

type Env = Readonly<Record<string, string | undefined>>;

/** One row per setting: the flag, its environment variable, and the help text (which names both). */
export interface Setting {
  readonly key: string;
  readonly flags: string;
  readonly env: string;
  readonly help: string;
  readonly repeatable?: boolean;
  readonly boolean?: boolean;
}

export const SETTINGS: readonly Setting[] = [
  {
    key: "scenario",
    flags: "-s, --scenario <name|file>",
    env: "TRACEGEN_SCENARIO",
    help: "built-in scenario name or a scenario YAML file (default: shop)",
  },
  {
    key: "rate",
    flags: "-r, --rate <number>",
    env: "TRACEGEN_RATE",
    help: "traces (or spans, see --rate-unit) per second in total; 0 = as fast as the exporter accepts, never dropping (default: 10)",
  },
  {
    key: "rateUnit",
    flags: "--rate-unit <traces|spans>",
    env: "TRACEGEN_RATE_UNIT",
    help: "what --rate counts (default: traces)",
  },
  {
    key: "workers",
    flags: "-w, --workers <n>",
    env: "TRACEGEN_WORKERS",
    help: "traces in progress at once; raise it for scenarios with real HTTP calls (default: 1)",
  },
  {
    key: "duration",
    flags: "-d, --duration <duration>",
    env: "TRACEGEN_DURATION",
    help: 'stop after this long, e.g. "30s", "5m"; 0 = run until stopped (default: 0)',
  },
  {
    key: "count",
    flags: "-n, --count <traces>",
    env: "TRACEGEN_COUNT",
    help: "stop after this many traces; 0 = no limit (default: 0)",
  },
  {
    key: "seed",
    flags: "--seed <integer>",
    env: "TRACEGEN_SEED",
    help: "seed for every random choice and every trace/span ID: the same seed gives the same traces (default: random, printed at start)",
  },
  {
    key: "targetUrl",
    flags: "--target-url <url>",
    env: "TRACEGEN_TARGET_URL",
    help: "base URL for scenario steps that make real HTTP calls (default: http://localhost:8080)",
  },
  {
    key: "httpTimeout",
    flags: "--http-timeout <duration>",
    env: "TRACEGEN_HTTP_TIMEOUT",
    help: "timeout of one real HTTP call (default: 5s)",
  },
  {
    key: "attribute",
    flags: "-a, --attribute <key=value>",
    env: "TRACEGEN_ATTRIBUTES",
    help: "span attribute stamped on every span; repeatable (env: comma-separated key=value list)",
    repeatable: true,
  },
  {
    key: "runId",
    flags: "--run-id <id>",
    env: "TRACEGEN_RUN_ID",
    help: `shorthand for --attribute ${RUN_ID_ATTRIBUTE}=<id>: tag every span of this run`,
  },
  {
    key: "statsInterval",
    flags: "--stats-interval <duration>",
    env: "TRACEGEN_STATS_INTERVAL",
    help: "how often to log a stats line; 0 = never (default: 10s)",
  },
  {
    key: "summaryJson",
    flags: "--summary-json <file>",
    env: "TRACEGEN_SUMMARY_JSON",
    help: "also write the final summary (JSON, as printed on stdout) to this file",
  },
  {
    key: "failOnExportError",
    flags: "--fail-on-export-error",
    env: "TRACEGEN_FAIL_ON_EXPORT_ERROR",
    help: "exit 1 if any export attempt failed or any span was dropped (env: true/false)",
    boolean: true,
  },
  {
    key: "shutdownTimeout",
    flags: "--shutdown-timeout <duration>",
    env: "TRACEGEN_SHUTDOWN_TIMEOUT",
    help: "on stop (end, SIGTERM, SIGINT), how long to keep flushing spans (default: 10s)",
  },
  {
    key: "maxQueueSize",
    flags: "--max-queue-size <spans>",
    env: "TRACEGEN_MAX_QUEUE_SIZE",
    help: "spans held while the collector is slow or down; beyond it new spans are dropped and counted (default: 20000)",
  },
  {
    key: "batchSize",
    flags: "--batch-size <spans>",
    env: "TRACEGEN_BATCH_SIZE",
    help: "spans per export request (default: 512)",
  },
  {
    key: "exportConcurrency",
    flags: "--export-concurrency <n>",
    env: "TRACEGEN_EXPORT_CONCURRENCY",
    help: "export requests in flight at once (default: 2)",
  },
  {
    key: "otlpEndpoint",
    flags: "--otlp-endpoint <url>",
    env: "OTEL_EXPORTER_OTLP_ENDPOINT",
    help: "OTLP/gRPC endpoint: http:// plaintext, https:// TLS; also OTEL_EXPORTER_OTLP_TRACES_ENDPOINT (default: http://localhost:4317)",
  },
  {
    key: "otlpHeader",
    flags: "--otlp-header <key=value>",
    env: "OTEL_EXPORTER_OTLP_HEADERS",
    help: 'gRPC metadata on every export, e.g. "authorization=Basic <base64>"; repeatable (env: comma-separated, percent-encoded)',
    repeatable: true,
  },
  {
    key: "otlpInsecure",
    flags: "--otlp-insecure",
    env: "OTEL_EXPORTER_OTLP_INSECURE",
    help: "plaintext for an endpoint given without a scheme (env: true/false; default: false = TLS)",
    boolean: true,
  },
  {
    key: "otlpCertificate",
    flags: "--otlp-certificate <file>",
    env: "OTEL_EXPORTER_OTLP_CERTIFICATE",
    help: "PEM CA certificate(s) to verify the endpoint with (default: the system's CAs)",
  },
  {
    key: "otlpClientCertificate",
    flags: "--otlp-client-certificate <file>",
    env: "OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE",
    help: "PEM client certificate for mutual TLS (with --otlp-client-key)",
  },
  {
    key: "otlpClientKey",
    flags: "--otlp-client-key <file>",
    env: "OTEL_EXPORTER_OTLP_CLIENT_KEY",
    help: "PEM private key of the client certificate",
  },
  {
    key: "otlpTimeout",
    flags: "--otlp-timeout <ms>",
    env: "OTEL_EXPORTER_OTLP_TIMEOUT",
    help: "timeout of one export request in milliseconds (default: 10000)",
  },
  {
    key: "serviceName",
    flags: "--service-name <name>",
    env: "OTEL_SERVICE_NAME",
    help: "service.name of the generator's own spans (the scenario service marked self: true; default: trace-generator)",
  },
  {
    key: "resourceAttributes",
    flags: "--resource-attributes <key=value,...>",
    env: "OTEL_RESOURCE_ATTRIBUTES",
    help: "resource attributes added to every service, e.g. k8s.pod.ip=10.0.0.7",
  },
];

const HELP_FOOTER = `

Every setting can also come from the environment variable shown; a flag wins over its variable.
OTLP variables follow the OpenTelemetry specification (OTEL_EXPORTER_OTLP_TRACES_* wins over OTEL_EXPORTER_OTLP_*).

Built-in scenarios: ${builtinScenarios().join(", ")}

Output: log lines on stderr (start, stats every --stats-interval, outages, stop); the last line on
stdout is the final summary as JSON. Exit codes: 0 done (also after SIGTERM/SIGINT), 1 export errors
with --fail-on-export-error, 2 invalid flags, environment or scenario (nothing was sent).

Examples:
  trace-generator --scenario shop --rate 20 --duration 1m
  trace-generator --scenario sample-service --target-url http://localhost:8080 --workers 4
  OTEL_EXPORTER_OTLP_ENDPOINT=https://localhost:30443 OTEL_EXPORTER_OTLP_CERTIFICATE=.state/ca.crt \\
    OTEL_EXPORTER_OTLP_HEADERS="authorization=Basic $(printf '%s:%s' "$USER_NAME" "$PASSWORD" | base64 -w0)" \\
    trace-generator --count 100`;

function buildCommand(): Command {
  const program = new Command("trace-generator")
    .description(
      "Realistic multi-service OpenTelemetry traces at a controlled rate, synthetic or as real HTTP calls, over OTLP/gRPC.",
    )
    .allowUnknownOption()
    .allowExcessArguments()
    .exitOverride()
    .configureOutput({ writeOut: () => undefined, writeErr: () => undefined })
    .helpOption("-h, --help", "show this help")
    .option("--list-scenarios", "print the built-in scenarios and exit")
    .option("--check", "validate the settings and the scenario, print what would run, send nothing");
  for (const s of SETTINGS) {
    const help = `${s.help} [env: ${s.env}]`;
    if (s.repeatable)
      program.option(s.flags, help, (value: string, previous: string[] | undefined) => [
        ...(previous ?? []),
        value,
      ]);
    else program.option(s.flags, help);
  }
  program.addHelpText("after", HELP_FOOTER);
  return program;
}

export function helpText(): string {
  const program = buildCommand();
  return program.helpInformation() + HELP_FOOTER.replace(/^\n/, "") + "\n";
}

export function parseConfig(argv: readonly string[], env: Env, cwd = process.cwd()): ParseResult {
  const program = buildCommand();
  const problems: string[] = [];
  try {
    program.parse(argv, { from: "user" });
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === "commander.helpDisplayed" || error.code === "commander.help")
        return { kind: "exit", code: 0, output: helpText() };
      problems.push(error.message.replace(/^error: /, ""));
      return { kind: "invalid", problems };
    }
    throw error;
  }
  const opts = program.opts<Record<string, string | string[] | boolean | undefined>>();
  for (const arg of program.args)
    problems.push(
      arg.startsWith("-")
        ? `unknown option ${arg} (see --help)`
        : `unexpected argument "${arg}" (this command takes only options)`,
    );
  if (opts.listScenarios === true)
    return { kind: "exit", code: 0, output: builtinScenarios().join("\n") + "\n" };
  // A misspelt variable would otherwise be ignored without a word.
  const known = new Set(SETTINGS.map((s) => s.env));
  for (const name of Object.keys(env)) {
    if (name.startsWith("TRACEGEN_") && !known.has(name)) {
      const ours = SETTINGS.map((s) => s.env).filter((e) => e.startsWith("TRACEGEN_"));
      problems.push(`${name}: not a trace-generator variable (expected one of: ${ours.join(", ")})`);
    }
  }

  const bySetting = new Map(SETTINGS.map((s) => [s.key, s]));
  /** The raw value and its source label, flag first, then env. */
  const raw = (key: string): { value: string; source: string } | undefined => {
    const s = bySetting.get(key) as Setting;
    const flag = opts[key];
    const flagName = s.flags.split(" ").find((f) => f.startsWith("--")) as string;
    if (typeof flag === "string") return { value: flag, source: flagName };
    const value = env[s.env];
    if (value !== undefined && value.trim() !== "") return { value: value.trim(), source: s.env };
    return undefined;
  };
  const number = (key: string, fallback: number, check: (n: number) => boolean, expected: string): number => {
    const r = raw(key);
    if (r === undefined) return fallback;
    const n = Number(r.value);
    if (r.value === "" || !Number.isFinite(n) || !check(n)) {
      problems.push(`${r.source}: expected ${expected}, got "${r.value}"`);
      return fallback;
    }
    return n;
  };
  const duration = (key: string, fallbackMs: number, allowZero: boolean): number => {
    const r = raw(key);
    if (r === undefined) return fallbackMs;
    if (allowZero && r.value === "0") return 0;
    const ms = parseDuration(r.value);
    if (ms === undefined || (!allowZero && ms <= 0)) {
      problems.push(`${r.source}: expected ${DURATION_HINT}${allowZero ? " (or 0)" : ""}, got "${r.value}"`);
      return fallbackMs;
    }
    return ms;
  };
  const bool = (key: string): boolean => {
    if (opts[key] === true) return true;
    const s = bySetting.get(key) as Setting;
    const value = env[s.env]?.trim();
    if (value === undefined || value === "") return false;
    if (/^(true|1)$/i.test(value)) return true;
    if (/^(false|0)$/i.test(value)) return false;
    problems.push(`${s.env}: expected true or false, got "${value}"`);
    return false;
  };
  const isWhole = (n: number): boolean => Number.isSafeInteger(n) && n >= 0;

  const rate = number("rate", 10, (n) => n >= 0, "a number of units per second >= 0");
  const rateUnitRaw = raw("rateUnit");
  let rateUnit: RateUnit = "traces";
  if (rateUnitRaw !== undefined) {
    if (rateUnitRaw.value === "traces" || rateUnitRaw.value === "spans") rateUnit = rateUnitRaw.value;
    else problems.push(`${rateUnitRaw.source}: expected "traces" or "spans", got "${rateUnitRaw.value}"`);
  }
  const workers = number(
    "workers",
    1,
    (n) => Number.isSafeInteger(n) && n >= 1 && n <= 1000,
    "a whole number 1..1000",
  );
  const durationMs = duration("duration", 0, true);
  const count = number("count", 0, isWhole, "a whole number >= 0");
  const seedRaw = raw("seed");
  const seed = number("seed", 0, isWhole, "a whole number 0..2^53");
  const targetUrlRaw = raw("targetUrl") ?? { value: "http://localhost:8080", source: "default" };
  let targetUrl = new URL("http://localhost:8080");
  try {
    targetUrl = new URL(targetUrlRaw.value);
    if (targetUrl.protocol !== "http:" && targetUrl.protocol !== "https:") throw new Error("scheme");
  } catch {
    problems.push(
      `${targetUrlRaw.source}: expected an http(s) URL like "http://localhost:8080", got "${targetUrlRaw.value}"`,
    );
  }
  const httpTimeoutMs = duration("httpTimeout", 5000, false);
  const statsIntervalMs = duration("statsInterval", 10_000, true);
  const shutdownTimeoutMs = duration("shutdownTimeout", 10_000, false);
  const maxQueueSize = number(
    "maxQueueSize",
    20_000,
    (n) => Number.isSafeInteger(n) && n >= 1,
    "a whole number >= 1",
  );
  const batchSize = number("batchSize", 512, (n) => Number.isSafeInteger(n) && n >= 1, "a whole number >= 1");
  if (batchSize > maxQueueSize)
    problems.push(`--batch-size (${batchSize}) must not exceed --max-queue-size (${maxQueueSize})`);
  const exportConcurrency = number(
    "exportConcurrency",
    2,
    (n) => Number.isSafeInteger(n) && n >= 1 && n <= 64,
    "a whole number 1..64",
  );

  const runAttributes: Record<string, string> = {};
  const attrFlags = opts.attribute;
  if (Array.isArray(attrFlags)) {
    for (const a of attrFlags)
      for (const [k, v] of parseKeyValueList(a, `--attribute "${a}"`, problems)) runAttributes[k] = v;
  } else if (env.TRACEGEN_ATTRIBUTES !== undefined && env.TRACEGEN_ATTRIBUTES.trim() !== "") {
    for (const [k, v] of parseKeyValueList(env.TRACEGEN_ATTRIBUTES, "TRACEGEN_ATTRIBUTES", problems))
      runAttributes[k] = v;
  }
  const runId = raw("runId");
  if (runId !== undefined) runAttributes[RUN_ID_ATTRIBUTE] = runId.value;

  const resourceRaw = raw("resourceAttributes");
  const resourceAttributes = Object.fromEntries(
    resourceRaw === undefined ? [] : parseKeyValueList(resourceRaw.value, resourceRaw.source, problems),
  );
  const serviceName = raw("serviceName")?.value;

  const otlp = resolveOtlpSettings(
    {
      endpoint: typeof opts.otlpEndpoint === "string" ? opts.otlpEndpoint : undefined,
      headers: Array.isArray(opts.otlpHeader) ? opts.otlpHeader : undefined,
      insecure: opts.otlpInsecure === true ? true : undefined,
      certificate: typeof opts.otlpCertificate === "string" ? opts.otlpCertificate : undefined,
      clientCertificate:
        typeof opts.otlpClientCertificate === "string" ? opts.otlpClientCertificate : undefined,
      clientKey: typeof opts.otlpClientKey === "string" ? opts.otlpClientKey : undefined,
      timeout: typeof opts.otlpTimeout === "string" ? opts.otlpTimeout : undefined,
    },
    env,
    problems,
    cwd,
  );

  let scenario: Scenario | undefined;
  const scenarioRaw = raw("scenario") ?? { value: "shop", source: "default" };
  try {
    scenario = loadScenario(scenarioRaw.value, cwd);
  } catch (error) {
    if (!(error instanceof ScenarioError)) throw error;
    problems.push(...error.problems);
  }
  const failOnExportError = bool("failOnExportError");

  if (problems.length > 0 || scenario === undefined) return { kind: "invalid", problems };
  return {
    kind: "run",
    config: Object.freeze({
      scenario,
      rate,
      rateUnit,
      workers,
      durationMs,
      count,
      seed: seedRaw === undefined ? randomSeed() : seed,
      seedGiven: seedRaw !== undefined,
      targetUrl,
      httpTimeoutMs,
      runAttributes: Object.freeze(runAttributes),
      statsIntervalMs,
      summaryJson: raw("summaryJson")?.value,
      failOnExportError,
      shutdownTimeoutMs,
      maxQueueSize,
      batchSize,
      exportConcurrency,
      otlp,
      resource: Object.freeze({ attributes: Object.freeze(resourceAttributes), serviceName }),
      check: opts.check === true,
    }),
  };
}
