// The check of a docs console block against its transcript, on hand-made inputs: what it lets a block
// leave out, and what it reports (a changed, an added, a reordered line; lines left out unmarked; another
// command).
import { describe, expect, it } from "vitest";
import { blockProblems, consoleBlocks, needsTranscript } from "./console-blocks.ts";

const transcript = [
  "$ make down",
  "cluster edge: deleted",
  "cluster remote: deleted",
  "engine: stopped (0.4s)",
  "[exit 0]",
].join("\n");
const block = (lines: string[], marker = "make-down") =>
  consoleBlocks(`<!-- transcript: ${marker} -->\n\n\`\`\`console\n${lines.join("\n")}\n\`\`\`\n`)[0]!;

describe("blockProblems", () => {
  it.each([
    ["every line, as printed", ["$ make down", "cluster edge: deleted", "cluster remote: deleted"], []],
    ["lines left out with …", ["$ make down", "…", "engine: stopped (<time>)"], []],
    ["a time as a reader's run prints it", ["$ make down", "…", "engine: stopped (2.1s)"], []],
    [
      "lines left out silently",
      ["$ make down", "cluster edge: deleted", "engine: stopped (<time>)"],
      ['lines are left out before "engine: stopped (<time>)" without a "…" line to say so'],
    ],
    [
      "a changed line",
      ["$ make down", "cluster edge: removed"],
      ['"cluster edge: removed" is not in the transcript'],
    ],
    [
      "two lines swapped",
      ["$ make down", "cluster remote: deleted", "cluster edge: deleted"],
      [
        'lines are left out before "cluster remote: deleted" without a "…" line to say so',
        '"cluster edge: deleted" is out of order (the transcript has it at line 2)',
      ],
    ],
    [
      "another command",
      ["$ make down PURGE=1", "cluster edge: deleted"],
      ['the block runs "$ make down PURGE=1" but the transcript is of "$ make down"'],
    ],
  ])("%s", (_name, lines, problems) => {
    expect(blockProblems(block(lines), transcript)).toEqual(problems);
  });
});

describe("needsTranscript", () => {
  it.each([
    [["$ make up", "[1/10] Preflight"], true],
    [["$ make up"], false],
    [["$ make up", "…"], false],
    [["$ make jaeger", "Forwarding"], false],
    [["$ make local-verify", "PASS"], true],
  ])("%j → %s", (lines, expected) => {
    expect(needsTranscript(consoleBlocks(`\`\`\`console\n${lines.join("\n")}\n\`\`\`\n`)[0]!)).toBe(expected);
  });
});
