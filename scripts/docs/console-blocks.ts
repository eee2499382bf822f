// The docs' console blocks that show what a make target prints. Each is marked with the transcript it
// comes from, `<!-- transcript: make-up-first -->` above its fence (Prettier adds a blank line), and must show the
// transcript's lines: the same lines, in order, with the same counts and names. A block may leave lines
// out where a line of `…` says so to the reader; it may not add, reorder or change one.
import type { MarkdownFile } from "./markdown.ts";
import { normaliseLine, readTranscript } from "./transcripts.ts";

export interface ConsoleBlock {
  /** 1-based line of the opening fence. */
  readonly line: number;
  /** The transcript named by the marker above the fence, if any. */
  readonly transcript: string | undefined;
  readonly commands: readonly string[];
  readonly output: readonly string[];
}

/** Targets whose output the docs may only show from a transcript. */
export const TRANSCRIBED_TARGETS = [
  "up",
  "status",
  "verify",
  "send",
  "rotate",
  "down",
  "local",
  "local-verify",
];

export function consoleBlocks(markdown: string): ConsoleBlock[] {
  const blocks: ConsoleBlock[] = [];
  for (const match of markdown.matchAll(
    /(?:<!-- transcript: ([\w.-]+) -->\n\n?)?```console\n([\s\S]*?)```/g,
  )) {
    const body = (match[2] ?? "").replace(/\n$/, "").split("\n");
    blocks.push({
      line: markdown.slice(0, (match.index ?? 0) + match[0].indexOf("```")).split("\n").length,
      transcript: match[1],
      commands: body.filter((l) => l.startsWith("$ ")),
      output: body.filter((l) => !l.startsWith("$ ")),
    });
  }
  return blocks;
}

/** A block showing the output of a transcribed target, which therefore needs a transcript marker. */
export function needsTranscript(block: ConsoleBlock): boolean {
  if (block.output.every((l) => l.trim() === "" || isElision(l))) return false;
  return block.commands.some((c) =>
    TRANSCRIBED_TARGETS.some((t) => new RegExp(`^\\$ make ${t}(\\s|$)`).test(c)),
  );
}

const isElision = (line: string) => /^\s*(…|\.\.\.)\s*$/.test(line);

/**
 * What is wrong with the block against its transcript: the command differs, or a shown line is not in
 * the transcript after the previous shown one; with `strictOmissions`, also lines left out without a "…".
 * Empty when the block is faithful.
 */
export function blockProblems(block: ConsoleBlock, transcript: string, strictOmissions = true): string[] {
  const lines = transcript.split("\n").map(normaliseLine);
  const problems: string[] = [];
  const command = block.commands[0];
  // A transcript's command may carry a comment on what it kept (`$ make local   # the [local] lines`).
  const transcribed = (lines[0] ?? "").replace(/\s+#.*$/, "");
  if (command !== undefined && normaliseLine(command) !== transcribed)
    problems.push(`the block runs "${command}" but the transcript is of "${transcribed}"`);
  let at = 1;
  let elided = false;
  for (const shown of block.output) {
    if (isElision(shown)) {
      elided = true;
      continue;
    }
    const wanted = normaliseLine(shown);
    const found = lines.indexOf(wanted, at);
    if (found < 0) {
      const elsewhere = lines.indexOf(wanted, 1);
      problems.push(
        elsewhere < 0
          ? `"${shown.trim()}" is not in the transcript`
          : `"${shown.trim()}" is out of order (the transcript has it at line ${elsewhere + 1})`,
      );
      continue;
    }
    // Skipped transcript lines (other than blank ones) must be marked, so the reader knows.
    if (strictOmissions && !elided && lines.slice(at, found).some((line) => line.trim() !== ""))
      problems.push(`lines are left out before "${shown.trim()}" without a "…" line to say so`);
    elided = false;
    at = found + 1;
  }
  return problems;
}

/**
 * Every marked block in the project's Markdown that disagrees with its transcript in docs/transcripts/,
 * as "file:line: problem" lines; `only` limits the check to the transcripts a run has just written. Such a
 * run's output may carry lines another run does not print (apt installs, progress lines), so there
 * unmarked omissions are not reported; the docs test holds the committed transcripts to that rule.
 */
export function transcriptProblems(docs: readonly MarkdownFile[], only?: ReadonlySet<string>): string[] {
  const problems: string[] = [];
  for (const doc of docs)
    for (const block of consoleBlocks(doc.text)) {
      if (block.transcript === undefined || (only && !only.has(block.transcript))) continue;
      const transcript = readTranscript(block.transcript);
      const found =
        transcript === undefined
          ? [`no transcript docs/transcripts/${block.transcript}.txt`]
          : blockProblems(block, transcript, only === undefined);
      problems.push(...found.map((p) => `${doc.path}:${block.line}: ${p}`));
    }
  return problems;
}
