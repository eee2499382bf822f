// Command-line flags and environment variables, parsed once into a frozen Config. Flags win over env.
// Every problem is collected and reported together; nothing is started until the whole config is valid.
// The steps live in config/: the option table, the command line, the parser, the cross-field rules.
import { parseCommandLine } from "./config/command.ts";
import type { Env } from "./config/option.ts";
import { RUN_ID_ATTRIBUTE } from "./config/options.ts";
import type { OptionValues } from "./config/options.ts";
import { readOptions, unknownVariables } from "./config/read.ts";
import { crossFieldProblems } from "./config/validate.ts";
import { resolveOtlpSettings } from "./export/otlp-settings.ts";
import type { OtlpFlags, OtlpSettings } from "./export/otlp-settings.ts";
import { randomSeed } from "./rng.ts";
import { loadScenario, ScenarioError } from "./scenario/load.ts";
import type { Scenario } from "./scenario/load.ts";
import type { ResourceSettings } from "./tracers.ts";

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

export function parseConfig(argv: readonly string[], env: Env, cwd = process.cwd()): ParseResult {
  const command = parseCommandLine(argv);
  if (command.kind !== "options") return command;
  const problems = [...command.problems, ...unknownVariables(env)];
  const values = readOptions(command.flags, env, problems);
  problems.push(...crossFieldProblems(values));
  const otlp = resolveOtlpSettings(otlpFlags(values), env, problems, cwd);
  const scenario = loadScenarioInto(values.scenario, cwd, problems);
  if (problems.length > 0 || scenario === undefined) return { kind: "invalid", problems };
  return { kind: "run", config: freezeConfig(values, scenario, otlp, command.check) };
}

function otlpFlags(values: OptionValues): OtlpFlags {
  return {
    endpoint: values.otlpEndpoint,
    headers: values.otlpHeader,
    insecure: values.otlpInsecure,
    certificate: values.otlpCertificate,
    clientCertificate: values.otlpClientCertificate,
    clientKey: values.otlpClientKey,
    timeout: values.otlpTimeout,
  };
}

function loadScenarioInto(nameOrPath: string, cwd: string, problems: string[]): Scenario | undefined {
  try {
    return loadScenario(nameOrPath, cwd);
  } catch (error) {
    if (!(error instanceof ScenarioError)) throw error;
    problems.push(...error.problems);
    return undefined;
  }
}

function freezeConfig(v: OptionValues, scenario: Scenario, otlp: OtlpSettings, check: boolean): Config {
  const runAttributes: Record<string, string> = Object.fromEntries(v.attribute);
  if (v.runId !== undefined) runAttributes[RUN_ID_ATTRIBUTE] = v.runId;
  const resourceAttributes = Object.fromEntries(v.resourceAttributes ?? []);
  return Object.freeze({
    scenario,
    rate: v.rate,
    rateUnit: v.rateUnit,
    workers: v.workers,
    durationMs: v.duration,
    count: v.count,
    seed: v.seed ?? randomSeed(),
    seedGiven: v.seed !== undefined,
    targetUrl: v.targetUrl,
    httpTimeoutMs: v.httpTimeout,
    runAttributes: Object.freeze(runAttributes),
    statsIntervalMs: v.statsInterval,
    summaryJson: v.summaryJson,
    failOnExportError: v.failOnExportError,
    shutdownTimeoutMs: v.shutdownTimeout,
    maxQueueSize: v.maxQueueSize,
    batchSize: v.batchSize,
    exportConcurrency: v.exportConcurrency,
    otlp,
    resource: Object.freeze({ attributes: Object.freeze(resourceAttributes), serviceName: v.serviceName }),
    check,
  });
}
