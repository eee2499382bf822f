// Shared plumbing of the bootstrap commands: strict flag parsing (unknown flag → exit 2) and a main
// wrapper that turns expected failures into a message and an exit code instead of a stack trace.
import { parseArgs, type ParseArgsOptionsConfig } from "node:util";
import { error as printError } from "./ui.ts";
import { Failure, exitCodes } from "../lib/exit-codes.ts";

export interface Command<Options extends ParseArgsOptionsConfig> {
  readonly name: string;
  readonly summary: string;
  readonly options: Options;
  /** Help text per option, shown by --help and on a usage error. */
  readonly help: Readonly<Record<string, string>>;
  readonly allowPositionals?: boolean;
}

export function usage<O extends ParseArgsOptionsConfig>(command: Command<O>): string {
  const lines = Object.entries(command.options).map(([name, option]) => {
    const flag = `--${name}${option.type === "string" ? " <value>" : ""}`;
    return `  ${flag.padEnd(24)} ${command.help[name] ?? ""}`;
  });
  return [
    `usage: node scripts/commands/${command.name}.ts [options]`,
    "",
    command.summary,
    "",
    "options:",
    ...lines,
    `  ${"--help".padEnd(24)} show this help`,
  ].join("\n");
}

/** Parses argv strictly; on a mistake throws a usage Failure (exit 2) naming the bad flag. */
export function parseFlags<O extends ParseArgsOptionsConfig>(command: Command<O>, argv: string[]) {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: { ...command.options, help: { type: "boolean" as const, short: "h" } },
      allowPositionals: command.allowPositionals ?? false,
      strict: true,
    });
  } catch (error) {
    throw new Failure(`${(error as Error).message}\n\n${usage(command)}`, exitCodes.usage);
  }
  if ((parsed.values as Record<string, unknown>).help === true) {
    process.stdout.write(`${usage(command)}\n`);
    process.exit(exitCodes.ok);
  }
  return parsed;
}

/** Runs a command's main function: expected failures print their message and set the exit code. */
export function runMain(main: () => Promise<void>): void {
  main().then(
    () => process.exit(process.exitCode ?? exitCodes.ok),
    (error: unknown) => {
      if (error instanceof Failure) {
        printError(error.message);
        process.exit(error.exitCode);
      }
      // An unexpected error is a bug: keep the stack for the report.
      printError(error instanceof Error ? (error.stack ?? error.message) : String(error));
      process.exit(exitCodes.stepFailed);
    },
  );
}

/** A command that takes no option: --help and the strict check of argv, then `main` under runMain. */
export function runWithoutOptions(name: string, summary: string, main: () => Promise<void>): void {
  const command = { name, summary, options: {}, help: {} } as const;
  runMain(async () => {
    parseFlags(command, process.argv.slice(2));
    await main();
  });
}

/**
 * For commands whose every failure is a step that did not work, not a bug in the command (`make local`'s
 * processes, `make manifests`'s kustomize): the error prints as its message, exit 1, never a stack trace.
 */
export function stepFailure(error: unknown): never {
  if (error instanceof Failure) throw error;
  throw new Failure(error instanceof Error ? error.message : String(error), exitCodes.stepFailed);
}
