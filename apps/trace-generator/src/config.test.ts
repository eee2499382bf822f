// parseConfig as a whole: defaults, precedence, the frozen result, and every problem reported at once.
import { describe, expect, it } from "vitest";
import { parseConfig } from "./config.ts";
import type { Config } from "./config.ts";
import { RUN_ID_ATTRIBUTE } from "./config/options.ts";

function config(argv: string[], env: Record<string, string> = {}): Config {
  const parsed = parseConfig(argv, env);
  if (parsed.kind !== "run") throw new Error(JSON.stringify(parsed));
  return parsed.config;
}

function problems(argv: string[], env: Record<string, string> = {}): readonly string[] {
  const parsed = parseConfig(argv, env);
  if (parsed.kind !== "invalid") throw new Error(`expected problems, got ${parsed.kind}`);
  return parsed.problems;
}

describe("parseConfig: the values", () => {
  it("gives the documented defaults for no flags and no variables, frozen all the way down", () => {
    const c = config([]);
    expect(c).toMatchObject({
      rate: 10,
      rateUnit: "traces",
      workers: 1,
      durationMs: 0,
      count: 0,
      seedGiven: false,
      httpTimeoutMs: 5000,
      runAttributes: {},
      statsIntervalMs: 10_000,
      summaryJson: undefined,
      failOnExportError: false,
      shutdownTimeoutMs: 10_000,
      maxQueueSize: 20_000,
      batchSize: 512,
      exportConcurrency: 2,
      resource: { attributes: {}, serviceName: undefined },
      check: false,
    });
    expect(c.scenario.name).toBe("shop");
    expect(c.targetUrl.href).toBe("http://localhost:8080/");
    expect(c.otlp).toMatchObject({ destination: "http://localhost:4317", timeoutMs: 10_000 });
    expect(Number.isSafeInteger(c.seed)).toBe(true);
    for (const part of [c, c.runAttributes, c.otlp, c.otlp.headers, c.resource, c.resource.attributes])
      expect(Object.isFrozen(part)).toBe(true);
  });

  it("a flag wins over its variable; a variable is trimmed, and a blank one counts as unset", () => {
    expect(config(["--rate", "3"], { TRACEGEN_RATE: "5" }).rate).toBe(3);
    expect(config([], { TRACEGEN_RATE: " 5 ", TRACEGEN_WORKERS: "  " })).toMatchObject({
      rate: 5,
      workers: 1,
    });
    expect(config([], { TRACEGEN_FAIL_ON_EXPORT_ERROR: "TRUE" }).failOnExportError).toBe(true);
  });

  it("--attribute flags replace TRACEGEN_ATTRIBUTES; --run-id wins over an attribute of the same key", () => {
    const c = config(["-a", "a=1,b=2", "-a", `${RUN_ID_ATTRIBUTE}=x`, "--run-id", "r1"], {
      TRACEGEN_ATTRIBUTES: "ignored=1",
    });
    expect(c.runAttributes).toEqual({ a: "1", b: "2", [RUN_ID_ATTRIBUTE]: "r1" });
    expect(config([], { TRACEGEN_ATTRIBUTES: "x=1, y=2" }).runAttributes).toEqual({ x: "1", y: "2" });
  });

  it("keeps a given seed and says so", () => {
    expect(config(["--seed", "42"])).toMatchObject({ seed: 42, seedGiven: true });
  });
});

describe("parseConfig: problems and early exits", () => {
  it("reports every problem at once, each naming the flag or variable, the value and what was expected", () => {
    expect(
      problems(
        ["--rate", "fast", "--bogus", "--batch-size", "600", "--max-queue-size", "500", "--scenario", "nope"],
        {
          TRACEGEN_SEED: "-1",
          TRACEGEN_RAT: "5",
          OTEL_EXPORTER_OTLP_TIMEOUT: "10s",
        },
      ),
    ).toEqual([
      "unknown option --bogus (see --help)",
      "TRACEGEN_RAT: not a trace-generator variable (expected one of: TRACEGEN_SCENARIO, TRACEGEN_RATE, TRACEGEN_RATE_UNIT, TRACEGEN_WORKERS, TRACEGEN_DURATION, TRACEGEN_COUNT, TRACEGEN_SEED, TRACEGEN_TARGET_URL, TRACEGEN_HTTP_TIMEOUT, TRACEGEN_ATTRIBUTES, TRACEGEN_RUN_ID, TRACEGEN_STATS_INTERVAL, TRACEGEN_SUMMARY_JSON, TRACEGEN_FAIL_ON_EXPORT_ERROR, TRACEGEN_SHUTDOWN_TIMEOUT, TRACEGEN_MAX_QUEUE_SIZE, TRACEGEN_BATCH_SIZE, TRACEGEN_EXPORT_CONCURRENCY)",
      '--rate: expected a number of units per second >= 0, got "fast"',
      'TRACEGEN_SEED: expected a whole number 0..2^53, got "-1"',
      "--batch-size (600) must not exceed --max-queue-size (500)",
      'OTEL_EXPORTER_OTLP_TIMEOUT: expected a timeout in milliseconds (a whole number > 0), got "10s"',
      'scenario "nope": expected a built-in name (blog, sample-service, shop) or a readable YAML file, found neither',
    ]);
  });

  it("a flag commander cannot split (no value) is reported alone", () => {
    expect(problems(["--rate"])).toEqual(["option '-r, --rate <number>' argument missing"]);
  });

  it("--help and --list-scenarios exit 0 with their text", () => {
    const help = parseConfig(["--help"], {});
    expect(help).toMatchObject({ kind: "exit", code: 0 });
    expect(help.kind === "exit" && help.output).toMatch(/^Usage: trace-generator \[options\]/);
    expect(parseConfig(["--list-scenarios"], {})).toEqual({
      kind: "exit",
      code: 0,
      output: "blog\nsample-service\nshop\n",
    });
  });
});
