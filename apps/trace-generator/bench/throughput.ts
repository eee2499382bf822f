// Benchmark (not a test): the maximum sustained spans/s of trace-generator on ONE core into a local
// OTLP/gRPC endpoint with zero dropped spans, its peak RSS, and telemetrygen's numbers in the same run
// with equivalent settings. The sink (bench/counting-sink.ts) runs on the other core, so it does not take
// CPU from the generator being measured.
//
//   hack/run node apps/trace-generator/bench/throughput.ts [--seconds 15] [--repeats 3]
import { execFileSync, fork, spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { availableParallelism, cpus } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { imageNodeOptions } from "@otel-e2r/testkit/image-node-options.ts";

const HERE = fileURLToPath(new URL(".", import.meta.url));
const REPO = fileURLToPath(new URL("../../../", import.meta.url));
const MAIN = join(HERE, "../src/main.ts");
const GENERATOR_CPU = "0";
const SINK_CPU = "1";

const { values } = parseArgs({
  options: { seconds: { type: "string", default: "15" }, repeats: { type: "string", default: "3" } },
});
const SECONDS = Number(values.seconds);
const REPEATS = Number(values.repeats);
const problems = [
  ...(Number.isFinite(SECONDS) && SECONDS >= 3
    ? []
    : [`--seconds: expected a number >= 3, got "${values.seconds}"`]),
  ...(Number.isSafeInteger(REPEATS) && REPEATS >= 1
    ? []
    : [`--repeats: expected a whole number >= 1, got "${values.repeats}"`]),
];
if (problems.length > 0) {
  console.error(problems.join("\n"));
  process.exit(2);
}

const started = performance.now();
const TOTAL_STEPS = 13;
let step = 0;
const progress = (what: string): void => {
  step++;
  console.error(`[${step}/${TOTAL_STEPS}] ${what} (+${((performance.now() - started) / 1000).toFixed(1)}s)`);
};

// Preflight: two cores to pin on, and taskset to pin with.
const cores = availableParallelism();
try {
  execFileSync("taskset", ["--version"], { stdio: "ignore" });
} catch {
  console.error(
    "taskset (util-linux) is missing: install it (apt-get install util-linux) to pin processes to cores.",
  );
  process.exit(2);
}
if (cores < 2) {
  console.error(`need 2 cores (generator on one, sink on the other); this machine has ${cores}.`);
  process.exit(2);
}

progress("telemetrygen binary (scripts/commands/tools.ts path telemetrygen)");
const toolsCli = join(REPO, "scripts/commands/tools.ts");
const tool = (args: string[]) => execFileSync(process.execPath, [toolsCli, ...args], { encoding: "utf8" });
const telemetrygen = tool(["path", "telemetrygen"]).trim();

interface SinkStats {
  spans: number;
  requests: number;
  cpuMs: number;
}

progress(`counting OTLP/gRPC sink on CPU ${SINK_CPU}`);
const sink: ChildProcess = fork(join(HERE, "counting-sink.ts"), [], {
  stdio: ["ignore", "inherit", "inherit", "ipc"],
});
const port = await new Promise<number>((resolve) =>
  sink.once("message", (m: { port: number }) => resolve(m.port)),
);
execFileSync("taskset", ["-a", "-p", "-c", SINK_CPU, String(sink.pid)], { stdio: "ignore" });
const endpoint = `127.0.0.1:${port}`;
const sinkStats = (): Promise<SinkStats> =>
  new Promise((resolve) => {
    sink.once("message", (m: SinkStats) => resolve(m));
    sink.send({ cmd: "stats" });
  });

/** Peak RSS (VmHWM) of a running process, polled until it exits. */
function watchPeakRss(pid: number): () => number {
  let peakKb = 0;
  const timer = setInterval(() => {
    try {
      const kb = Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0);
      peakKb = Math.max(peakKb, kb);
    } catch {
      // exited
    }
  }, 100);
  return () => {
    clearInterval(timer);
    return Math.round(peakKb / 102.4) / 10;
  };
}

interface Result {
  readonly name: string;
  readonly command: string;
  readonly spansPerSecond: number;
  readonly received: number;
  readonly generated: number | undefined;
  readonly dropped: number | undefined;
  readonly rssMiB: number;
  readonly sinkCpuShare: number;
}

async function measure(
  name: string,
  command: string[],
  parse?: (stdout: string) => { generated: number; dropped: number; rssMiB: number },
): Promise<Result> {
  const before = await sinkStats();
  const t0 = performance.now();
  const child = spawn("taskset", ["-c", GENERATOR_CPU, ...command], { stdio: ["ignore", "pipe", "pipe"] });
  const peak = watchPeakRss(child.pid as number);
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
  const wallMs = performance.now() - t0;
  const rssPolled = peak();
  if (code !== 0) throw new Error(`${name} exited ${code}:\n${stderr.slice(-2000)}`);
  const after = await sinkStats();
  const received = after.spans - before.spans;
  const own = parse?.(stdout);
  return {
    name,
    command: command.map((c) => c.replace(REPO, "")).join(" "),
    spansPerSecond: Math.round(received / SECONDS),
    received,
    generated: own?.generated,
    dropped: own?.dropped,
    rssMiB: own?.rssMiB ?? rssPolled,
    sinkCpuShare: Math.round(((after.cpuMs - before.cpuMs) / wallMs) * 100) / 100,
  };
}

const parseSummary = (stdout: string) => {
  const s = JSON.parse(stdout.trim().split("\n").at(-1) ?? "{}") as {
    spans: number;
    dropped: number;
    maxRssMiB: number;
  };
  return { generated: s.spans, dropped: s.dropped, rssMiB: s.maxRssMiB };
};
const generatorArgs = (scenario: string, rate: string, unit = "spans"): string[] => [
  process.execPath,
  MAIN,
  "--scenario",
  scenario,
  "--rate",
  rate,
  "--rate-unit",
  unit,
  "--duration",
  `${SECONDS}s`,
  "--stats-interval",
  "0",
  "--otlp-endpoint",
  `http://${endpoint}`,
];

// The image's heap settings (its Dockerfile's ENV NODE_OPTIONS), so the numbers are the deployed ones.
const IMAGE_NODE_OPTIONS = imageNodeOptions(join(HERE, "../Dockerfile"));

/** Runs `times` times and keeps the median by spans/s (this machine is shared: single runs are noisy). */
async function median(times: number, once: () => Promise<Result>): Promise<Result> {
  const runs: Result[] = [];
  for (let i = 0; i < times; i++) runs.push(await once());
  runs.sort((a, b) => a.spansPerSecond - b.spansPerSecond);
  const mid = runs[Math.floor(runs.length / 2)] as Result;
  return {
    ...mid,
    rssMiB: Math.max(...runs.map((r) => r.rssMiB)),
    name: `${mid.name} [median of ${times}: ${runs.map((r) => r.spansPerSecond).join(", ")}]`,
  };
}

const results: Result[] = [];
const twoSpans = join(HERE, "two-spans.yaml");
const ourArgs = (scenario: string, rate: string) => [
  process.execPath,
  ...IMAGE_NODE_OPTIONS,
  ...generatorArgs(scenario, rate).slice(1),
];

progress(
  `trace-generator, two-spans scenario, unthrottled (--rate 0: keeps the exporter busy, never drops), node ${IMAGE_NODE_OPTIONS.join(" ")}, ${REPEATS}× ${SECONDS}s on CPU ${GENERATOR_CPU}`,
);
const max = await median(REPEATS, () =>
  measure("trace-generator (two-spans, unthrottled)", ourArgs(twoSpans, "0"), parseSummary),
);
results.push(max);

progress(
  "trace-generator, two-spans scenario, paced: the highest rate (90 %, 80 %, … of the maximum) with zero dropped spans",
);
for (const share of [0.9, 0.8, 0.7, 0.6, 0.5]) {
  const rate = Math.floor((max.spansPerSecond * share) / 1000) * 1000;
  const paced = await measure(
    `trace-generator (two-spans, --rate ${rate} --rate-unit spans)`,
    ourArgs(twoSpans, String(rate)),
    parseSummary,
  );
  results.push(paced);
  if (paced.dropped === 0 && paced.received === paced.generated) break;
}

progress(
  `trace-generator, shop scenario (5 services, attributes, events), unthrottled, ${REPEATS}× ${SECONDS}s`,
);
results.push(
  await median(REPEATS, () =>
    measure("trace-generator (shop, unthrottled)", ourArgs("shop", "0"), parseSummary),
  ),
);

progress("trace-generator, two-spans, unthrottled, Node's default heap settings (no NODE_OPTIONS)");
results.push(
  await measure(
    "trace-generator (two-spans, unthrottled, default heap)",
    generatorArgs(twoSpans, "0"),
    parseSummary,
  ),
);

// telemetrygen's --rate is per worker and its rate limiter tops out near 1000 traces/s per worker, while
// --rate 0 lets its SDK batch processor drop most spans silently: sweep a few settings, keep the best.
for (const [rate, workers] of [
  ["0", 1],
  ["1000", 8],
  ["1000", 32],
  ["5000", 32],
  ["5000", 64],
  ["5000", 128],
  ["20000", 64],
] as const) {
  progress(
    `telemetrygen traces --child-spans 1 --rate ${rate} --workers ${workers}, ${SECONDS}s on CPU ${GENERATOR_CPU}`,
  );
  results.push(
    await measure(`telemetrygen (--rate ${rate} --workers ${workers})`, [
      telemetrygen,
      "traces",
      "--otlp-endpoint",
      endpoint,
      "--otlp-insecure",
      "--rate",
      rate,
      "--workers",
      String(workers),
      "--child-spans",
      "1",
      "--duration",
      `${SECONDS}s`,
    ]),
  );
}
sink.disconnect();

const machineLoad = readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
const bestTelemetrygen = Math.max(
  ...results.filter((r) => r.name.startsWith("telemetrygen")).map((r) => r.spansPerSecond),
);
console.log(
  `machine: ${cores} cores (${cpus()[0]?.model ?? "unknown CPU"}), Node ${process.version}; generator pinned to CPU ${GENERATOR_CPU}, sink to CPU ${SINK_CPU}; ` +
    `${SECONDS}s per run; load average at the end: ${machineLoad}; trace-generator heap flags: ${IMAGE_NODE_OPTIONS.join(" ")}`,
);
console.log(
  "| run | spans/s (received by the sink) | spans received | generated | dropped | peak RSS (MiB) | sink CPU (cores) |",
);
console.log("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
for (const r of results) {
  console.log(
    `| ${r.name} | ${r.spansPerSecond} | ${r.received} | ${r.generated ?? "n/a"} | ${r.dropped ?? "n/a"} | ${r.rssMiB} | ${r.sinkCpuShare} |`,
  );
}
console.log(
  `ratio trace-generator / telemetrygen (two-spans unthrottled vs best telemetrygen): ${(max.spansPerSecond / bestTelemetrygen).toFixed(2)}`,
);
const lossless = [max, results.find((r) => r.name.includes("shop"))].every(
  (r) => r?.dropped === 0 && r.received === r.generated,
);
console.log(
  `zero loss in the unthrottled runs (every generated span received, none dropped): ${lossless ? "yes" : "NO"}`,
);
console.log(
  `floor (>= 20000 spans/s, RSS < 200 MiB): ${max.spansPerSecond >= 20_000 && max.rssMiB < 200 ? "met" : "NOT met"}`,
);
console.error(`done in ${((performance.now() - started) / 1000).toFixed(1)}s`);
