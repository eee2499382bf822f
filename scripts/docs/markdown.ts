// Reads the project's Markdown (README files and docs/) and extracts what the docs tests check:
// `make <target>` mentions, repository paths, relative links and runnable (offline) code blocks.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { REPO_ROOT } from "../lib/topology.ts";

export interface MarkdownFile {
  readonly path: string; // relative to the repo root
  readonly text: string;
}

const SKIP = new Set(["node_modules", ".git", ".state", ".cache", ".logs", "fixtures"]);

function walk(dir: string, out: string[]): void {
  for (const name of readdirSync(dir)) {
    if (SKIP.has(name)) continue;
    const full = join(dir, name);
    if (statSync(full).isDirectory()) walk(full, out);
    else if (name.endsWith(".md")) out.push(full);
  }
}

/** Every Markdown file a reader of the repository sees. */
export function projectMarkdown(root = REPO_ROOT): MarkdownFile[] {
  const files: string[] = [];
  walk(root, files);
  return files.sort().map((full) => ({ path: relative(root, full), text: readFileSync(full, "utf8") }));
}

/** Everything in code: fenced blocks (output included) and inline spans. */
function codeSegments(text: string): string[] {
  const fenced = [...text.matchAll(/```[^\n]*\n([\s\S]*?)```/g)].map((m) => m[1] ?? "");
  const inline = [...text.replace(/```[\s\S]*?```/g, "").matchAll(/`([^`\n]+)`/g)].map((m) => m[1] ?? "");
  return [...fenced, ...inline];
}

/** A line of output that is itself a command to run, as `make up`'s "Next:" lines are. */
const commandLine = (line: string) => /^\s*(sudo )?make /.test(line);

/**
 * Code a reader would type: fenced blocks and inline code spans. Prose ("make sure") is not a command, nor
 * is a message that mentions one: of a `console` block only the `$ ` lines and output lines that start with
 * a make command count, of a `text` block only the latter, and an inline span only when it starts with one.
 */
function commandSegments(text: string): string[] {
  const fenced = [...text.matchAll(/```([^\n]*)\n([\s\S]*?)```/g)].map(([, language = "", body = ""]) => {
    if (!/^(console|text)\b/.test(language)) return body;
    return body
      .split("\n")
      .filter((line) => (language.startsWith("console") && line.startsWith("$ ")) || commandLine(line))
      .join("\n");
  });
  const inline = [...text.replace(/```[\s\S]*?```/g, "").matchAll(/`([^`\n]+)`/g)]
    .map((m) => m[1] ?? "")
    .filter((span) => !/\bmake /.test(span) || commandLine(span));
  return [...fenced, ...inline];
}

/** `make up`, `make down PURGE=1` … in code → the target names mentioned (variables excluded). */
export function makeTargets(text: string): string[] {
  const found = new Set<string>();
  for (const code of commandSegments(text)) {
    // Targets are separated by single spaces; a wider gap starts a column of prose (`make up   does …`).
    for (const match of code.matchAll(/(?:^|[\s;&|($])make((?: [a-z][a-z0-9-]*)+)/gm)) {
      for (const word of (match[1] ?? "").trim().split(/\s+/)) found.add(word);
    }
  }
  return [...found];
}

/**
 * Repository paths in code (inline spans and fenced blocks), e.g. `scripts/local/README.md`, `manifests/edge/`
 * or `hack/run node apps/trace-generator/src/main.ts --help`. Paths inside other paths
 * (`.cache/manifests/edge.yaml`) and placeholders (`apps/<name>/`) are skipped.
 */
export function repoPaths(text: string): string[] {
  const found = new Set<string>();
  const pattern =
    /(?<![\w./~-])((?:apps|clusters|manifests|packages|scripts|docs|hack|\.ci|\.github)\/[^\s`'"()|,;]*)/g;
  for (const code of codeSegments(text)) {
    for (const match of code.matchAll(pattern)) {
      const path = (match[1] ?? "").replace(/[.:]+$/, "");
      if (!/[*<>{}$…]/.test(path)) found.add(path);
    }
  }
  return [...found];
}

/** Relative links `[text](target)` (not http(s), mailto or pure anchors). */
export function relativeLinks(text: string): Array<{ target: string; anchor: string | undefined }> {
  const links: Array<{ target: string; anchor: string | undefined }> = [];
  for (const match of text.matchAll(/\]\(([^)\s]+)\)/g)) {
    const href = match[1] ?? "";
    if (/^(https?:|mailto:)/.test(href)) continue;
    const [target = "", anchor] = href.split("#");
    links.push({ target, anchor });
  }
  return links;
}

/** GitHub's heading anchors: lower-case, punctuation dropped, spaces to dashes. */
export function headingAnchors(text: string): Set<string> {
  const anchors = new Set<string>();
  const withoutCode = text.replace(/```[\s\S]*?```/g, "");
  for (const match of withoutCode.matchAll(/^#{1,6}\s+(.+)$/gm)) {
    const slug = (match[1] ?? "")
      .trim()
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, "")
      .replace(/\s/g, "-");
    let candidate = slug;
    for (let i = 1; anchors.has(candidate); i++) candidate = `${slug}-${i}`;
    anchors.add(candidate);
  }
  return anchors;
}

/**
 * Code blocks fenced as ```bash offline — commands a reader can run without Docker.
 * offline-blocks.integration.test.ts runs them; an immediately following ```text expected block lists
 * lines the output must contain.
 */
export function offlineBlocks(text: string): Array<{ script: string; expected: string[] }> {
  const blocks: Array<{ script: string; expected: string[] }> = [];
  const pattern = /```bash offline\n([\s\S]*?)```(?:\s*```text expected\n([\s\S]*?)```)?/g;
  for (const match of text.matchAll(pattern)) {
    blocks.push({
      script: match[1] ?? "",
      expected: (match[2] ?? "").split("\n").filter((line) => line.trim() !== ""),
    });
  }
  return blocks;
}
