// `make up`: both kind clusters, the pipeline, and the proof that traces crossed. Every step converges:
// run it again on a running setup and it creates nothing twice. On failure it names the step, shows the
// tail of what failed, exports kind's logs to .logs/ and leaves the clusters up for inspection.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { ensureCredentials } from "../lib/credentials.ts";
import { STATE_DIR, clusters, gateway, ports } from "../lib/topology.ts";
import { versions } from "../lib/versions.ts";
import { ensureGatewayCertificates } from "./certificates.ts";
import { parseFlags, runMain } from "./cli.ts";
import { clusterKeys, ensureClusters, existingClusters } from "./clusters.ts";
import { LOGS_DIR } from "./config.ts";
import { installEnvoyGateway } from "./envoy-gateway.ts";
import { logCommandsTo, run } from "./exec.ts";
import { Failure, exitCodes } from "./exit-codes.ts";
import { buildAndLoadImages, type ImageRefs } from "./images.ts";
import { deployManifests } from "./manifests.ts";
import { describePreflight, preflight } from "./preflight.ts";
import { applySecrets, type SecretMaterial } from "./secrets.ts";
import { runSteps, indent, type FailedStep, type Step } from "./steps.ts";
import { bold, cyan, say } from "./ui.ts";
import { defaultVerifyOptions, verify } from "./verify.ts";

interface UpContext {
  stateDir: string;
  verify: boolean;
  images?: ImageRefs;
  material?: SecretMaterial;
}

/**
 * Host ports preflight must find free. OTEL_E2R_PREFLIGHT_GATEWAY_PORT stands in for the gateway port in
 * the tests, so they never depend on (or grab) the real port 30443 of the machine running them.
 */
function portsToCheck(existing: ReadonlySet<string>): number[] {
  const port = Number(process.env.OTEL_E2R_PREFLIGHT_GATEWAY_PORT ?? gateway.hostPort);
  // The remote cluster, when it exists, is what holds the gateway port: that is not a conflict.
  return existing.has(clusters.remote.name) ? [] : [port];
}

export const upSteps: readonly Step<UpContext>[] = [
  {
    title: "Preflight: Docker, kind, kubectl, free ports, memory",
    async run() {
      const pins = versions();
      // kind may be missing; preflight reports that. Until then, assume no cluster exists.
      const existing = await existingClusters().catch(() => new Set<string>());
      const report = await preflight({
        kindMinVersion: pins.KIND_VERSION,
        kubectlMinVersion: pins.KUBECTL_MIN_VERSION,
        ports: portsToCheck(existing),
      });
      return describePreflight(report);
    },
  },
  {
    title: "Kind clusters: edge and remote",
    run: (_context, note) => ensureClusters(versions().KIND_NODE_IMAGE, note),
  },
  {
    title: "App images: build and load into the edge cluster",
    async run(context, note) {
      context.images = await buildAndLoadImages(versions().NODE_IMAGE, note);
      return `${context.images.size} images loaded`;
    },
  },
  {
    title: "Local CA, gateway certificate and basic-auth credentials (state folder, never printed)",
    async run(context, note) {
      const certs = await ensureGatewayCertificates(context.stateDir, { note });
      const creds = ensureCredentials({ stateDir: context.stateDir });
      context.material = {
        credentials: creds.credentials,
        htpasswd: creds.htpasswd,
        caCertPem: certs.caCertPem,
        serverCertPem: certs.certPem,
        serverKeyPem: certs.keyPem,
      };
      return `CA ${certs.outcome.ca}, certificate ${certs.outcome.server} (expires ${certs.server.notAfter.toISOString().slice(0, 10)}), credentials ${creds.outcome}; in ${context.stateDir}`;
    },
  },
  {
    title: "Secrets in both clusters",
    run: (context, note) => applySecrets(context.material!, note),
  },
  {
    title: "Envoy Gateway and the manifests (remote first, then edge)",
    async run(context, note) {
      await installEnvoyGateway(versions().ENVOY_GATEWAY_VERSION, note);
      await deployManifests("remote", context.images!, note);
      await deployManifests("edge", context.images!, note);
      return "both clusters rolled out";
    },
  },
  {
    title: "Verify: traces crossed, the gateway rejects bad clients",
    async run(context) {
      if (!context.verify) return "skipped (--no-verify)";
      const rows = await verify({ ...defaultVerifyOptions, stateDir: context.stateDir });
      const failed = rows.filter((row) => !row.ok);
      if (failed.length > 0)
        throw new Failure(
          `${failed.length} check(s) failed: ${failed.map((row) => row.check).join("; ")}`,
          exitCodes.verifyFailed,
        );
      return `${rows.length} checks passed`;
    },
  },
];

/** On failure: the pods of each cluster, then kind's logs exported for inspection. Clusters stay up. */
async function reportFailure(failed: FailedStep, runLog: string, stamp: string): Promise<void> {
  say();
  say(`Commands run so far (and their errors): ${runLog}`);
  if (failed.number === 1) return;
  const existing = await existingClusters().catch(() => new Set<string>());
  for (const key of clusterKeys) {
    const cluster = clusters[key];
    if (!existing.has(cluster.name)) continue;
    const pods = await run(
      "kubectl",
      ["--context", cluster.context, "get", "pods", "--all-namespaces", "-o", "wide"],
      {
        allowFailure: true,
      },
    );
    say(bold(`Pods in ${cluster.name}:`));
    say(indent((pods.stdout || pods.stderr).trimEnd()));
    const target = join(LOGS_DIR, `kind-${stamp}`, cluster.name);
    const exported = await run("kind", ["export", "logs", target, "--name", cluster.name], {
      allowFailure: true,
    });
    say(
      exported.exitCode === 0
        ? `kind logs of ${cluster.name}: ${target}`
        : `could not export kind logs of ${cluster.name}`,
    );
  }
  say("The clusters are left running for inspection: `make status`, `make logs`; `make down` removes them.");
}

function printNextSteps(): void {
  say();
  say(bold("Next:"));
  say(
    `  ${cyan("make jaeger")}   open Jaeger at http://localhost:${ports.jaegerQuery} (port-forward; Ctrl-C to stop)`,
  );
  say(`  ${cyan("make send")}     send your own traces from this machine straight to the gateway`);
  say(`  ${cyan("make status")}   workloads, gateway address, certificate expiry, where the credentials are`);
  say(`  ${cyan("make logs")}     the edge and remote collectors' logs`);
  say(`  the labs in docs/labs/ walk through what to try next; \`make down\` deletes both clusters`);
}

const command = {
  name: "up",
  summary:
    "Creates both kind clusters, deploys the pipeline and verifies that traces cross from edge to remote.",
  options: { "no-verify": { type: "boolean" } },
  help: { "no-verify": "skip step 7 (run `make verify` later)" },
} as const;

if (import.meta.main)
  runMain(async () => {
    const { values } = parseFlags(command, process.argv.slice(2));
    const stamp = new Date().toISOString().replace(/[:.]/g, "-");
    mkdirSync(LOGS_DIR, { recursive: true });
    const runLog = join(LOGS_DIR, `up-${stamp}.log`);
    logCommandsTo(runLog);
    await runSteps(
      upSteps,
      { stateDir: STATE_DIR, verify: values["no-verify"] !== true },
      { onFailure: (failed) => reportFailure(failed, runLog, stamp) },
    );
    printNextSteps();
  });
