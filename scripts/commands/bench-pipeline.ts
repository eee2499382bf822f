// `make bench-pipeline`: what each security layer costs. For every configuration (scripts/bench/
// configurations.ts) the local topology's real binaries start on their own CPUs, and the trace generator,
// pinned to another, looks for the highest spans/s that Jaeger stores in full with nothing refused or
// dropped (scripts/bench/rate-search.ts, scripts/bench/trial.ts). Then one trial at a common rate, half the
// default configuration's maximum, measures the latency of marked spans. All of it once per round
// (--repeats), so each figure is a median with its spread (scripts/bench/summary.ts). A benchmark, not a
// test: it prints a table (scripts/bench/report.ts), writes every trial to .cache/bench/ and, with
// --record, the summary the docs quote to docs/results/bench-pipeline.json.
//
//   hack/run node scripts/commands/bench-pipeline.ts [--seconds 30] [--configs a,b] [--repeats 3] ...
import { createWriteStream, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { execa } from "execa";
import { parseFlags, runMain } from "../cli/command.ts";
import { bold, say, seconds } from "../cli/ui.ts";
import { REPO_ROOT } from "../lib/topology.ts";
import { resolveBinaries } from "../local/binaries.ts";
import { CONFIGURATIONS } from "../bench/configurations.ts";
import { loadAverage, machineLine, preflight } from "../bench/machine.ts";
import { halfOf, runConfiguration, runOrder, stopRunning, type Run } from "../bench/measure.ts";
import { parseBenchOptions } from "../bench/options.ts";
import { profileLines, rankingLines, summaryTable, trialLines } from "../bench/report.ts";
import { benchRecord, BENCH_RESULTS, writeBenchRecord } from "../bench/record.ts";
import { summarizeRounds, type ConfigurationResult } from "../bench/summary.ts";

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
    repeats: { type: "string" },
    "latency-rate": { type: "string" },
    record: { type: "boolean" },
  },
  help: {
    seconds: "length of one trial (default 30)",
    configs: `comma-separated, of ${CONFIGURATIONS.map((c) => c.id).join(", ")} (default all)`,
    rate: "one trial per configuration at this spans/s instead of the search",
    start: "the search's first rate in spans/s (default 8000; it doubles from there)",
    max: "the highest rate tried (default 64000)",
    refine: "halvings of the gap between the last pass and the first failure (default 4)",
    repeats: "rounds: every configuration searched once per round (default 3; figures are medians)",
    "latency-rate": "spans/s of the latency trials (default: half the default configuration's first maximum)",
    record: "write the summary to docs/results/bench-pipeline.json, which the docs quote (make docs)",
    "probe-loops": "latency probes in flight at once (default 2; 0: no latency trial)",
    profile: "CPU profiles of both collectors during each latency trial (perf and go tool addr2line)",
  },
} as const;

const started = performance.now();
let stepNumber = 0;
let totalSteps = 0;
function progress(what: string): void {
  stepNumber++;
  process.stderr.write(`[${stepNumber}/${totalSteps}] ${what} (+${seconds(performance.now() - started)})\n`);
}

async function main(): Promise<void> {
  const { values } = parseFlags(command, process.argv.slice(2));
  const options = parseBenchOptions(values);
  await preflight(options);
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const)
    process.on(signal, () => {
      process.stderr.write(`${signal}: stopping the pipeline\n`);
      void stopRunning().finally(() => process.exit(130));
    });
  // This script sends the probes and polls Jaeger: on the load's CPU, not the pipeline's.
  await execa("taskset", ["--all-tasks", "--cpu-list", "-p", options.loadCpu, String(process.pid)]);
  const order = runOrder(options.configurations);
  totalSteps = 1 + options.repeats * order.length * 2 + 1;
  progress("binaries: collector, Jaeger, Traefik, Prometheus (scripts/gobuild, cached by version)");
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
    progress,
    log: (line) => void logStream.write(`${line}\n`),
  };

  const rounds: ConfigurationResult[][] = [];
  const loadAverages = [loadAverage()];
  const inTableOrder = (r: ConfigurationResult) => CONFIGURATIONS.findIndex((c) => c.id === r.id);
  const jsonFile = join(outDir, `pipeline-${stamp}.json`);
  // After every configuration, so that a failure later keeps what was measured.
  const save = async () => {
    for (const round of rounds) round.sort((a, b) => inTableOrder(a) - inTableOrder(b));
    const machine = await machineLine(options);
    writeFileSync(jsonFile, `${JSON.stringify({ machine, options, loadAverages, rounds }, null, 2)}\n`);
    return machine;
  };
  let commonRate = options.latencyRate;
  for (let round = 1; round <= options.repeats; round++) {
    const results: ConfigurationResult[] = [];
    rounds.push(results);
    for (const configuration of order) {
      const result = await runConfiguration(run, configuration, commonRate, round);
      // The first in run order is the default configuration when it is among them; every round's latency
      // trials then run at the same rate, so their probes can be pooled.
      commonRate ??= result.best === undefined ? undefined : halfOf(result.best);
      results.push(result);
      await save();
    }
    loadAverages.push(loadAverage());
  }
  progress("report");
  const machine = await save();
  logStream.end();
  const summary = summarizeRounds(rounds);
  say(bold(`Pipeline benchmark (${machine})`));
  // After a round, the 1 min average is mostly the benchmark's own load; before the first, the machine's.
  say(`load average before the first round, then after each: ${loadAverages.join(" → ")}`);
  say();
  say(summaryTable(summary));
  say();
  for (const line of rankingLines(summary)) say(line);
  rounds.forEach((round, i) => trialLines(round, i + 1).forEach((line) => say(line)));
  rounds.forEach((round, i) => profileLines(round, i + 1).forEach((line) => say(line)));
  say();
  if (options.record) {
    await writeBenchRecord(benchRecord(options, summary, rounds, loadAverages));
    say(`recorded: ${BENCH_RESULTS} (make docs puts it into the README and docs/architecture.md)`);
  }
  say(`every trial: ${jsonFile}; the processes' logs: ${logFile}`);
  process.stderr.write(`done in ${seconds(performance.now() - started)}\n`);
}

if (import.meta.main) runMain(main);
