// What the make targets printed in a real run, kept in docs/transcripts/ so that a reviewer sees every
// change of output, and the docs' console blocks are checked against them (console-blocks.ts). What
// changes from run to run (times, hashes, paths, generated names, live counts) is normalised, so that a
// transcript changes only when the output really does.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { REPO_ROOT } from "../lib/topology.ts";

export const TRANSCRIPTS_DIR = join(REPO_ROOT, "docs", "transcripts");

/**
 * The volatile parts of the output and what they become, in the order applied. Each row names what it
 * stands for, so the docs show `<time>` where a reader's run shows their own time.
 */
export const NORMALISATIONS: ReadonlyArray<readonly [RegExp, string, string]> = [
  [/\b\d{4}-\d{2}-\d{2}T[\d:.]+Z\b/g, "<timestamp>", "ISO timestamps"],
  [/\b\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}-\d{3}Z\b/g, "<timestamp>", "timestamps in file names"],
  [/\[\d{2}\/\w{3}\/\d{4}(?::\d{2}){3} [+-]\d{4}\]/g, "[<timestamp>]", "access log timestamps"],
  [/\b\d{4}-\d{2}-\d{2}\b/g, "<date>", "dates (certificate expiry)"],
  [/\b\d{2}:\d{2}:\d{2}\b/g, "<clock>", "times of day"],
  [
    /(go-bin\/)[\w.-]+\/[\w.-]+\/(?=(?:kind|kubectl)\b)/g,
    "$1<tool>/<version>/",
    "where the project's kind and kubectl are cached (the kubectl recipe's or the Kubernetes build's)",
  ],
  [/\bin \d+ days\b/g, "in <n> days", "days left until an expiry"],
  [/\b[0-9a-f]{12,64}\b/g, "<hash>", "trace ids, digests, content tags, run ids"],
  // Kubernetes writes generated names in an alphabet without vowels (SafeEncodeString), so words are safe.
  [
    /-[bcdfghjklmnpqrstvwxz2-9]{6,10}-[bcdfghjklmnpqrstvwxz2-9]{5}\b/g,
    "-<pod>",
    "a Deployment's pod name suffix",
  ],
  [
    /\botel-collector-[bcdfghjklmnpqrstvwxz2-9]{5}\b/g,
    "otel-collector-<pod>",
    "the DaemonSet's pod name suffix",
  ],
  [
    /\b(127\.0\.0\.1|localhost):(?:3[2-9]\d{3}|[4-6]\d{4})\b/g,
    "$1:<port>",
    "ephemeral ports (a port-forward's)",
  ],
  [/\b\d+m\d+s\b/g, "<time>", "durations such as 1m12s"],
  [/\b\d+[mhd](?:\d+[smh])?(?=\s|$)/gm, "<time>", "kubectl's AGE column: 5m, 2d3h"],
  [/\b\d+(?:\.\d+)?\s?(?:ms|s|min)\b/g, "<time>", "durations such as 0.4s, 96s, 12 s, about 5 min"],
  [/\b\d+(?:\.\d+)? ?(?:GiB|MiB)\b/g, "<size>", "memory and disk sizes of this machine"],
  [/\b\d+ (recent traces|spans|traces|refused calls|spans arrived)\b/g, "<n> $1", "live counts"],
  [/×\d+/g, "×<n>", "live counts of attribute values"],
  [/\b\d+% full\b/g, "<n>% full", "the queue's fill"],
  [/"[^"\n]*" → "[^"\n]*"/g, '"<span>" → "<span>"', "span names of whichever trace was newest"],
];

export interface NormaliseContext {
  /** Paths and generated names of this run, each with the stable text a reader would see instead. */
  readonly replacements?: ReadonlyArray<readonly [string, string]>;
}

/** One line with its volatile parts replaced; its layout (indent, columns) kept. */
function stableLine(line: string): string {
  let out = line;
  for (const [pattern, replacement] of NORMALISATIONS) out = out.replace(pattern, replacement);
  return out.trimEnd();
}

/**
 * One line as the docs compare it: stable, with runs of spaces folded, since a placeholder is not as wide
 * as what it replaced and shifts a table's columns.
 */
export function normaliseLine(line: string): string {
  return stableLine(line)
    .replace(/[ \t]+/g, " ")
    .trim();
}

/**
 * A whole output, normalised: the run's own paths first (longest first, so the state folder wins over
 * the checkout), then the table above; a progress line (`… …`) repeated only because the work took longer
 * is kept once.
 */
export function normaliseTranscript(text: string, context: NormaliseContext = {}): string {
  const replacements = [
    ...(context.replacements ?? []),
    [REPO_ROOT.replace(/\/$/, ""), "<repo>"] as const,
    [homedir(), "~"] as const,
  ].sort(([a], [b]) => b.length - a.length);
  let raw = text;
  for (const [from, to] of replacements) if (from !== "") raw = raw.split(from).join(to);
  const lines: string[] = [];
  for (const line of raw.split("\n").map(stableLine)) {
    if (line.trim().startsWith("…") && lines.at(-1) === line) continue;
    lines.push(line);
  }
  return `${lines.join("\n").trim()}\n`;
}

/** docs/transcripts/<name>.txt: the command, then what it printed (stdout, then stderr), then its exit code. */
export function writeTranscript(
  name: string,
  command: string,
  output: { stdout: string; stderr: string; exitCode: number },
  context: NormaliseContext = {},
): string {
  const text = normaliseTranscript(
    [`$ ${command}`, output.stdout, output.stderr, `[exit ${output.exitCode}]`].filter(Boolean).join("\n"),
    context,
  );
  mkdirSync(TRANSCRIPTS_DIR, { recursive: true });
  const path = join(TRANSCRIPTS_DIR, `${name}.txt`);
  // Atomically: the docs test may read the folder while a suite running beside it writes.
  writeFileSync(`${path}.${process.pid}`, text);
  renameSync(`${path}.${process.pid}`, path);
  return path;
}

export function readTranscript(name: string): string | undefined {
  try {
    return readFileSync(join(TRANSCRIPTS_DIR, `${name}.txt`), "utf8");
  } catch {
    return undefined;
  }
}
