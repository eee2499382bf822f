// The health line's wording, and that its queries are the alert rules' own (a rule changed without the
// line, or the other way round, fails here).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { HEALTH_QUERIES, healthLine, type PipelineHealth } from "./pipeline-health.ts";
import { REPO_ROOT } from "./topology.ts";

const healthy: PipelineHealth = {
  queueFill: 0.04,
  refusals5m: 2,
  nearestExpiry: { days: 89, subject: "CN=edge", cluster: "edge" },
  firing: [],
};

describe("healthLine", () => {
  it.each([
    [
      healthy,
      "edge queue 4% full · 2 refused calls in 5 min · nearest expiry in 89 days (CN=edge, edge) · no alert firing",
    ],
    [
      { ...healthy, refusals5m: 1, firing: ["EdgeQueueFilling", "RemoteCollectorRefusalsRising"] },
      "edge queue 4% full · 1 refused call in 5 min · nearest expiry in 89 days (CN=edge, edge) · firing: EdgeQueueFilling, RemoteCollectorRefusalsRising",
    ],
    [
      { ...healthy, queueFill: undefined, nearestExpiry: { days: -3, subject: "CN=gw", cluster: "remote" } },
      "edge queue: no report from the edge · 2 refused calls in 5 min · a certificate expired 3 days ago (CN=gw, remote) · no alert firing",
    ],
    [
      { ...healthy, nearestExpiry: undefined },
      "edge queue 4% full · 2 refused calls in 5 min · no certificate reported · no alert firing",
    ],
  ] as const)("%j → %s", (health, line) => {
    expect(healthLine(health)).toBe(line);
  });
});

describe("HEALTH_QUERIES", () => {
  const rules = readFileSync(join(REPO_ROOT, "manifests/remote/prometheus/rules.yaml"), "utf8");
  it.each([
    [
      "queueFill",
      'otelcol_exporter_queue_size{job=~".+/otelcol-edge"} / otelcol_exporter_queue_capacity{job=~".+/otelcol-edge"}',
    ],
    [
      "refusals",
      'rpc_server_call_duration_seconds_count{job="otelcol-remote", rpc_response_status_code="UNAUTHENTICATED"}',
    ],
    ["nearestExpiry", "(time() - timestamp(tls_certificate_time_left_seconds)) < 3m"],
  ] as const)("%s uses the rules' expression %s", (name, expression) => {
    expect(HEALTH_QUERIES[name]).toContain(expression);
    expect(rules.replace(/\s+/g, " ")).toContain(expression);
  });
});
