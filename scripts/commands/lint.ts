// `make lint`: ESLint (the layering rules included), Prettier's check, and the shell checks: the bootstrap
// under dash and posh, checkbashisms, shellcheck, and no GNU-only construct on the path macOS users run
// (scripts/lint/posix-shell.ts). A shell checker that is not installed fails the lint in CI and is named,
// with its Debian package, elsewhere.
import { execa } from "execa";
import { parseFlags, runMain } from "../cli/command.ts";
import { green, red, say } from "../cli/ui.ts";
import { Failure, exitCodes } from "../lib/exit-codes.ts";
import { REPO_ROOT } from "../lib/topology.ts";
import { checkShell } from "../lint/posix-shell.ts";

const command = {
  name: "lint",
  summary: "ESLint, Prettier's check and the shell checks (POSIX bootstrap, shellcheck, checkbashisms).",
  options: {},
  help: {},
} as const;

async function step(name: string, file: string, args: readonly string[]): Promise<boolean> {
  say(`lint: ${name}`);
  const result = await execa(file, args, { cwd: REPO_ROOT, reject: false, stdio: "inherit" });
  return result.exitCode === 0;
}

if (import.meta.main)
  runMain(async () => {
    parseFlags(command, process.argv.slice(2));
    const failed: string[] = [];
    if (!(await step("ESLint", "eslint", ["."]))) failed.push("ESLint");
    if (!(await step("Prettier", "prettier", ["--check", "."]))) failed.push("Prettier");
    say("lint: shell");
    for (const run of await checkShell()) {
      const missing = /is not installed/.test(run.output) && !run.ok;
      if (missing && process.env.CI !== "true") {
        say(`  skipped  ${run.name}: ${run.output}`);
        continue;
      }
      say(`  ${run.ok ? green("ok") : red("FAIL")}     ${run.name}`);
      if (!run.ok) {
        failed.push(run.name);
        if (run.output !== "") say(run.output.replace(/^/gm, "           "));
      }
    }
    if (failed.length > 0) throw new Failure(`lint failed: ${failed.join("; ")}`, exitCodes.stepFailed);
    say(green("lint: all passed"));
  });
