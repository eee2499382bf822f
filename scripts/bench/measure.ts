// One configuration of `make bench-pipeline` measured: the highest rate with zero loss on a fresh local
// pipeline (a new one after every failed trial), then the latency trial at the common rate, profiled with
// --profile. The command (scripts/commands/bench-pipeline.ts) runs these in order and reports them.
import { join } from "node:path";
import { startLocalPipeline, type LocalPipeline } from "../local/pipeline.ts";
import type { Binaries } from "../local/binaries.ts";
import { DEFAULT_CONFIGURATION, JAEGER_OVERLAYS, type BenchConfiguration } from "./configurations.ts";
import type { BenchOptions } from "./options.ts";
import { findMaxRate, SEARCH_STEP } from "./rate-search.ts";
import type { ConfigurationResult } from "./summary.ts";
import { captureProfile, profileRows } from "./profile.ts";
import { MEASURED, runTrial, type TrialResult } from "./trial.ts";

/** The pipeline running now, for a signal handler to stop: its processes run in their own process groups. */
let running: LocalPipeline | undefined;
export const stopRunning = (): Promise<void> => running?.close() ?? Promise.resolve();

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
          step: SEARCH_STEP,
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
export function runOrder(configurations: readonly BenchConfiguration[]): BenchConfiguration[] {
  return [...configurations].sort(
    (a, b) => Number(b.id === DEFAULT_CONFIGURATION) - Number(a.id === DEFAULT_CONFIGURATION),
  );
}

export interface Run {
  readonly options: BenchOptions;
  readonly binaries: Binaries;
  readonly outDir: string;
  readonly stamp: string;
  readonly log: (line: string) => void;
  /** Prints the run's next numbered step. */
  readonly progress: (what: string) => void;
}
/** One configuration: its search, then the latency trial at the common rate (profiled with --profile). */
export async function runConfiguration(
  run: Run,
  configuration: BenchConfiguration,
  commonRate: number | undefined,
  round = 1,
): Promise<ConfigurationResult> {
  const { options } = run;
  const where = options.repeats > 1 ? `round ${round}/${options.repeats}, ` : "";
  run.progress(
    `${where}${configuration.id} (${configuration.title}): ${options.rate === undefined ? `the highest rate with zero loss, ${options.seconds} s per trial` : `${options.rate} spans/s`}`,
  );
  const { pipeline, ...result } = await measureConfiguration(configuration, options, run.binaries, run.log);
  const rate = commonRate ?? (result.best === undefined ? undefined : halfOf(result.best));
  run.progress(`${where}${configuration.id}: latency of marked spans at ${rate ?? "–"} spans/s`);
  let latency: TrialResult | undefined;
  const profiles: Record<string, string[]> = {};
  // The anchor's collectors carry nothing: only Jaeger works there.
  const profiled = options.profile && configuration.target === "edge";
  const capture = async (collector: "edge" | "remote") => {
    const file = join(run.outDir, `pipeline-${run.stamp}-${round}-${configuration.id}-${collector}.perf`);
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

/** Half a rate, in steps of 500 spans/s: the latency trials' common rate. */
export const halfOf = (rate: number) => Math.max(500, Math.round(rate / 1000) * 500);
