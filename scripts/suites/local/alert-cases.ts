// The live alert tests' support (alerts.test.ts): which alerts they drive into firing, and the
// time-scaled copy of the real rules they run. Prometheus's rule files have no variables, and waiting
// 5 real minutes per alert would make the suite an hour long; so the copy divides every duration of
// rules.yaml by one factor, and keeps the expressions, thresholds and labels as they are. promtool's unit tests (rules.test.yaml) check the real durations.
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { CONFIGS } from "../../local/processes.ts";

/** Every alert of rules.yaml that alerts.test.ts makes fire (a contract test keeps the two in step). */
export const LIVE_ALERT_TESTS: readonly string[] = Object.freeze([
  "CertificateExpiresSoon",
  "CertificateExpiresVerySoon",
  "CertificateUnreadable",
  "RemoteCollectorRefusalsRising",
  "EdgeQueueFilling",
  "EdgeExportsFailing",
  "EdgeMetricsMissing",
  "NoSpansInJaeger",
]);

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

/** "5m" divided by `factor`, in whole seconds (at least 1 s). */
export function scaleDuration(duration: string, factor: number): string {
  const match = /^(\d+)([smhd])$/.exec(duration);
  if (!match) throw new Error(`cannot scale the duration ${JSON.stringify(duration)}: expected e.g. 5m`);
  return `${Math.max(1, Math.round((Number(match[1]) * UNIT_SECONDS[match[2]!]!) / factor))}s`;
}

/**
 * rules.yaml with every duration divided by `factor`: each `for:`, each `[range]` and each duration used
 * as a number (`< 3m`); the annotations' words are left alone.
 */
export function scaleRules(text: string, factor: number): string {
  return text
    .split("\n")
    .map((line) =>
      /^\s*(summary|action):/.test(line)
        ? line
        : line.replace(/(?<![\w.$])(\d+[smhd])(?![\w])/g, (d: string) => scaleDuration(d, factor)),
    )
    .join("\n");
}

/**
 * Writes config.yaml (evaluating every `evaluationSeconds`) and the scaled rules.yaml into `dir`, and
 * returns the config's path.
 */
export function writeScaledPrometheusConfig(dir: string, factor: number, evaluationSeconds: number): string {
  const source = dirname(CONFIGS.prometheus);
  const config = readFileSync(CONFIGS.prometheus, "utf8").replace(
    /^(\s*evaluation_interval:\s*)\S+/m,
    `$1${evaluationSeconds}s`,
  );
  if (!config.includes(`evaluation_interval: ${evaluationSeconds}s`))
    throw new Error(`${CONFIGS.prometheus} has no evaluation_interval to change`);
  writeFileSync(join(dir, "config.yaml"), config);
  writeFileSync(
    join(dir, "rules.yaml"),
    scaleRules(readFileSync(join(source, "rules.yaml"), "utf8"), factor),
  );
  return join(dir, "config.yaml");
}
