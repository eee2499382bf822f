// Every collector config in manifests/ passes the built collector's `validate` with the environment it gets
// in the cluster and in the local topology — and fails it when a variable it needs is missing (so a pass
// means something). Jaeger's config passes Jaeger's `validate` the same way.
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { execa } from "execa";
import { beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT, workloads as names, type ClusterKey } from "../../lib/topology.ts";
import type { Binaries } from "../../local/binaries.ts";
import { CONFIGS, modeOverlayPaths } from "../../local/processes.ts";
import { AUTH_MODES, DEFAULT_AUTH_MODE, overlayFiles, type AuthMode } from "../../lib/auth-modes.ts";
import { figures, testBinaries } from "./helpers.ts";
import { render } from "../../contract/render.ts";
import { workloadEnvironment } from "../../contract/checks/env.ts";
import { CONFIGURATIONS, JAEGER_OVERLAYS } from "../../bench/configurations.ts";

/** Stand-ins for what the downward API fills in at run time. */
const FIELDS = Object.freeze({ "spec.nodeName": "edge-control-plane" });

type Env = Record<string, string>;

/**
 * The env a collector gets in its pod: its container's `env` in the rendering `make up` applies. Paths are
 * where the Secrets are mounted there; validate does not open them.
 */
async function podEnv(cluster: ClusterKey, workload: string): Promise<Env> {
  const { env, problems } = workloadEnvironment((await render(cluster)).objects, workload, "otelcol", FIELDS);
  expect(problems).toEqual([]);
  return env;
}

/** The --config list of a collector in an auth mode: its config.yaml, then the mode's overlays. */
const configsOf = (collector: "edge" | "remote", mode: AuthMode = DEFAULT_AUTH_MODE) => [
  CONFIGS[collector],
  ...modeOverlayPaths(collector, mode),
];

async function validate(binary: string, configs: string | readonly string[], env: Record<string, string>) {
  const files = typeof configs === "string" ? [configs] : configs;
  const result = await execa(binary, ["validate", ...files.flatMap((file) => ["--config", file])], {
    env,
    extendEnv: false,
    reject: false,
    all: true,
  });
  return { exitCode: result.exitCode, output: result.all };
}

describe("collector and Jaeger configs pass the real binaries' validate", () => {
  let bin: Binaries;
  let env: Record<"edge" | "localEdge" | "remote", Env>;
  beforeAll(async () => {
    const edge = await podEnv("edge", names.edgeCollector);
    // The local topology's one variation (scripts/local/processes.ts): no Kubernetes API, so k8s_attributes
    // only passes through.
    const localEdge = { ...edge, K8S_ATTRIBUTES_PASSTHROUGH: "true", K8S_NODE_NAME: "local" };
    env = { edge, localEdge, remote: await podEnv("remote", names.remoteCollector) };
    bin = await testBinaries();
  }, 45 * 60_000);

  const cases = AUTH_MODES.flatMap((mode) => [
    {
      name: `edge collector, AUTH=${mode} (cluster env)`,
      configs: configsOf("edge", mode),
      env: "edge" as const,
    },
    {
      name: `edge collector, AUTH=${mode} (local env: k8s_attributes passthrough)`,
      configs: configsOf("edge", mode),
      env: "localEdge" as const,
    },
    { name: `remote collector, AUTH=${mode}`, configs: configsOf("remote", mode), env: "remote" as const },
  ]);
  // make bench-pipeline's variants: the product's configs with the benchmark's overlays (scripts/bench/).
  const benchCases = CONFIGURATIONS.flatMap((configuration) => [
    {
      name: `edge collector, bench configuration ${configuration.id}`,
      configs: [CONFIGS.edge, ...configuration.overlays.edge],
      env: "localEdge" as const,
    },
    {
      name: `remote collector, bench configuration ${configuration.id}`,
      configs: [CONFIGS.remote, ...configuration.overlays.remote],
      env: "remote" as const,
    },
  ]);

  for (const testCase of [...cases, ...benchCases])
    it(`${testCase.name} is valid`, async () => {
      const started = performance.now();
      const result = await validate(bin.otelcol, testCase.configs, env[testCase.env]);
      figures(`validate ${testCase.name}`, {
        exit: result.exitCode ?? "?",
        ms: Math.round(performance.now() - started),
      });
      expect(result.output).toBe("");
      expect(result.exitCode).toBe(0);
    });

  it("fails validation when a variable the config needs is missing", async () => {
    const { REMOTE_GATEWAY_ENDPOINT: _, ...withoutEndpoint } = env.edge;
    const noEndpoint = await validate(bin.otelcol, CONFIGS.edge, withoutEndpoint);
    expect(noEndpoint.exitCode).not.toBe(0);
    expect(noEndpoint.output).toContain('otlp_grpc/remote: requires a non-empty "endpoint"');

    const { K8S_NODE_NAME: __, ...withoutNode } = env.edge;
    const noNode = await validate(bin.otelcol, CONFIGS.edge, withoutNode);
    expect(noNode.output).toContain('envvar "K8S_NODE_NAME" is not set');

    const noJaeger = await validate(bin.otelcol, CONFIGS.remote, { HTPASSWD_FILE: "/x" });
    expect(noJaeger.output).toContain('otlp_grpc/jaeger: requires a non-empty "endpoint"');
  });

  it("covers every collector-style config in manifests/ (a new one must be added here)", () => {
    const found = readdirSync(join(REPO_ROOT, "manifests"), { recursive: true, encoding: "utf8" })
      .filter((file) => /\.ya?ml$/.test(file))
      .filter((file) => /^receivers:/m.test(readFileSync(join(REPO_ROOT, "manifests", file), "utf8")))
      .map((file) => join(REPO_ROOT, "manifests", file))
      .sort();
    expect(found).toEqual(
      [
        CONFIGS.edge,
        CONFIGS.remote,
        CONFIGS.jaeger,
        ...overlayFiles("remote")
          .map((file) => join(dirname(CONFIGS.remote), file))
          .filter((file) => /^receivers:/m.test(readFileSync(file, "utf8"))),
      ].sort(),
    );
  });

  it("Jaeger's config is valid for the Jaeger binary, alone and with the benchmark's overlay", async () => {
    const result = await validate(bin.jaeger, CONFIGS.jaeger, {});
    figures("validate jaeger", { exit: result.exitCode ?? "?" });
    expect(result.exitCode, result.output).toBe(0);
    const bench = await validate(bin.jaeger, [CONFIGS.jaeger, ...JAEGER_OVERLAYS], {});
    expect(bench.exitCode, bench.output).toBe(0);
  });
});
