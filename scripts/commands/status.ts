// `make status`: what is running and where things are — workloads of every cluster, the auth mode, the
// gateway's addresses, the pipeline's health line (from Prometheus), certificate expiry, and where the
// credentials are (never the credentials themselves).
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describeCertificate } from "@otel-e2r/pki/inspect.ts";
import { clusters, gateway, namespaces } from "../lib/topology.ts";
import { deployedEdges, edgeStateDir, fleetClusters, isRevoked } from "../lib/fleet.ts";
import { parseFlags, runMain } from "../cli/command.ts";
import { existingClusters } from "../clusters/clusters.ts";
import { gatewayStatus } from "../clusters/gateway-api.ts";
import { bold, say, table } from "../cli/ui.ts";
import { run } from "../lib/exec.ts";
import { STATE_DIR, chooseAuthMode, stateFiles } from "../lib/state.ts";
import { authModes } from "../lib/auth-modes.ts";
import { prometheusApi, startPortForward } from "../clusters/port-forward.ts";
import { healthLine, pipelineHealth } from "../lib/pipeline-health.ts";
import { createPrometheusClient } from "../lib/prometheus-client.ts";
import { useClusterTools } from "../provision/cluster-tools.ts";

const command = {
  name: "status",
  summary:
    "Shows every cluster's workloads, the gateway address, certificate expiry and where the credentials are.",
  options: {},
  help: {},
} as const;

const OUR_NAMESPACES = new Set<string>(Object.values(namespaces));
const DAY_MS = 24 * 3600 * 1000;

/**
 * Keeps our namespaces' rows of `kubectl get deployments,daemonsets --all-namespaces`, which prints one
 * table per resource type (header first, tables separated by a blank line).
 */
export function ourRows(output: string): string {
  return output
    .trimEnd()
    .split(/\n\s*\n/)
    .map((block) => {
      const [header = "", ...rows] = block.split("\n");
      const ours = rows.filter((row) => OUR_NAMESPACES.has(row.split(/\s+/)[0] ?? ""));
      return ours.length > 0 ? [header, ...ours].join("\n") : "";
    })
    .filter((block) => block !== "")
    .join("\n\n");
}

function certificateLine(file: string): string {
  // Certificates are public; the state folder's keys are never read here.
  const info = describeCertificate(readFileSync(file, "utf8"));
  const days = Math.floor((info.notAfter.getTime() - Date.now()) / DAY_MS);
  return `${info.subject}, expires ${info.notAfter.toISOString().slice(0, 10)} (in ${days} days)${
    info.dnsNames.length + info.ipAddresses.length > 0
      ? `, SANs ${[...info.dnsNames, ...info.ipAddresses].join(", ")}`
      : ""
  }`;
}

async function printClusters(): Promise<Set<string>> {
  const existing = await existingClusters().catch(() => new Set<string>());
  for (const cluster of fleetClusters(STATE_DIR)) {
    say(bold(`Cluster ${cluster.name} (context ${cluster.context})`));
    if (!existing.has(cluster.name)) {
      say("  not running — `make up` creates it");
      continue;
    }
    const result = await run(
      "kubectl",
      ["--context", cluster.context, "get", "deployments,daemonsets", "--all-namespaces"],
      { allowFailure: true },
    );
    const rows =
      result.exitCode === 0
        ? ourRows(result.stdout) || "no workloads of this project yet"
        : result.stderr.trimEnd();
    say(rows.replace(/^/gm, "  "));
  }
  return existing;
}

/** AUTH=… as `make up` last deployed it (the state folder remembers it), and what it means. */
function authModeLine(): string {
  try {
    const { mode, from } = chooseAuthMode(undefined, STATE_DIR);
    const how =
      from === "default" ? "the default; `make up AUTH=mtls|both` changes it" : "set by the last `make up`";
    return `AUTH=${mode} (${authModes[mode].summary}; ${how})`;
  } catch (error) {
    return (error as Error).message;
  }
}

/** EDGES=… as `make up` last deployed it, and the edges' names. */
function edgesLine(): string {
  try {
    const edges = deployedEdges(STATE_DIR).map((edge) =>
      isRevoked(STATE_DIR, edge.name) ? `${edge.name} (revoked)` : edge.name,
    );
    return `EDGES=${edges.length} (${edges.join(", ")}; \`make up EDGES=n\` adds or removes edges)`;
  } catch (error) {
    return (error as Error).message;
  }
}

async function printGateway(existing: ReadonlySet<string>): Promise<void> {
  say(bold("Gateway"));
  say(
    table([
      ["  auth mode", authModeLine()],
      ["  edges", edgesLine()],
      ["  from this machine", `https://localhost:${gateway.hostPort}`],
      ["  from edge pods", `https://${gateway.crossClusterHost}:${gateway.nodePort}`],
      [
        "  Gateway status",
        existing.has(clusters.remote.name) ? await gatewayStatus() : "remote cluster not running",
      ],
    ]),
  );
}

/** The health line from the remote Prometheus, through a short-lived port-forward. */
async function printHealth(existing: ReadonlySet<string>): Promise<void> {
  say(bold("Pipeline health (more: make prometheus)"));
  if (!existing.has(clusters.remote.name)) {
    say("  remote cluster not running");
    return;
  }
  let line: string;
  const forward = await startPortForward(prometheusApi).catch((error: Error) => error);
  if (forward instanceof Error) line = `Prometheus not reachable: ${forward.message}`;
  else
    try {
      line = healthLine(await pipelineHealth(createPrometheusClient(forward.url)));
    } catch (error) {
      line = `Prometheus did not answer: ${(error as Error).message}`;
    } finally {
      await forward.stop();
    }
  say(`  ${line}`);
}

function printState(): void {
  say(bold(`State folder ${STATE_DIR}`));
  if (!existsSync(STATE_DIR)) {
    say("  not created yet — `make up` generates the CA, the gateway certificate and the credentials");
    return;
  }
  const rows: string[][] = [];
  for (const [label, name] of [
    ["CA certificate", stateFiles.caCert],
    ["gateway certificate", stateFiles.serverCert],
    ["collector certificate", stateFiles.collectorCert],
    ["edge client certificate", stateFiles.clientCert],
  ] as const) {
    const file = join(STATE_DIR, name);
    rows.push([`  ${label}`, existsSync(file) ? certificateLine(file) : "missing"]);
  }
  for (const [label, name] of [
    ["username", stateFiles.username],
    ["password", stateFiles.password],
    ["htpasswd", stateFiles.htpasswd],
    ["CA key", stateFiles.caKey],
    ["gateway key", stateFiles.serverKey],
    ["collector key", stateFiles.collectorKey],
    ["edge client key", stateFiles.clientKey],
  ] as const) {
    const file = join(STATE_DIR, name);
    rows.push([
      `  ${label}`,
      existsSync(file) ? `${file} (mode ${(statSync(file).mode & 0o777).toString(8)})` : "missing",
    ]);
  }
  // The fleet's other edges keep their own credential and certificate in a folder each.
  for (const edge of deployedEdges(STATE_DIR).slice(1)) {
    const dir = edgeStateDir(STATE_DIR, edge.name);
    const cert = join(dir, stateFiles.clientCert);
    rows.push([`  ${edge.name} client certificate`, existsSync(cert) ? certificateLine(cert) : "missing"]);
    rows.push([
      `  ${edge.name} credential`,
      existsSync(dir) ? `${dir}/ (mode ${(statSync(dir).mode & 0o777).toString(8)})` : "missing",
    ]);
  }
  say(table(rows));
}

if (import.meta.main)
  runMain(async () => {
    parseFlags(command, process.argv.slice(2));
    // The project's kind and kubectl (make up provided them) where the user's will not do.
    await useClusterTools();
    const existing = await printClusters();
    await printGateway(existing);
    await printHealth(existing);
    printState();
  });
