// The command line as commander parses it, built from the option table: each row's flag with its derived
// help line, plus the commander-only flags (--help, --list-scenarios, --check). Commander only splits
// the arguments here; the rows' parsers read the values (config/read.ts).
import { Command, CommanderError, Option as CommanderOption } from "commander";
import { builtinScenarios } from "../scenario/load.ts";
import type { FlagValue } from "./option.ts";
import { helpLine } from "./option.ts";
import { OPTIONS } from "./options.ts";
import type { OptionKey } from "./options.ts";

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

const ROWS = Object.entries(OPTIONS) as [OptionKey, (typeof OPTIONS)[OptionKey]][];

function buildCommand(): Command {
  const program = new Command("trace-generator")
    .description(
      "Realistic multi-service OpenTelemetry traces at a controlled rate, synthetic or as real HTTP calls, over OTLP/gRPC.",
    )
    // Unknown options and stray arguments are collected and reported with every other problem.
    .allowUnknownOption()
    .allowExcessArguments()
    .exitOverride()
    .configureOutput({ writeOut: () => undefined, writeErr: () => undefined })
    .helpOption("-h, --help", "show this help")
    .option("--list-scenarios", "print the built-in scenarios and exit")
    .option("--check", "validate the settings and the scenario, print what would run, send nothing");
  for (const [, option] of ROWS) {
    const flag = new CommanderOption(option.flags, helpLine(option));
    if (option.arity === "list")
      flag.argParser((value: string, previous: string[] | undefined) => [...(previous ?? []), value]);
    program.addOption(flag);
  }
  program.addHelpText("after", HELP_FOOTER);
  return program;
}

export function helpText(): string {
  return buildCommand().helpInformation() + HELP_FOOTER.replace(/^\n/, "") + "\n";
}

export type CommandLine =
  | { readonly kind: "exit"; readonly code: number; readonly output: string }
  | { readonly kind: "invalid"; readonly problems: readonly string[] }
  | {
      readonly kind: "options";
      /** Each row's flag value, keyed like OPTIONS. */
      readonly flags: Readonly<Record<OptionKey, FlagValue>>;
      readonly check: boolean;
      /** Unknown options and stray arguments: reported together with the values' problems. */
      readonly problems: readonly string[];
    };

export function parseCommandLine(argv: readonly string[]): CommandLine {
  const program = buildCommand();
  try {
    program.parse(argv, { from: "user" });
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    if (error.code === "commander.helpDisplayed" || error.code === "commander.help")
      return { kind: "exit", code: 0, output: helpText() };
    // Commander stops at its first error (e.g. a flag without its value), so this one comes alone.
    return { kind: "invalid", problems: [error.message.replace(/^error: /, "")] };
  }
  const problems = program.args.map((arg) =>
    arg.startsWith("-")
      ? `unknown option ${arg} (see --help)`
      : `unexpected argument "${arg}" (this command takes only options)`,
  );
  const opts = program.opts<Record<string, FlagValue>>();
  if (opts.listScenarios === true)
    return { kind: "exit", code: 0, output: builtinScenarios().join("\n") + "\n" };
  const byAttribute = new Map(program.options.map((o) => [o.flags, o.attributeName()]));
  const flags = Object.fromEntries(
    ROWS.map(([key, option]) => [key, opts[byAttribute.get(option.flags) as string]]),
  ) as Record<OptionKey, FlagValue>;
  return { kind: "options", flags, check: opts.check === true, problems };
}
