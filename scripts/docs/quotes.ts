// The messages the troubleshooting page quotes come from a test or a transcript: each piece of a quoted
// message (the text between its `…`) is found, as written, in a test file or in docs/transcripts/.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT } from "../lib/topology.ts";
import { normaliseLine, TRANSCRIPTS_DIR } from "./transcripts.ts";

/** The section's table cells and text blocks quoted as messages: the second column, and ```text blocks. */
export function quotedMessages(markdown: string, heading: string): string[] {
  const start = markdown.indexOf(`\n## ${heading}\n`);
  if (start < 0) return [];
  const end = markdown.indexOf("\n## ", start + 1);
  const section = markdown.slice(start, end < 0 ? undefined : end);
  const cells = [...section.matchAll(/^\| [^|]+ \| (.+?) \|[^|]*\|$/gm)]
    .map((m) => m[1] ?? "")
    .filter((cell) => !/^-+$/.test(cell.trim()))
    .flatMap((cell) => [...cell.matchAll(/`` (.+?) ``|`([^`]+)`/g)].map((m) => m[1] ?? m[2] ?? ""));
  const blocks = [...section.matchAll(/```text\n([\s\S]*?)```/g)].flatMap((m) =>
    (m[1] ?? "").split("\n").filter((line) => line.trim() !== ""),
  );
  return [...cells.filter((c) => c !== "message begins"), ...blocks];
}

/**
 * The pieces of a message that must be found as written (placeholders `…` split it), normalised as the
 * transcripts are (a reader's 2.0 GiB is a transcript's <size>).
 */
export const pieces = (message: string) =>
  normaliseLine(message)
    .split("…")
    .map((piece) =>
      piece
        .trim()
        .replace(/^[(),.:;]+|[(),.:;]+$/g, "")
        .trim(),
    )
    .filter((piece) => piece.length >= 12);

/** Files under dir, skipping what other tests create and delete while this one reads (temp folders). */
function files(dir: string, keep: (name: string) => boolean, out: string[] = []): string[] {
  for (const entry of readdirOrNone(dir)) {
    if (["node_modules", ".git", ".cache", ".logs", ".state"].includes(entry.name)) continue;
    const full = join(dir, entry.name);
    if (entry.isDirectory()) files(full, keep, out);
    else if (keep(entry.name)) out.push(full);
  }
  return out;
}

const gone = (error: unknown) => (error as NodeJS.ErrnoException).code === "ENOENT";

function readdirOrNone(dir: string) {
  try {
    return readdirSync(dir, { withFileTypes: true });
  } catch (error) {
    if (gone(error)) return [];
    throw error;
  }
}

function readOrEmpty(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (error) {
    if (gone(error)) return "";
    throw error;
  }
}

/** All test files (the real-cluster suite's steps too) and transcripts, normalised, as one text to search. */
export function evidence(): string {
  return [
    ...files(join(REPO_ROOT, "scripts"), (n) => n.endsWith(".test.ts")),
    ...files(join(REPO_ROOT, "scripts", "suites"), (n) => n.endsWith(".ts") && !n.endsWith(".test.ts")),
    ...files(join(REPO_ROOT, "apps"), (n) => n.endsWith(".test.ts")),
    ...files(TRANSCRIPTS_DIR, (n) => n.endsWith(".txt")),
  ]
    .flatMap((file) => readOrEmpty(file).split("\n"))
    .map(normaliseLine)
    .join("\n");
}
