// `make bench-pipeline`: what each security layer costs. For every configuration (scripts/bench/
// configurations.ts) the local topology's real binaries start on their own CPUs, and the trace generator,
// pinned to another, looks for the highest spans/s that Jaeger stores in full with nothing refused or
// dropped (scripts/bench/rate-search.ts, scripts/bench/trial.ts). Then one trial at a common rate, half the
// default configuration's maximum, measures the latency of marked spans. A benchmark, not a test: it
// prints a table (scripts/bench/report.ts) and writes every trial to .cache/bench/.
//
//   scripts/run node scripts/commands/bench-pipeline.ts [--seconds 30] [--configs a,b] [--rate N] ...
import { createWriteStream, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { parseFlags, runMain } from "../cli/command.ts";
import { bold, say, seconds } from "../cli/ui.ts";
import { REPO_ROOT } from "../lib/topology.ts";
import { Failure, exitCodes } from "../lib/exit-codes.ts";
import { startLocalPipeline, type LocalPipeline } from "../local/pipeline.ts";
import { resolveBinaries, type Binaries } from "../local/binaries.ts";
import {
  CONFIGURATIONS,
  DEFAULT_CONFIGURATION,
  JAEGER_OVERLAYS,
  type BenchConfiguration,
} from "../bench/configurations.ts";
import { parseBenchOptions, type BenchOptions } from "../bench/options.ts";
import { findMaxRate } from "../bench/rate-search.ts";
import { profileLines, reportTable, trialLines, type ConfigurationResult } from "../bench/report.ts";
import { captureProfile, profileRows } from "../bench/profile.ts";
import { MEASURED, runTrial, type TrialResult } from "../bench/trial.ts";

const command = {
  name: "bench-pipeline",
  summary:
    "Benchmarks the pipeline edge → gateway → remote → Jaeger on this machine's real binaries: the highest spans/s with zero loss per security layer, CPU per span, memory and latency.",
  options: {
    seconds: { type: "string" },
    configs: { type: "string" },
    rate: { type: "string" },
    start: { type: "string" },
    max: { type: "string" },
    refine: { type: "string" },
    "probe-loops": { type: "string" },
    profile: { type: "boolean" },
  },
  help: {
    seconds: "length of one trial (default 30)",
    configs: `comma-separated, of ${CONFIGURATIONS.map((c) => c.id).join(", ")} (default all)`,
    rate: "one trial per configuration at this spans/s instead of the search",
    start: "the search's first rate in spans/s (default 8000; it doubles from there)",
    max: "the highest rate tried (default 64000)",
    refine: "halvings of the gap between the last pass and the first failure (default 3)",
    "probe-loops": "latency probes in flight at once (default 2; 0: no latency trial)",
    profile: "CPU profiles of both collectors during each latency trial (perf and go tool addr2line)",
  },
} as const;

const started = performance.now();
/** The pipeline running now, stopped on Ctrl-C: its processes run in their own process groups. */
let running: LocalPipeline | undefined;
let stepNumber = 0;
function progress(total: number, what: string): void {
  stepNumber++;
  process.stderr.write(`[${stepNumber}/${total}] ${what} (+${seconds(performance.now() - started)})\n`);
}

async function start(
  configuration: BenchConfiguration,
  options: BenchOptions,
  binaries: Binaries,
  log: (line: string) => void,
): Promise<LocalPipeline> {
  const onPipeline = Object.fromEntries(MEASURED.map((name) => [name, options.pipelineCpus]));
  running = await startLocalPipeline({
    sampleService: false,
    binaries,
    auth: configuration.auth,
    overlays: configuration.overlays,
    jaegerOverlays: JAEGER_OVERLAYS,
    gatewayPlaintext: configuration.gatewayPlaintext,
    metricsIntervalMs: 1000,
    log,
    cpus: {
      ...onPipeline,
      prometheus: options.loadCpu,
      "cert-expiry-edge": options.loadCpu,
      "cert-expiry-remote": options.loadCpu,
    },
  });
  return running;
}

const address = (pipeline: LocalPipeline, configuration: BenchConfiguration) =>
  `127.0.0.1:${configuration.target === "jaeger" ? pipeline.plan.jaegerOtlpGrpc : pipeline.plan.edgeOtlpGrpc}`;

/** The search (or the one fixed-rate trial) of one configuration, a fresh pipeline after every failure. */
async function measureConfiguration(
  configuration: BenchConfiguration,
  options: BenchOptions,
  binaries: Binaries,
  log: (line: string) => void,
): Promise<Omit<ConfigurationResult, "latency" | "profiles"> & { pipeline: LocalPipeline }> {
  let pipeline = await start(configuration, options, binaries, log);
  const trials = new Map<number, TrialResult>();
  const trial = async (rate: number) => {
    const result = await runTrial({
      pipeline,
      address: address(pipeline, configuration),
      rate,
      seconds: options.seconds,
      loadCpu: options.loadCpu,
      probeLoops: 0,
    });
    trials.set(rate, result);
    process.stderr.write(
      `      ${rate} spans/s: ${result.passed ? "ok" : `✗ ${result.shortfall}`} (stored ${result.counters.stored}, all in Jaeger ${result.completeAfterS ?? "never"} s after the load)\n`,
    );
    if (!result.passed) {
      // What a failed trial leaves behind (queues, a grown heap) must not weigh on the next one.
      await pipeline.close();
      pipeline = await start(configuration, options, binaries, log);
    }
    return result.passed;
  };
  const search =
    options.rate === undefined
      ? await findMaxRate(trial, {
          start: options.start,
          max: options.max,
          refine: options.refine,
          step: 500,
        })
      : { best: (await trial(options.rate)) ? options.rate : undefined, tried: [] };
  const tried = [...trials.values()].map((t) => ({ rate: t.rate, passed: t.passed, shortfall: t.shortfall }));
  return {
    id: configuration.id,
    title: configuration.title,
    best: search.best,
    bestTrial: search.best === undefined ? undefined : trials.get(search.best),
    tried,
    pipeline,
  };
}

/** The default configuration first: half its maximum is the common rate of every latency trial. */
function runOrder(configurations: readonly BenchConfiguration[]): BenchConfiguration[] {
  return [...configurations].sort(
    (a, b) => Number(b.id === DEFAULT_CONFIGURATION) - Number(a.id === DEFAULT_CONFIGURATION),
  );
}

async function machineLine(options: BenchOptions): Promise<string> {
  const kernel = (await execa("uname", ["-r"])).stdout;
  const load = readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
  return (
    `${new Date().toISOString().slice(0, 10)}, ${cpus().length} × ${cpus()[0]?.model ?? "unknown CPU"}, ` +
    `${Math.round(totalmem() / 2 ** 30)} GiB, Linux ${kernel}; load on CPU ${options.loadCpu}, pipeline on CPU ${options.pipelineCpus}; ` +
    `${options.seconds} s per trial; load average at the end ${load}`
  );
}

interface Run {
  readonly options: BenchOptions;
  readonly binaries: Binaries;
  readonly outDir: string;
  readonly stamp: string;
  readonly log: (line: string) => void;
  readonly total: number;
}

/** One configuration: its search, then the latency trial at the common rate (profiled with --profile). */
async function runConfiguration(
  run: Run,
  configuration: BenchConfiguration,
  commonRate: number | undefined,
): Promise<ConfigurationResult> {
  const { options } = run;
  progress(
    run.total,
    `${configuration.id} (${configuration.title}): ${options.rate === undefined ? `the highest rate with zero loss, ${options.seconds} s per trial` : `${options.rate} spans/s`}`,
  );
  const { pipeline, ...result } = await measureConfiguration(configuration, options, run.binaries, run.log);
  const rate = commonRate ?? (result.best === undefined ? undefined : halfOf(result.best));
  progress(run.total, `${configuration.id}: latency of marked spans at ${rate ?? "–"} spans/s`);
  let latency: TrialResult | undefined;
  const profiles: Record<string, string[]> = {};
  // The anchor's collectors carry nothing: only Jaeger works there.
  const profiled = options.profile && configuration.target === "edge";
  const capture = async (collector: "edge" | "remote") => {
    const file = join(run.outDir, `pipeline-${run.stamp}-${configuration.id}-${collector}.perf`);
    const seconds = Math.max(1, Math.min(20, options.seconds - 5));
    const pid = pipeline.supervisor.get(collector)!.pid;
    profiles[collector] = profileRows(await captureProfile(pid, run.binaries.otelcol, seconds, file));
  };
  try {
    if (rate !== undefined && options.probeLoops > 0) {
      const [trial] = await Promise.all([
        runTrial({
          pipeline,
          address: address(pipeline, configuration),
          rate,
          seconds: options.seconds,
          loadCpu: options.loadCpu,
          probeLoops: options.probeLoops,
        }),
        ...(profiled ? [capture("edge"), capture("remote")] : []),
      ]);
      latency = trial;
      process.stderr.write(
        `      ${latency.probes.latenciesMs.length} probes, ${latency.passed ? "nothing lost" : `✗ ${latency.shortfall}`}\n`,
      );
    }
  } finally {
    await pipeline.close();
  }
  return { ...result, latency, profiles };
}

/** The programs the run needs, each missing one named with where to get it, all at once. */
async function preflight(options: BenchOptions): Promise<void> {
  const needs: [string, string[], string][] = [
    [
      "taskset",
      ["--version"],
      "taskset (util-linux: apt-get install util-linux) pins the load and the pipeline to their own CPUs",
    ],
    ...(options.profile
      ? ([
          [
            "perf",
            ["stat", "--quiet", "-e", "cpu-clock", "--", "true"],
            "perf (apt-get install linux-perf), allowed to sample (kernel.perf_event_paranoid), profiles the collectors for --profile",
          ],
          [
            "go",
            ["version"],
            "go (the toolchain that builds the collector) names the functions for --profile",
          ],
        ] as [string, string[], string][])
      : []),
  ];
  const missing: string[] = [];
  for (const [program, args, why] of needs)
    if ((await execa(program, args, { reject: false })).exitCode !== 0)
      missing.push(`${program} is missing or refused: ${why}`);
  if (missing.length > 0) throw new Failure(missing.join("\n"), exitCodes.notReady);
}

/** Half a rate, in steps of 500 spans/s: the latency trials' common rate. */
const halfOf = (rate: number) => Math.max(500, Math.round(rate / 1000) * 500);

async function main(): Promise<void> {
  const { values } = parseFlags(command, process.argv.slice(2));
  const options = parseBenchOptions(values);
  await preflight(options);
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const)
    process.on(signal, () => {
      process.stderr.write(`${signal}: stopping the pipeline\n`);
      void (running?.close() ?? Promise.resolve()).finally(() => process.exit(130));
    });
  // This script sends the probes and polls Jaeger: on the load's CPU, not the pipeline's.
  await execa("taskset", ["--all-tasks", "--cpu-list", "-p", options.loadCpu, String(process.pid)]);
  const order = runOrder(options.configurations);
  const total = 1 + order.length * 2 + 1;
  progress(total, "binaries: collector, Jaeger, Traefik, Prometheus (scripts/gobuild, cached by version)");
  const binaries = await resolveBinaries();
  const outDir = join(REPO_ROOT, ".cache/bench");
  mkdirSync(outDir, { recursive: true });
  const stamp = new Date().toISOString().replaceAll(":", "-").slice(0, 19);
  const logFile = join(outDir, `pipeline-${stamp}.log`);
  const logStream = createWriteStream(logFile);
  const run: Run = {
    options,
    binaries,
    outDir,
    stamp,
    total,
    log: (line) => void logStream.write(`${line}\n`),
  };

  const results: ConfigurationResult[] = [];
  const inTableOrder = (r: ConfigurationResult) => CONFIGURATIONS.findIndex((c) => c.id === r.id);
  const jsonFile = join(outDir, `pipeline-${stamp}.json`);
  // After every configuration, so that a failure later keeps what was measured.
  const save = async () => {
    results.sort((a, b) => inTableOrder(a) - inTableOrder(b));
    const machine = await machineLine(options);
    writeFileSync(jsonFile, `${JSON.stringify({ machine, options, results }, null, 2)}\n`);
    return machine;
  };
  let commonRate: number | undefined;
  for (const configuration of order) {
    const result = await runConfiguration(run, configuration, commonRate);
    // The first in run order is the default configuration when it is among them.
    commonRate ??= result.best === undefined ? undefined : halfOf(result.best);
    results.push(result);
    await save();
  }
  progress(total, "report");
  const machine = await save();
  logStream.end();
  say(bold(`Pipeline benchmark (${machine})`));
  say();
  say(reportTable(results));
  say();
  for (const line of trialLines(results)) say(line);
  for (const line of profileLines(results)) say(line);
  say();
  say(`every trial: ${jsonFile}; the processes' logs: ${logFile}`);
  process.stderr.write(`done in ${seconds(performance.now() - started)}\n`);
}

if (import.meta.main) runMain(main);
