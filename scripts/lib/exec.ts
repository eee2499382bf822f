// Runs docker, kind and kubectl. Every command line is appended to a run log (for the failure report),
// which is safe because nothing secret ever travels in argv: Secrets go to kubectl on stdin, and stdin
// is never logged.
import { appendFileSync } from "node:fs";
import { execa } from "execa";

export interface RunOptions {
  /** Sent to the process's stdin (never logged). */
  input?: string;
  /** Extra environment (never logged). */
  env?: Record<string, string>;
  cwd?: string;
  /** Give up after this many milliseconds (the tools' own --timeout flags are preferred). */
  timeoutMs?: number;
  /** Resolve with the result instead of throwing on a non-zero exit. */
  allowFailure?: boolean;
}

export interface RunResult {
  readonly command: string;
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** A command that failed; the message names it and carries the tail of its output. */
export class CommandFailed extends Error {
  readonly result: RunResult;
  constructor(result: RunResult, reason: string) {
    super(`\`${result.command}\` ${reason}${tailOf(result)}`);
    this.name = "CommandFailed";
    this.result = result;
  }
}

/** A tool that is not on PATH. */
export class ToolMissing extends Error {
  readonly tool: string;
  constructor(tool: string) {
    super(`${tool} was not found on PATH`);
    this.name = "ToolMissing";
    this.tool = tool;
  }
}

const TAIL_LINES = 20;

export function lastLines(text: string, count = TAIL_LINES): string {
  return text.trimEnd().split("\n").slice(-count).join("\n");
}

function tailOf(result: RunResult): string {
  const output = lastLines([result.stdout, result.stderr].filter((s) => s.trim() !== "").join("\n"));
  return output === "" ? "" : `\n${output.replace(/^/gm, "    ")}`;
}

let runLog: string | undefined;

/** Appends every command line (not its stdin or env) and its outcome to `path`. */
export function logCommandsTo(path: string | undefined): void {
  runLog = path;
}

function record(line: string): void {
  if (runLog !== undefined) appendFileSync(runLog, `${line}\n`);
}

/** Quotes an argv for humans (logs and error messages), not for a shell. */
export function describeCommand(file: string, args: readonly string[]): string {
  return [file, ...args].map((arg) => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : JSON.stringify(arg))).join(" ");
}

export async function run(
  file: string,
  args: readonly string[],
  options: RunOptions = {},
): Promise<RunResult> {
  const command = describeCommand(file, args);
  record(`$ ${command}`);
  const result = await execa(file, args, {
    input: options.input,
    env: options.env,
    cwd: options.cwd,
    timeout: options.timeoutMs,
    reject: false,
    stripFinalNewline: false,
  });
  // With reject: false, a binary that is not on PATH comes back as a failed result with code ENOENT.
  if ((result as { code?: string }).code === "ENOENT") {
    record("  not found on PATH");
    throw new ToolMissing(file);
  }
  const outcome: RunResult = {
    command,
    exitCode: result.exitCode ?? 1,
    stdout: String(result.stdout ?? ""),
    stderr: String(result.stderr ?? ""),
  };
  // The duration shows where a slow command's time went (make up's steps run many short ones).
  const took = `${(result.durationMs / 1000).toFixed(2)}s`;
  record(
    `  exit ${outcome.exitCode} after ${took}${outcome.stderr.trim() === "" ? "" : `\n${outcome.stderr.trimEnd().replace(/^/gm, "  ")}`}`,
  );
  if (result.timedOut) throw new CommandFailed(outcome, `timed out after ${options.timeoutMs} ms`);
  if (outcome.exitCode !== 0 && !options.allowFailure)
    throw new CommandFailed(outcome, `failed with exit code ${outcome.exitCode}`);
  return outcome;
}
