// Results of made-up trials for the report's and the summary's tests: the shape runConfiguration returns.
import type { ConfigurationResult } from "./summary.ts";
import type { TrialResult } from "./trial.ts";

const trial = (rate: number, stored: number, latenciesMs: number[] = []): TrialResult => ({
  rate,
  seconds: 30,
  load: { spans: stored, exported: stored, failed: 0, dropped: 0 },
  probes: { sent: latenciesMs.length, latenciesMs, missing: 0 },
  counters: { stored, edgeAccepted: stored, refused: 0, failed: 0 },
  passed: true,
  shortfall: "",
  cpuSeconds: { edge: 15, gateway: 1.5, remote: 9, jaeger: 12, load: 8 },
  rssMiB: { edge: 60, gateway: 85, remote: 58, jaeger: 300, load: 150 },
  readBytes: { edge: stored * 400, gateway: stored * 90, remote: stored * 95, jaeger: stored * 120, load: 0 },
  completeAfterS: 2.5,
});

/** One configuration's round: its best rate (undefined: none passed), and latency probes if any. */
export const result = (
  id: string,
  title: string,
  best: number | undefined,
  latency?: number[],
): ConfigurationResult => ({
  id,
  title,
  best,
  bestTrial: best === undefined ? undefined : trial(best, best * 30),
  tried:
    best === undefined
      ? [{ rate: 8000, passed: false, shortfall: "12 dropped by the generator" }]
      : [{ rate: best, passed: true, shortfall: "" }],
  latency: latency && trial(5000, 150_000, latency),
  profiles: {},
});
