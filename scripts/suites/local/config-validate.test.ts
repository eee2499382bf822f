// Every collector config in manifests/ passes the built collector's `validate` with the environment it gets
// in the cluster and in the local topology — and fails it when a variable it needs is missing (so a pass
// means something). Jaeger's config passes Jaeger's `validate` the same way.
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { execa } from "execa";
import { beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../lib/topology.ts";
import type { Binaries } from "../../local/binaries.ts";
import { CONFIGS, modeOverlays } from "../../local/processes.ts";
import { AUTH_MODES, DEFAULT_AUTH_MODE, overlayFiles, type AuthMode } from "../../lib/auth-modes.ts";
import { figures, testBinaries } from "./helpers.ts";
import { CONFIGURATIONS, JAEGER_OVERLAYS } from "../../bench/configurations.ts";

// The env each config gets in its pod (manifests/) — paths are where the Secrets are mounted there; validate
// does not open them.
const CLUSTER_ENV = {
  edge: {
    K8S_NODE_NAME: "edge-control-plane",
    REMOTE_GATEWAY_ENDPOINT: "remote-control-plane:30443",
    REMOTE_CA_FILE: "/etc/otel/remote-ca/ca.crt",
    EXPORTER_USERNAME_FILE: "/etc/otel/credentials/username",
    EXPORTER_PASSWORD_FILE: "/etc/otel/credentials/password",
    EXPORTER_CERT_FILE: "/etc/otel/client-tls/tls.crt",
    EXPORTER_KEY_FILE: "/etc/otel/client-tls/tls.key",
    REMOTE_MTLS_SERVER_NAME: "remote-collector.otel-e2r.internal",
    QUEUE_DIRECTORY: "/var/lib/otelcol/queue",
  },
  remote: {
    HTPASSWD_FILE: "/etc/otel/htpasswd/htpasswd",
    JAEGER_OTLP_ENDPOINT: "jaeger.observability.svc:4317",
    TLS_CERT_FILE: "/etc/otel/tls/tls.crt",
    TLS_KEY_FILE: "/etc/otel/tls/tls.key",
    CLIENT_CA_FILE: "/etc/otel/client-ca/ca.crt",
  },
} as const;

const LOCAL_EDGE_ENV = { ...CLUSTER_ENV.edge, K8S_ATTRIBUTES_PASSTHROUGH: "true", K8S_NODE_NAME: "local" };

/** The --config list of a collector in an auth mode: its config.yaml, then the mode's overlays. */
const configsOf = (collector: "edge" | "remote", mode: AuthMode = DEFAULT_AUTH_MODE) => [
  CONFIGS[collector],
  ...modeOverlays(collector, mode),
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
  beforeAll(async () => {
    bin = await testBinaries();
  }, 45 * 60_000);

  const cases = AUTH_MODES.flatMap((mode) => [
    {
      name: `edge collector, AUTH=${mode} (cluster env)`,
      configs: configsOf("edge", mode),
      env: CLUSTER_ENV.edge,
    },
    {
      name: `edge collector, AUTH=${mode} (local env: k8s_attributes passthrough)`,
      configs: configsOf("edge", mode),
      env: LOCAL_EDGE_ENV,
    },
    { name: `remote collector, AUTH=${mode}`, configs: configsOf("remote", mode), env: CLUSTER_ENV.remote },
  ]);
  // make bench-pipeline's variants: the product's configs with the benchmark's overlays (scripts/bench/).
  const benchCases = CONFIGURATIONS.flatMap((configuration) => [
    {
      name: `edge collector, bench configuration ${configuration.id}`,
      configs: [CONFIGS.edge, ...configuration.overlays.edge],
      env: LOCAL_EDGE_ENV,
    },
    {
      name: `remote collector, bench configuration ${configuration.id}`,
      configs: [CONFIGS.remote, ...configuration.overlays.remote],
      env: CLUSTER_ENV.remote,
    },
  ]);

  for (const testCase of [...cases, ...benchCases])
    it(`${testCase.name} is valid`, async () => {
      const started = performance.now();
      const result = await validate(bin.otelcol, testCase.configs, testCase.env);
      figures(`validate ${testCase.name}`, {
        exit: result.exitCode ?? "?",
        ms: Math.round(performance.now() - started),
      });
      expect(result.output).toBe("");
      expect(result.exitCode).toBe(0);
    });

  it("fails validation when a variable the config needs is missing", async () => {
    const { REMOTE_GATEWAY_ENDPOINT: _, ...withoutEndpoint } = CLUSTER_ENV.edge;
    const noEndpoint = await validate(bin.otelcol, CONFIGS.edge, withoutEndpoint);
    expect(noEndpoint.exitCode).not.toBe(0);
    expect(noEndpoint.output).toContain('otlp_grpc/remote: requires a non-empty "endpoint"');

    const { K8S_NODE_NAME: __, ...withoutNode } = CLUSTER_ENV.edge;
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
