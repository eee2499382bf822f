// The README's generated blocks — the versions table (from manifests/versions/versions.env), the make
// targets table (from the Makefile) and the auth modes (from scripts/lib/auth-modes.ts) — so none can
// disagree with its source. `make docs` rewrites them, through Prettier so that lint passes on what it
// wrote; the docs test fails when the README differs from what this renders.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as prettier from "prettier";
import { AUTH_MODES, authModes, DEFAULT_AUTH_MODE, modeOverlays, tlsEndsAt } from "../lib/auth-modes.ts";
import { REPO_ROOT } from "../lib/topology.ts";
import { type Versions, versions } from "../lib/versions.ts";
import { coldSetUpResults } from "../gobuild/costs.ts";
import {
  duration,
  modeSwitchBlock,
  nodeMemoryReadmeBlock,
  nodeMemoryTroubleshootingBlock,
  rotationsBlock,
  throughputBlock,
  upTimesBlock,
} from "./figures.ts";
import type { GeneratedBlock } from "./generated-block.ts";
import { benchArchitectureBlock, benchReadmeBlock } from "./bench-blocks.ts";

const VERSION_ROWS: ReadonlyArray<readonly [string, (v: Versions) => string, string]> = [
  ["Node.js (toolchain)", (v) => v.NODE_VERSION, "from the npm registry when the system Node is older"],
  ["Node.js (images)", (v) => `\`${v.NODE_IMAGE}\``, "base of both app images"],
  [
    "OpenTelemetry Collector",
    (v) => `\`${v.OTELCOL_IMAGE}:${v.OTELCOL_VERSION}\``,
    "edge DaemonSet and gateway; the local build uses the same version",
  ],
  [
    "Jaeger v2",
    (v) => `\`${v.JAEGER_IMAGE}:${v.JAEGER_VERSION}\``,
    "the local build installs the same release (module tag `v" + "${JAEGER_MODULE_VERSION}`)",
  ],
  ["kind", (v) => `≥ ${v.KIND_VERSION}`, "minimum checked by `make up`"],
  [
    "Kubernetes (kind node image)",
    (v) => `\`${v.KIND_NODE_IMAGE.replace(/@sha256:[0-9a-f]{64}$/, "")}\``,
    "pinned by digest",
  ],
  ["kubectl", (v) => `≥ ${v.KUBECTL_MIN_VERSION}`, "minimum checked by `make up`"],
  [
    "Traefik",
    (v) => `\`${v.TRAEFIK_IMAGE}:${v.TRAEFIK_VERSION}\``,
    "the remote cluster's Gateway API implementation; the local topology runs the same release",
  ],
  [
    "Prometheus",
    (v) => `\`${v.PROMETHEUS_IMAGE}:${v.PROMETHEUS_VERSION}\``,
    "the pipeline's metrics and alerts; the local build installs the same release (module tag `v" +
      "${PROMETHEUS_MODULE_VERSION}`, API without the UI's assets)",
  ],
  [
    "Gateway API",
    (v) => v.GATEWAY_API_VERSION,
    "standard-channel CRDs, the release the pinned Traefik is built against",
  ],
  ["telemetrygen", (v) => v.TELEMETRYGEN_VERSION, "independent OTLP client for cross-checks and benchmarks"],
  ["kubectl-validate (tests)", (v) => v.KUBECTL_VALIDATE_VERSION, "offline schema validation"],
  ["kube-linter (tests)", (v) => v.KUBE_LINTER_VERSION, "security linter of the contract tests"],
  [
    "Kubernetes (offline node image)",
    (v) => v.OFFLINE_KUBERNETES_VERSION,
    "`make images-offline` only: the newest patch of the pinned minor that the Go module proxy serves",
  ],
  [
    "containerd (offline node image)",
    (v) => v.CONTAINERD_VERSION,
    "`make images-offline` only, as kind's base image uses 2.x",
  ],
  ["crictl (offline node image)", (v) => v.CRI_TOOLS_VERSION, "`make images-offline` only"],
  [
    "local-path-provisioner (offline node image)",
    (v) => v.LOCAL_PATH_PROVISIONER_VERSION,
    "`make images-offline` only: kind's default StorageClass",
  ],
  [
    "Debian (offline images)",
    (v) => v.DEBIAN_SUITE,
    "`make images-offline` only: debootstrap of the root filesystems",
  ],
];

export const versionsBlock: GeneratedBlock = {
  start: "<!-- versions:start (generated from manifests/versions/versions.env: make docs) -->",
  end: "<!-- versions:end -->",
  render() {
    const v = versions();
    const rows = VERSION_ROWS.map(
      ([name, value, note]) =>
        `| ${name} | ${value(v)} | ${note
          .replace("${JAEGER_MODULE_VERSION}", v.JAEGER_MODULE_VERSION)
          .replace("${PROMETHEUS_MODULE_VERSION}", v.PROMETHEUS_MODULE_VERSION)} |`,
    );
    return ["| component | version | note |", "|---|---|---|", ...rows].join("\n");
  },
};

/** `##@ Group` and `target: ## text` lines of the Makefile, as `make help` reads them. */
export function makefileTargets(makefile: string): Array<{ group: string; target: string; text: string }> {
  const out: Array<{ group: string; target: string; text: string }> = [];
  let group = "";
  for (const line of makefile.split("\n")) {
    const heading = /^##@ (.+)$/.exec(line);
    if (heading) group = heading[1] ?? "";
    const entry = /^([a-zA-Z0-9_-]+):.*## (.+)$/.exec(line);
    if (entry) out.push({ group, target: entry[1] ?? "", text: entry[2] ?? "" });
  }
  return out;
}

export const makeTargetsBlock: GeneratedBlock = {
  start: "<!-- make-targets:start (generated from the Makefile: make docs) -->",
  end: "<!-- make-targets:end -->",
  render() {
    const rows = makefileTargets(readFileSync(join(REPO_ROOT, "Makefile"), "utf8")).map(
      ({ group, target, text }) => `| ${group} | \`make ${target}\` | ${text} |`,
    );
    return ["| group | target | what it does |", "|---|---|---|", ...rows].join("\n");
  },
};

/** The auth modes as scripts/lib/auth-modes.ts defines them: what the edge sends, where TLS ends, the overlays. */
export const authModesBlock: GeneratedBlock = {
  start: "<!-- auth-modes:start (generated from scripts/lib/auth-modes.ts: make docs) -->",
  end: "<!-- auth-modes:end -->",
  render() {
    const yes = (on: boolean) => (on ? "yes" : "no");
    const files = (list: readonly string[]) =>
      list.length > 0 ? list.map((f) => `\`${f}\``).join(", ") : "none";
    const rows = AUTH_MODES.map((mode) => {
      const spec = authModes[mode];
      return `| \`${mode}\`${mode === DEFAULT_AUTH_MODE ? " (default)" : ""} | ${yes(spec.password)} | ${yes(spec.clientCertificate)} | ${tlsEndsAt(mode)} | ${files(modeOverlays("edge", mode))} | ${files(modeOverlays("remote", mode))} |`;
    });
    return [
      "| `AUTH=` | password | client certificate | TLS ends at | edge overlays | remote overlays |",
      "|---|---|---|---|---|---|",
      ...rows,
    ].join("\n");
  },
};

/** What a cold set-up costs, tool by tool, from the measured results make up's estimates also read. */
export const coldSetUpBlock: GeneratedBlock = {
  file: "hack/images/README.md",
  start: "<!-- cold-set-up:start (generated from docs/results/cold-set-up.json: make docs) -->",
  end: "<!-- cold-set-up:end -->",
  render() {
    const results = coldSetUpResults();
    const tools = Object.entries(results.tools).sort(([, a], [, b]) => b - a);
    const total = tools.reduce((sum, [, seconds]) => sum + seconds, 0);
    return [
      `Measured ${results.date} on ${results.machine}, from empty Go caches in a cold \`.ci/run\`: two builds at a time beside the other stages of \`make test\`, so each time is one of two sharing the CPU:`,
      "",
      "| what | time |",
      "|---|---|",
      ...tools.map(([tool, seconds]) => `| Go: ${tool} | ${duration(seconds)} |`),
      `| Go: all ${tools.length} tools | ${duration(total)} |`,
      `| the images, from the built binaries | ${duration(results.images)} |`,
      `| Debian's Docker engine, installed and started | ${duration(results.engine)} |`,
      "",
      `Disk left behind: Go's module cache ${results.disk.goModules} GiB, its build cache ${results.disk.goBuildCache} GiB, the engine's images ${results.disk.docker} GiB.`,
    ].join("\n");
  },
};

interface CiRuns {
  readonly machine: string;
  readonly runs: readonly {
    kind: string;
    date: string;
    caches: string;
    total_seconds: number;
    stages: Readonly<Record<string, number>>;
  }[];
}

/** CI's own timings of whole `.ci/run`s, cold and warm, stage by stage (docs/results/ci-runs.json). */
export const ciRunsBlock: GeneratedBlock = {
  start: "<!-- ci-runs:start (generated from docs/results/ci-runs.json: make docs) -->",
  end: "<!-- ci-runs:end -->",
  render() {
    const results = JSON.parse(
      readFileSync(join(REPO_ROOT, "docs", "results", "ci-runs.json"), "utf8"),
    ) as CiRuns;
    const stages = [...new Set(results.runs.flatMap((run) => Object.keys(run.stages)))].filter(
      (s) => s !== "make test",
    );
    const cell = (seconds: number | undefined) => (seconds === undefined ? "–" : duration(seconds));
    return [
      `\`bash .ci/run\` from a fresh clone on ${results.machine}. The stages overlap, so they do not add up to the whole: the images' Go builds run behind lint, the type check, the unit tier and the integration tests; the contract tools' builds and the rest of the offline tier run beside the clusters tier once it has timed its second \`make up\`.`,
      "",
      `| stage | ${results.runs.map((run) => `${run.kind} (${run.date})`).join(" | ")} |`,
      `|---|${results.runs.map(() => "---:").join("|")}|`,
      ...stages.map(
        (stage) => `| ${stage} | ${results.runs.map((run) => cell(run.stages[stage])).join(" | ")} |`,
      ),
      `| **the whole run** | ${results.runs.map((run) => `**${duration(run.total_seconds)}**`).join(" | ")} |`,
      "",
      ...results.runs.map((run) => `${run.kind}: ${run.caches}.`),
    ].join("\n");
  },
};

export const README_BLOCKS: readonly GeneratedBlock[] = [
  versionsBlock,
  makeTargetsBlock,
  authModesBlock,
  coldSetUpBlock,
  ciRunsBlock,
  upTimesBlock,
  modeSwitchBlock,
  rotationsBlock,
  throughputBlock,
  benchReadmeBlock,
  benchArchitectureBlock,
  nodeMemoryReadmeBlock,
  nodeMemoryTroubleshootingBlock,
];

export const fileOf = (block: GeneratedBlock) => block.file ?? "README.md";

/** The text between a block's markers, or undefined when the markers are missing. */
export function currentBlock(text: string, block: GeneratedBlock): string | undefined {
  const start = text.indexOf(block.start);
  const end = text.indexOf(block.end);
  if (start < 0 || end < start) return undefined;
  return text.slice(start + block.start.length, end).trim();
}

export function replaceBlocks(text: string, file = "README.md"): string {
  let out = text;
  for (const block of README_BLOCKS.filter((b) => fileOf(b) === file)) {
    const start = out.indexOf(block.start);
    const end = out.indexOf(block.end);
    if (start < 0 || end < start) throw new Error(`${file} has no "${block.start}" … "${block.end}" block`);
    out = `${out.slice(0, start + block.start.length)}\n${block.render()}\n${out.slice(end)}`;
  }
  return out;
}

/** A file with its generated blocks regenerated, formatted as `make lint` expects it. */
export async function regenerated(file: string): Promise<string> {
  const path = join(REPO_ROOT, file);
  const options = await prettier.resolveConfig(path);
  return prettier.format(replaceBlocks(readFileSync(path, "utf8"), file), { ...options, filepath: path });
}

/** Rewrites every file that holds a generated block; returns their names. */
export async function writeRegenerated(): Promise<string[]> {
  const files = [...new Set(README_BLOCKS.map(fileOf))];
  for (const file of files) writeFileSync(join(REPO_ROOT, file), await regenerated(file));
  return files;
}
