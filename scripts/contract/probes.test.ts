// The probes in the manifests, asked of the real binaries: each collector and Jaeger container's
// deployed config runs (collector and Jaeger built from the pinned modules) with the container's own
// environment, and its readiness and liveness probe paths must answer 200. Only what cannot exist off
// the cluster is replaced: listen addresses move to free loopback ports, mounted files become temporary
// files of the same kind, and k8s_attributes runs in its passthrough mode (no Kubernetes API here).
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateCredentials, htpasswdLine } from "../lib/credentials.ts";
import { createCa } from "@otel-e2r/pki/ca.ts";
import { issueClientCertificate, issueServerCertificate } from "@otel-e2r/pki/issue.ts";
import { ports } from "../lib/topology.ts";
import { versions } from "../lib/versions.ts";
import { containerEnvironment } from "./checks/env.ts";
import { parseImage } from "./checks/images.ts";
import { workloads } from "../kube/objects.ts";
import { render } from "./render.ts";
import { clusterKeys } from "../lib/topology.ts";
import { toolPath } from "../gobuild/build.ts";
import { freePort } from "../lib/ports.ts";

const pins = versions();
const FIELDS = Object.freeze({
  "status.podIP": "127.0.0.1",
  "metadata.uid": "0f8fad5b-d9cb-469f-a165-70867728950e",
  "metadata.name": "probe-test",
  "metadata.namespace": "observability",
  "spec.nodeName": "edge-control-plane",
});
/** Listen addresses the configs take from the environment (`${env:…:-0.0.0.0:port}`). */
const LISTENERS = [
  "HEALTH_CHECK_ENDPOINT",
  "OTLP_GRPC_ENDPOINT",
  "OTLP_HTTP_ENDPOINT",
  "OTLP_MTLS_ENDPOINT",
  "JAEGER_QUERY_HTTP_ENDPOINT",
  "JAEGER_QUERY_GRPC_ENDPOINT",
];

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

let files: string;
let fileEnv: Record<string, string>;

beforeAll(async () => {
  files = mkdtempSync(join(tmpdir(), "contract-probes-"));
  const ca = await createCa({ commonName: "contract probe CA", validityDays: 2 });
  const creds = generateCredentials();
  const client = await issueClientCertificate(ca, { commonName: "edge", validityDays: 1 });
  const server = await issueServerCertificate(ca, { dnsNames: ["localhost"], validityDays: 1 });
  const write = (name: string, content: string) => {
    const path = join(files, name);
    writeFileSync(path, content, { mode: 0o600 });
    return path;
  };
  // Every mounted file a container's environment points at, by variable: what bootstrap would mount.
  fileEnv = {
    REMOTE_CA_FILE: write("ca.crt", ca.certPem),
    EXPORTER_USERNAME_FILE: write("username", creds.username),
    EXPORTER_PASSWORD_FILE: write("password", creds.password),
    HTPASSWD_FILE: write("htpasswd", `${htpasswdLine(creds)}\n`),
    // AUTH=mtls|both: the edge's client certificate, the remote collector's server certificate and trust.
    EXPORTER_CERT_FILE: write("client.crt", client.certPem),
    EXPORTER_KEY_FILE: write("client.key", client.keyPem),
    TLS_CERT_FILE: write("server.crt", server.certPem),
    TLS_KEY_FILE: write("server.key", server.keyPem),
    CLIENT_CA_FILE: write("client-ca.crt", ca.certPem),
    QUEUE_DIRECTORY: files,
  };
});

afterAll(() => rmSync(files, { recursive: true, force: true }));

describe.each(clusterKeys)("%s cluster: probes answer on the real binaries", (dir) => {
  it("every collector and Jaeger container becomes ready and live on its probe paths", async () => {
    const { objects } = await render(dir);
    const targets = workloads(objects).flatMap(({ object, pod }) =>
      pod.containers
        .map((c) => ({ who: `${object.metadata.name}/${c.name}`, container: c, pod }))
        .filter(({ container }) =>
          [pins.OTELCOL_IMAGE, pins.JAEGER_IMAGE].includes(parseImage(container.image ?? "").repository),
        ),
    );
    expect(targets.length).toBeGreaterThan(0);
    for (const { who, container, pod } of targets) {
      const distribution =
        parseImage(container.image ?? "").repository === pins.JAEGER_IMAGE ? "jaeger" : "otelcol";
      const { env, problems } = containerEnvironment(container, FIELDS);
      expect(problems).toEqual([]);
      // Files: each variable holding an absolute path must be one we know how to stand in for.
      for (const [name, value] of Object.entries(env))
        if (value.startsWith("/")) {
          expect(
            fileEnv,
            `${who}: ${name}=${value} is a mounted file this test does not provide yet`,
          ).toHaveProperty(name);
          env[name] = fileEnv[name] as string;
        }
      const allocated = new Map<number, number>();
      for (const name of LISTENERS) {
        const port = await freePort();
        env[name] = `127.0.0.1:${port}`;
        if (name === "HEALTH_CHECK_ENDPOINT") allocated.set(ports.healthCheck, port);
      }
      env.METRICS_HOST = "127.0.0.1";
      env.METRICS_PORT = String(await freePort());
      env.K8S_ATTRIBUTES_PASSTHROUGH = "true";

      // The config files the container loads (--config, the auth mode's overlays too), from the ConfigMap
      // mounted there.
      const volume = pod.volumes?.find((v) => v.configMap !== undefined);
      const configMap = objects.find(
        (o) => o.kind === "ConfigMap" && o.metadata.name === volume?.configMap?.name,
      );
      const args = container.args ?? [];
      const configArgs = args
        .flatMap((arg, i) =>
          arg.startsWith("--config=")
            ? [arg.slice("--config=".length)]
            : arg === "--config"
              ? [args[i + 1]!]
              : [],
        )
        .map((path) => {
          const key = basename(path);
          const file = join(files, `${who.replace("/", "-")}-${key}`);
          writeFileSync(file, configMap?.data?.[key] ?? "");
          return `--config=${file}`;
        });

      const probes = [container.readinessProbe, container.livenessProbe].map((p) => p?.httpGet);
      const named = new Map((container.ports ?? []).map((p) => [p.name, p.containerPort]));
      const child = execa(await toolPath(distribution), configArgs, {
        env,
        extendEnv: false,
        reject: false,
        all: true,
      });
      try {
        for (const probe of probes) {
          expect(probe, `${who} has an HTTP probe`).toBeDefined();
          if (probe === undefined) continue;
          const containerPort = typeof probe.port === "number" ? probe.port : named.get(probe.port);
          const port = allocated.get(containerPort ?? -1);
          expect(port, `${who}: probe port ${probe.port} is the health-check port`).toBeDefined();
          const url = `http://127.0.0.1:${port}${probe.path}`;
          await until(
            `${who} to answer 200 on ${probe.path} (the probe path)`,
            async () => (await fetch(url)).status === 200,
          ).catch(async (error: unknown) => {
            child.kill();
            const { all } = await child;
            throw new Error(
              `${String(error)}\n${who} output:\n${String(all).split("\n").slice(-20).join("\n")}`,
            );
          });
        }
      } finally {
        child.kill("SIGTERM");
        await child;
      }
    }
  }, 120_000);
});
