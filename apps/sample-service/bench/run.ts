// Throughput, p99 latency and memory of the sample service with and without OpenTelemetry, under the same
// load (autocannon). Not a test: a measurement whose numbers go in the README.
//
//   node ./bench/run.ts [--duration 20] [--connections 50] [--warmup 5]
//
// Each mode runs the real service process on loopback: "off" is `node ./src/main.ts`, "on" is
// `node --import ./src/instrumentation.ts ./src/main.ts` exporting every span over OTLP/gRPC to a real
// receiver in a separate process. RSS is sampled from /proc (Linux) every 250 ms during the measured run.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { availableParallelism, cpus, totalmem } from "node:os";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import autocannon, { type Result } from "autocannon";
import { imageNodeOptions } from "@otel-e2r/testkit/image-node-options.ts";

const APP_DIR = fileURLToPath(new URL("..", import.meta.url));
const TARGETS = { minThroughputRatio: 0.7, maxRssMb: 150 } as const;

interface Options {
  /** Node flags for the service process in every mode: the image's NODE_OPTIONS unless --node-option is given. */
  nodeOptions: string[];
  duration: number;
  warmup: number;
  connections: number;
}

function parseOptions(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      duration: { type: "string", default: "20" },
      warmup: { type: "string", default: "5" },
      connections: { type: "string", default: "50" },
      "node-option": { type: "string", multiple: true, default: [] },
    },
  });
  const problems: string[] = [];
  const int = (name: "duration" | "warmup" | "connections", min: number, max: number) => {
    const raw = values[name];
    const value = Number(raw);
    if (!/^\d+$/.test(raw) || value < min || value > max)
      problems.push(`--${name} ${JSON.stringify(raw)}: expected a whole number from ${min} to ${max}`);
    return value;
  };
  const options = {
    nodeOptions:
      values["node-option"].length > 0
        ? values["node-option"]
        : imageNodeOptions(fileURLToPath(new URL("../Dockerfile", import.meta.url))),
    duration: int("duration", 1, 600),
    warmup: int("warmup", 0, 120),
    connections: int("connections", 1, 1000),
  };
  if (problems.length > 0) {
    console.error(`bench: invalid options:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    process.exit(2);
  }
  return options;
}

function lines(child: ChildProcess): AsyncIterator<string, undefined> {
  let buffered = "";
  const queue: string[] = [];
  let wake: (() => void) | undefined;
  child.stdout!.on("data", (chunk: Buffer) => {
    buffered += chunk.toString();
    const parts = buffered.split("\n");
    buffered = parts.pop()!;
    queue.push(...parts);
    wake?.();
  });
  return {
    async next() {
      while (queue.length === 0) {
        if (child.exitCode !== null) return { done: true, value: undefined };
        await new Promise<void>((resolve) => {
          wake = resolve;
          child.once("exit", () => resolve());
        });
      }
      return { done: false, value: queue.shift()! };
    },
  };
}

/** The first stdout line that parses as JSON and satisfies `accept`, or a failure naming what was awaited. */
async function awaitLine<T>(
  child: ChildProcess,
  what: string,
  accept: (value: Record<string, unknown>) => T | undefined,
): Promise<T> {
  const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
  try {
    const iterator = lines(child);
    for (;;) {
      const next = await iterator.next();
      if (next.done) throw new Error(`bench: ${what}: the process exited (${child.exitCode}) first`);
      try {
        const found = accept(JSON.parse(next.value) as Record<string, unknown>);
        if (found !== undefined) return found;
      } catch {
        // not a JSON line
      }
    }
  } finally {
    clearTimeout(timer);
  }
}

/** CPU seconds (user + system) the process has used: /proc/<pid>/stat fields 14 and 15, in clock ticks. */
const CLOCK_TICKS = Number(spawnSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).stdout.trim()) || 100;
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = Number(/VmRSS:\s+(\d+)\s+kB/.exec(status)?.[1]);
  return kb / 1024;
}

interface ModeResult {
  mode: Mode;
  scenario: string;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
  rssMaxMb: number;
  rssEndMb: number;
  /** Service CPU time per request: robust to other load on the machine, unlike req/s. */
  cpuUsPerRequest: number;
}

const SCENARIOS = [
  { name: "GET /api/orders/:id", path: "/api/orders/ord-1001", method: "GET" },
  {
    name: "POST /api/checkout",
    path: "/api/checkout",
    method: "POST",
    body: JSON.stringify({ orderId: "ord-1002", paymentMethod: "invoice" }),
  },
] as const;

/**
 * With 2+ CPUs the service gets CPU 0 to itself and the load generator and receiver share the rest, so
 * both modes measure the service's own cost rather than a fight over cores. (taskset execs, so the pid
 * stays the service's.)
 */
const CPU_COUNT = availableParallelism();
const PIN = CPU_COUNT >= 2 && spawnSync("taskset", ["-V"]).status === 0;
const LOAD_CPUS = CPU_COUNT === 2 ? "1" : `1-${CPU_COUNT - 1}`;
const pinned = (cpus: string, command: string, args: string[]) =>
  PIN ? { command: "taskset", args: ["-c", cpus, command, ...args] } : { command, args };

/** off: no SDK; on: every request traced; sampled: the standard sampler keeping 10% of new traces. */
type Mode = "off" | "on" | "sampled 10%";

async function runMode(mode: Mode, options: Options, endpoint: string): Promise<ModeResult[]> {
  const node = [
    ...options.nodeOptions,
    ...(mode === "off" ? [] : ["--import", "./src/instrumentation.ts"]),
    "./src/main.ts",
  ];
  const { command, args } = pinned("0", process.execPath, node);
  const service = spawn(command, args, {
    cwd: APP_DIR,
    env: {
      PATH: process.env.PATH ?? "",
      HOST: "127.0.0.1",
      PORT: "0",
      OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
      ...(mode === "off" ? { OTEL_SDK_DISABLED: "true" } : {}),
      ...(mode === "sampled 10%"
        ? { OTEL_TRACES_SAMPLER: "parentbased_traceidratio", OTEL_TRACES_SAMPLER_ARG: "0.1" }
        : {}),
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  try {
    const port = await awaitLine(service, "the service to listen", (v) =>
      v.message === "listening" ? (v.port as number) : undefined,
    );
    const results: ModeResult[] = [];
    for (const scenario of SCENARIOS) {
      const load = {
        url: `http://127.0.0.1:${port}${scenario.path}`,
        method: scenario.method,
        connections: options.connections,
        headers: { "content-type": "application/json" },
        ...("body" in scenario ? { body: scenario.body } : {}),
      };
      if (options.warmup > 0) await autocannon({ ...load, duration: options.warmup });
      const samples: number[] = [];
      const sampler = setInterval(() => samples.push(rssMb(service.pid!)), 250);
      let result: Result;
      const cpuBefore = cpuSeconds(service.pid!);
      try {
        result = await autocannon({ ...load, duration: options.duration });
      } finally {
        clearInterval(sampler);
      }
      const cpuUsed = cpuSeconds(service.pid!) - cpuBefore;
      samples.push(rssMb(service.pid!));
      results.push({
        mode,
        scenario: scenario.name,
        rps: result.requests.average,
        p50: result.latency.p50,
        p99: result.latency.p99,
        errors: result.errors + result.timeouts,
        non2xx: result.non2xx,
        rssMaxMb: Math.max(...samples),
        rssEndMb: samples.at(-1)!,
        cpuUsPerRequest: (cpuUsed * 1e6) / result.requests.total,
      });
      console.error(
        `bench: ${mode} ${scenario.name}: ${Math.round(result.requests.average)} req/s, p99 ${result.latency.p99} ms`,
      );
    }
    return results;
  } finally {
    service.kill("SIGTERM");
    await new Promise((resolve) =>
      service.exitCode !== null ? resolve(null) : service.once("exit", resolve),
    );
  }
}

const options = parseOptions(process.argv.slice(2));
if (PIN) spawnSync("taskset", ["-pc", LOAD_CPUS, String(process.pid)], { stdio: "ignore" });
const receiverCommand = pinned(LOAD_CPUS, process.execPath, ["./bench/receiver.ts"]);
const receiver = spawn(receiverCommand.command, receiverCommand.args, {
  cwd: APP_DIR,
  stdio: ["pipe", "pipe", "inherit"],
});
const endpoint = await awaitLine(
  receiver,
  "the OTLP receiver to start",
  (v) => v.endpoint as string | undefined,
);
const results: ModeResult[] = [];
for (const mode of ["off", "on", "sampled 10%"] as const)
  results.push(...(await runMode(mode, options, endpoint)));
receiver.stdin.end();
const exported = await awaitLine(receiver, "the receiver's counts", (v) =>
  typeof v.spans === "number" && typeof v.requests === "number"
    ? { spans: v.spans, requests: v.requests }
    : undefined,
);

const f0 = (n: number) => n.toFixed(0);
console.log(
  `Machine: ${CPU_COUNT} CPUs (${cpus()[0]?.model ?? "unknown"}), ${f0(totalmem() / 2 ** 30)} GiB, Node ${process.versions.node}; ` +
    `${options.connections} connections, ${options.duration} s per run after ${options.warmup} s warm-up, ` +
    `service flags: ${options.nodeOptions.join(" ") || "(none)"}; ${PIN ? "service pinned to CPU 0, load generator and receiver to the others" : "no CPU pinning"}.`,
);
console.log("");
console.log(
  "| scenario | tracing | req/s | p50 ms | p99 ms | CPU µs/req | errors / non-2xx | RSS max MB | RSS end MB |",
);
console.log("|---|---|---:|---:|---:|---:|---:|---:|---:|");
for (const r of results)
  console.log(
    `| ${r.scenario} | ${r.mode} | ${f0(r.rps)} | ${r.p50} | ${r.p99} | ${f0(r.cpuUsPerRequest)} | ${r.errors} / ${r.non2xx} | ${f0(r.rssMaxMb)} | ${f0(r.rssEndMb)} |`,
  );
console.log("");
let failed = false;
for (const scenario of SCENARIOS) {
  const off = results.find((r) => r.scenario === scenario.name && r.mode === "off")!;
  const on = results.find((r) => r.scenario === scenario.name && r.mode === "on")!;
  const ratio = on.rps / off.rps;
  const ok =
    ratio >= TARGETS.minThroughputRatio && on.rssMaxMb < TARGETS.maxRssMb && on.errors + off.errors === 0;
  failed ||= !ok;
  const sampled = results.find((r) => r.scenario === scenario.name && r.mode === "sampled 10%")!;
  console.log(
    `${ok ? "PASS" : "FAIL"} ${scenario.name}: traced throughput ${(ratio * 100).toFixed(0)}% of untraced (target ≥ ${TARGETS.minThroughputRatio * 100}%), ` +
      `traced RSS max ${f0(on.rssMaxMb)} MB (target < ${TARGETS.maxRssMb} MB); ` +
      `CPU per request ${(on.cpuUsPerRequest / off.cpuUsPerRequest).toFixed(2)}× untraced. ` +
      `Sampled 10%: ${((sampled.rps / off.rps) * 100).toFixed(0)}% throughput, ${(sampled.cpuUsPerRequest / off.cpuUsPerRequest).toFixed(2)}× CPU.`,
  );
}
console.log(
  `Spans received over OTLP/gRPC during the traced runs: ${exported.spans} in ${exported.requests} export calls.`,
);
process.exit(failed ? 1 : 0);
