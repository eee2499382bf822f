// Every collector config in manifests/ passes the built collector's `validate` with the environment it gets
// in the cluster and in the local topology — and fails it when a variable it needs is missing (so a pass
// means something). Jaeger's config passes Jaeger's `validate` the same way.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { execa } from "execa";
import { beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../lib/topology.ts";
import type { Binaries } from "../../local/binaries.ts";
import { CONFIGS } from "../../local/processes.ts";
import { figures, testBinaries } from "./helpers.ts";

// The env each config gets in its pod (manifests/) — paths are where the Secrets are mounted there; validate
// does not open them.
const CLUSTER_ENV = {
  edge: {
    K8S_NODE_NAME: "edge-control-plane",
    REMOTE_GATEWAY_ENDPOINT: "remote-control-plane:30443",
    REMOTE_CA_FILE: "/etc/otel/remote-ca/ca.crt",
    EXPORTER_USERNAME_FILE: "/etc/otel/credentials/username",
    EXPORTER_PASSWORD_FILE: "/etc/otel/credentials/password",
    QUEUE_DIRECTORY: "/var/lib/otelcol/queue",
  },
  remote: {
    HTPASSWD_FILE: "/etc/otel/htpasswd/htpasswd",
    JAEGER_OTLP_ENDPOINT: "jaeger.observability.svc:4317",
  },
} as const;

const LOCAL_EDGE_ENV = { ...CLUSTER_ENV.edge, K8S_ATTRIBUTES_PASSTHROUGH: "true", K8S_NODE_NAME: "local" };

async function validate(binary: string, config: string, env: Record<string, string>) {
  const result = await execa(binary, ["validate", "--config", config], {
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

  const cases = [
    { name: "edge collector (cluster env)", config: "edge", env: CLUSTER_ENV.edge },
    { name: "edge collector (local env: k8s_attributes passthrough)", config: "edge", env: LOCAL_EDGE_ENV },
    { name: "gateway collector", config: "remote", env: CLUSTER_ENV.remote },
  ] as const;

  for (const testCase of cases)
    it(`${testCase.name} is valid`, async () => {
      const started = performance.now();
      const result = await validate(bin.otelcol, CONFIGS[testCase.config], testCase.env);
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
    expect(found).toEqual([CONFIGS.edge, CONFIGS.remote, CONFIGS.jaeger].sort());
  });

  it("Jaeger's config is valid for the Jaeger binary", async () => {
    const result = await validate(bin.jaeger, CONFIGS.jaeger, {});
    figures("validate jaeger", { exit: result.exitCode ?? "?" });
    expect(result.exitCode, result.output).toBe(0);
  });
});
