// The numbered step runner behind `make up`: progress and elapsed time per step; on failure it names
// the step, shows the tail of what failed, and hands over to the caller's failure handler (kind logs).
import { bold, dim, green, red, say, seconds } from "./ui.ts";
import { CommandFailed } from "../lib/exec.ts";
import { Failure, exitCodes } from "../lib/exit-codes.ts";

export interface Step<Context> {
  readonly title: string;
  /** Does the work; may return a one-line summary ("created edge, remote already existed"). */
  run(context: Context, note: (line: string) => void): Promise<string | void>;
}

export interface FailedStep {
  readonly number: number;
  readonly title: string;
  readonly error: unknown;
}

export interface RunStepsOptions {
  /** Called after a step fails and its error is printed: export logs, print diagnostics. */
  onFailure?: (failed: FailedStep) => Promise<void>;
  now?: () => number;
}

export async function runSteps<Context>(
  steps: readonly Step<Context>[],
  context: Context,
  options: RunStepsOptions = {},
): Promise<void> {
  const now = options.now ?? (() => performance.now());
  const total = steps.length;
  const started = now();
  for (const [index, step] of steps.entries()) {
    const number = index + 1;
    say(bold(`[${number}/${total}] ${step.title}`));
    const stepStarted = now();
    try {
      const summary = await step.run(context, (line) => say(dim(`      ${line}`)));
      say(`      ${green("✓")} ${summary ? `${summary} ` : ""}${dim(`(${seconds(now() - stepStarted)})`)}`);
    } catch (error) {
      say(`      ${red("✗")} failed after ${seconds(now() - stepStarted)}`);
      say();
      say(red(bold(`Step ${number}/${total} "${step.title}" failed:`)));
      say(indent(messageOf(error)));
      await options.onFailure?.({ number, title: step.title, error });
      throw new Failure(
        `step ${number}/${total} "${step.title}" failed`,
        error instanceof Failure ? error.exitCode : exitCodes.stepFailed,
      );
    }
  }
  say(green(bold(`All ${total} steps done in ${seconds(now() - started)}.`)));
}

export function messageOf(error: unknown): string {
  if (error instanceof Failure || error instanceof CommandFailed) return error.message;
  if (error instanceof Error) return error.message;
  return String(error);
}

export function indent(text: string, prefix = "  "): string {
  return text.replace(/^/gm, prefix);
}
