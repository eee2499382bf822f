// Measured figures in the docs come from results files (docs/results/), written by the run that measured
// them, and reach the prose through generated blocks (`make docs`). A figure typed by hand fails the docs
// test: handTypedFigures() finds them. The ones written before this rule are listed, each by its figure
// and the words around it, in hand-typed-figures.json, until they move into a generated block; a new one
// is not on that list and fails. A figure that is not a measurement is marked on its line: an upstream
// default `<!-- external: where it comes from -->`, one of the project's own settings
// `<!-- setting: the file that sets it -->` (the docs test checks that the file exists).
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { machineDescription } from "../lib/machine.ts";
import { REPO_ROOT } from "../lib/topology.ts";
import { readTranscript } from "./transcripts.ts";
import type { GeneratedBlock } from "./generated-block.ts";

export const RESULTS_DIR = join(REPO_ROOT, "docs", "results");

export function duration(seconds: number): string {
  if (seconds < 60) return `${Math.round(seconds * 10) / 10} s`;
  const whole = Math.round(seconds);
  return `${Math.floor(whole / 60)} min ${String(whole % 60).padStart(2, "0")} s`;
}

interface SuiteResults {
  readonly what?: string;
  readonly date: string;
  readonly machine: string;
  readonly seconds: Readonly<Record<string, number>>;
  readonly nodeMemoryMiB: Readonly<Partial<Record<"edge" | "remote", number>>>;
  readonly nodeMemoryNote?: string;
  /** Spans sent and found in Jaeger per load run of the suite ("rotate-ca"). */
  readonly spanCounts?: Readonly<Record<string, { sent: number; inJaeger: number }>>;
  /** Step 6t: the highest rate of the ramp stored in full, and the marked spans' latency at it. */
  readonly throughput?: ThroughputFigures;
}

export interface ThroughputFigures {
  readonly sustainedSpansPerSecond: number;
  readonly p50Ms?: number;
  readonly p99Ms?: number;
  readonly probes: number;
}

export const SUITE_RESULTS = join(RESULTS_DIR, "clusters-suite.json");

export function suiteResults(): SuiteResults {
  return JSON.parse(readFileSync(SUITE_RESULTS, "utf8")) as SuiteResults;
}

/**
 * The suite's end: this run's times replace the file's (the docs quote one run, not a mix), but only a run
 * that began on a newcomer's machine has the first `make up` the docs show.
 */
export function recordSuiteResults(
  times: ReadonlyMap<string, number>,
  nodeMemoryMiB: Readonly<Partial<Record<"edge" | "remote", number>>>,
  spanCounts: ReadonlyMap<string, { sent: number; inJaeger: number }> = new Map(),
  throughput?: ThroughputFigures,
): void {
  if (!times.has("make-up-first")) return;
  const results: SuiteResults = {
    what: suiteResults().what ?? "",
    date: new Date().toISOString().slice(0, 10),
    machine: machineDescription(),
    seconds: Object.fromEntries([...times].map(([name, s]) => [name, Math.round(s * 10) / 10])),
    nodeMemoryMiB,
    spanCounts: Object.fromEntries(spanCounts),
    ...(throughput ? { throughput } : {}),
  };
  writeFileSync(SUITE_RESULTS, `${JSON.stringify(results, null, 2)}\n`);
}

function seconds(results: SuiteResults, transcript: string): number {
  const value = results.seconds[transcript];
  if (value === undefined) throw new Error(`${SUITE_RESULTS} has no time for ${transcript}`);
  return value;
}

/** The README's sentence on how long the first and a second `make up` took, from the suite's results. */
export const upTimesBlock: GeneratedBlock = {
  start: "<!-- up-times:start (generated from docs/results/clusters-suite.json: make docs) -->",
  end: "<!-- up-times:end -->",
  render() {
    const r = suiteResults();
    return `In the real-cluster suite's last recorded run (${r.date}, on ${r.machine}), this first \`make up\` took ${duration(seconds(r, "make-up-first"))}; a second one took ${duration(seconds(r, "make-up-again"))}.`;
  },
};

/** Switching the auth mode of running clusters: `make up AUTH=…`'s time and its verify rows (transcripts). */
export const modeSwitchBlock: GeneratedBlock = {
  start:
    "<!-- mode-switch:start (generated from docs/results/clusters-suite.json and docs/transcripts/: make docs) -->",
  end: "<!-- mode-switch:end -->",
  render() {
    const r = suiteResults();
    const switches = (["mtls", "both", "basic"] as const).map((mode) => {
      const verify = readTranscript(`make-verify-auth-${mode}`) ?? "";
      const rows = /verify: all (\d+) checks passed/.exec(verify)?.[1] ?? "?";
      return `${duration(seconds(r, `make-up-auth-${mode}`))} to \`${mode}\` (${rows} rows)`;
    });
    return `Switching the mode of running clusters (\`make up AUTH=…\`, then its \`make verify\` rows) took ${switches[0]}, ${switches[1]} and ${switches[2]} back (the real-cluster suite, ${r.date}).`;
  },
};

/** What each kind of rotation restarts: the design, not a measurement (docs/architecture.md#rotation). */
const ROTATION_RESTARTS = {
  server: "none",
  client: "none",
  credentials: "remote collector ×2, rolling",
  ca: "edge collector ×2 (queue on disk)",
} as const;

/** `make rotate` per kind in the suite's last run: its time, and the spans of the load it ran under. */
export const rotationsBlock: GeneratedBlock = {
  start: "<!-- rotations:start (generated from docs/results/clusters-suite.json: make docs) -->",
  end: "<!-- rotations:end -->",
  render() {
    const r = suiteResults();
    const rows = Object.entries(ROTATION_RESTARTS).map(([kind, restarts]) => {
      const time = r.seconds[`make-rotate-${kind}`];
      const load = r.spanCounts?.[`rotate-${kind}`];
      const spans = load ? `${load.sent} = ${load.inJaeger}` : "–";
      return `| \`${kind}\` | ${time === undefined ? "–" : duration(time)} | ${spans} | ${restarts} |`;
    });
    return [
      `The real-cluster suite's last run (${r.date}, on ${r.machine}), \`AUTH=both\`:`,
      "",
      "| `WHAT=` | `make rotate` | spans sent = in Jaeger | restarts |",
      "|---|---:|---|---|",
      ...rows,
      "",
      "A dash: no load ran during that rotation, or the run kept no count of it.",
    ].join("\n");
  },
};

/** Step 6t's result in the README: the top rate with nothing lost, and the latency measured at it. */
export const throughputBlock: GeneratedBlock = {
  start: "<!-- throughput:start (generated from docs/results/clusters-suite.json: make docs) -->",
  end: "<!-- throughput:end -->",
  render() {
    const r = suiteResults();
    const t = r.throughput;
    if (!t) return `The suite's last recorded run (${r.date}) has no throughput figures.`;
    const latency =
      t.p99Ms === undefined
        ? "no marked span came back"
        : `marked spans took p50 ${t.p50Ms} ms and p99 ${t.p99Ms} ms from the sender to Jaeger's API (${t.probes} probes, sent and polled through \`kubectl port-forward\`)`;
    return `In its last recorded run (${r.date}, on ${r.machine}), ${t.sustainedSpansPerSecond} spans/s was the highest rate stored in full; at it, ${latency}.`;
  },
};

const mib = (value: number) =>
  value >= 1024 ? `${(value / 1024).toFixed(2)} GiB` : `${Math.round(value)} MiB`;

/** The kind nodes' memory after `make up` and the monitoring step, as the suite last measured it. */
function nodeMemorySentence(): string {
  const r = suiteResults();
  const nodes = (["edge", "remote"] as const)
    .filter((node) => r.nodeMemoryMiB[node] !== undefined)
    .map((node) => `${node} ${mib(r.nodeMemoryMiB[node]!)}`);
  return `it measured the kind nodes at ${nodes.join(", ")} (docker stats, ${r.date}${r.nodeMemoryNote ? `; ${r.nodeMemoryNote}` : ""})`;
}

export const nodeMemoryReadmeBlock: GeneratedBlock = {
  start: "<!-- node-memory:start (generated from docs/results/clusters-suite.json: make docs) -->",
  end: "<!-- node-memory:end -->",
  render: nodeMemorySentence,
};

export const nodeMemoryTroubleshootingBlock: GeneratedBlock = {
  ...nodeMemoryReadmeBlock,
  file: "docs/troubleshooting.md",
};

const UNIT =
  "(?:ms|s|sec|seconds?|min|minutes?|h|hours?|MiB|MB|GiB|GB|KiB|kB|%|spans/s|traces/s|req/s|×|cores?|v?CPUs?)";
const FIGURE = new RegExp(`(?<![\\w.\\-/:#<])\\d+(?:[.,–-]\\d+)*\\s?${UNIT}(?![\\w/])`, "g");

const NOT_MEASURED = /<!-- (?:external|setting):/;

/** The files named by `<!-- setting: path -->` markers, as written. */
export function settingFiles(markdown: string): string[] {
  return [...markdown.matchAll(/<!-- setting: (\S+?) -->/g)].map((m) => m[1]!);
}

/** Prose with code, generated blocks and comments blanked out, line numbers kept. */
function prose(markdown: string): string[] {
  const blank = (m: string) => "\n".repeat(m.split("\n").length - 1);
  return markdown
    .replace(/<!-- ([\w-]+):start[\s\S]*?<!-- \1:end -->/g, blank)
    .replace(/```[\s\S]*?```/g, blank)
    .split("\n")
    .map((line) => (NOT_MEASURED.test(line) ? "" : line.replace(/`[^`\n]+`|<!--.*?-->/g, "")));
}

/** Every figure typed into a document's prose, as "figure ‹ words around it ›", which stays put when lines move. */
export function handTypedFigures(markdown: string): string[] {
  const found: string[] = [];
  for (const line of prose(markdown))
    for (const match of line.matchAll(FIGURE)) {
      const at = match.index ?? 0;
      const around = line
        .slice(Math.max(0, at - 24), at + match[0].length + 24)
        .replace(/\s+/g, " ")
        .trim();
      found.push(`${match[0]} ‹ ${around} ›`);
    }
  return found;
}

export const HAND_TYPED_BASELINE = join(REPO_ROOT, "scripts", "docs", "hand-typed-figures.json");

/** The hand-typed figures written before the rule, per file: the debt that generated blocks pay off. */
export function handTypedBaseline(): Readonly<Record<string, readonly string[]>> {
  return JSON.parse(readFileSync(HAND_TYPED_BASELINE, "utf8")) as Record<string, string[]>;
}
