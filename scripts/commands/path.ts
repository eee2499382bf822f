// `make path`: the line that puts the project's own kind and kubectl first on a shell's PATH, for the labs'
// kind and kubectl commands: `eval "$(make -s path)"`. `make up` uses its copies (downloaded or built into
// its cache) only where the user's are missing or older than the pins, and puts them on its own PATH alone;
// a terminal needs this line to find the same ones. Prints a comment, which eval ignores, where the
// user's own will do.
import { delimiter } from "node:path";
import { parseFlags, runMain } from "../cli/command.ts";
import { say } from "../cli/ui.ts";
import { useClusterTools } from "../provision/cluster-tools.ts";

const command = {
  name: "path",
  summary: "Prints the export line that puts make up's own kind and kubectl first on PATH.",
  options: {},
  help: {},
} as const;

/** A word for a POSIX shell, single-quoted: nothing in it is expanded. */
export const shellQuoted = (text: string) => `'${text.replaceAll("'", `'\\''`)}'`;

/** The export line for the folders `after` has in front of `before`, or a comment when there are none. */
export function exportLine(before: string, after: string): string {
  const known = new Set(before.split(delimiter));
  const added = after.split(delimiter).filter((entry) => entry !== "" && !known.has(entry));
  return added.length === 0
    ? "# kind and kubectl on your PATH will do: nothing to add"
    : `export PATH=${shellQuoted(added.join(delimiter))}"${delimiter}$PATH"`;
}

if (import.meta.main)
  runMain(async () => {
    parseFlags(command, process.argv.slice(2));
    const before = process.env.PATH ?? "";
    await useClusterTools();
    say(exportLine(before, process.env.PATH ?? ""));
  });
