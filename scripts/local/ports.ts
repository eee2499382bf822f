// The local topology's port plan, defined once. Every process of `make local` listens on loopback at
// base + offset; the default base keeps clear of the collector's and Jaeger's defaults (4317, 4318, 8888,
// 13133, 16686), which they would otherwise all want at once. LOCAL_PORT_BASE moves the whole plan, so the
// end-to-end tests can run topologies side by side.
import { readFileSync } from "node:fs";
import { execa } from "execa";
import { portIsFree } from "../lib/ports.ts";
import { ports as clusterPorts, gateway } from "../lib/topology.ts";

export const DEFAULT_PORT_BASE = 24300;

/** Offsets from the base; the comment names the port the same listener has in the clusters. */
const OFFSETS = Object.freeze({
  edgeOtlpGrpc: 0, // edge collector DaemonSet, 4317 — where the apps send
  edgeOtlpHttp: 1, // 4318
  edgeHealth: 2, // 13133
  edgeMetrics: 3, // 8888
  edgeSelfGrpc: 4, // 4327: its own metrics and cert-expiry's, on loopback (otlp/self)
  edgeSelfHttp: 5, // 4328
  gateway: 10, // Traefik's NodePort 30443: TLS + HTTP/2, basic auth checked behind it
  gatewayPing: 11, // Traefik's ping entry point (probes only)
  remoteOtlpGrpc: 20, // remote collector, 4317 (h2c behind the gateway)
  remoteOtlpMtls: 21, // 4319: its mTLS receiver (AUTH=mtls|both), passed through by the gateway
  remoteHealth: 22, // 13133
  remoteMetrics: 23, // 8888
  jaegerOtlpGrpc: 30, // Jaeger, 4317
  jaegerHealth: 32, // 13133
  jaegerQuery: 33, // 16686: UI placeholder and HTTP API
  jaegerQueryGrpc: 34, // 16685
  prometheus: 35, // Prometheus, 9090: HTTP API and OTLP receiver
  sampleService: 40, // sample-service, 8080
});

export type PortName = keyof typeof OFFSETS;
export type PortPlan = Readonly<Record<PortName, number>> & { readonly base: number };

const SPAN = Math.max(...Object.values(OFFSETS)) + 1;

/** The plan for `base` (default: LOCAL_PORT_BASE, else 24300). Throws naming the bad value. */
export function portPlan(base: number | string | undefined = process.env.LOCAL_PORT_BASE): PortPlan {
  const value = base === undefined || base === "" ? DEFAULT_PORT_BASE : Number(base);
  if (!Number.isInteger(value) || value < 1024 || value + SPAN > 65536)
    throw new Error(
      `LOCAL_PORT_BASE is ${JSON.stringify(base)}; expected a whole number from 1024 to ${65536 - SPAN} (the topology uses base … base+${SPAN - 1})`,
    );
  const plan = Object.fromEntries(Object.entries(OFFSETS).map(([name, offset]) => [name, value + offset]));
  return Object.freeze({ ...plan, base: value }) as PortPlan;
}

/** The same listeners' ports in the clusters (scripts/lib/topology.ts), for the README's mapping table. */
export const CLUSTER_EQUIVALENT: Readonly<Record<PortName, number>> = Object.freeze({
  edgeOtlpGrpc: clusterPorts.otlpGrpc,
  edgeOtlpHttp: clusterPorts.otlpHttp,
  edgeHealth: clusterPorts.healthCheck,
  edgeMetrics: clusterPorts.collectorMetrics,
  edgeSelfGrpc: clusterPorts.selfOtlpGrpc,
  edgeSelfHttp: clusterPorts.selfOtlpHttp,
  gateway: gateway.nodePort,
  gatewayPing: gateway.pingPort,
  remoteOtlpGrpc: clusterPorts.otlpGrpc,
  remoteOtlpMtls: clusterPorts.otlpMtls,
  remoteHealth: clusterPorts.healthCheck,
  remoteMetrics: clusterPorts.collectorMetrics,
  jaegerOtlpGrpc: clusterPorts.otlpGrpc,
  jaegerHealth: clusterPorts.healthCheck,
  jaegerQuery: clusterPorts.jaegerQuery,
  jaegerQueryGrpc: clusterPorts.jaegerQueryGrpc,
  prometheus: clusterPorts.prometheus,
  sampleService: clusterPorts.sampleService,
});

/** The plan's ports something else already listens on (checked by binding each on loopback). */
export async function busyPorts(plan: PortPlan): Promise<string[]> {
  const busy: string[] = [];
  for (const [name, port] of Object.entries(plan)) {
    if (name === "base") continue;
    if (!(await portIsFree(port, ["127.0.0.1"]))) busy.push(`${port} (${name}${await holderOf(port)})`);
  }
  return busy;
}

/** ", held by <process>" from `ss` when it can say (our own processes' sockets only, without root). */
async function holderOf(port: number): Promise<string> {
  const result = await execa("ss", ["-Htanp", `sport = :${port}`], { reject: false });
  const row = result.exitCode === 0 ? String(result.stdout).split("\n")[0] : undefined;
  if (!row) return "";
  const state = row.trim().split(/\s+/)[0];
  const pid = /users:\(\("[^"]+",pid=(\d+)/.exec(row)?.[1];
  return `, ${state}${pid ? ` by pid ${pid}: ${commandLine(pid)}` : ""}`;
}

function commandLine(pid: string): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ").trim().slice(0, 120);
  } catch {
    return "?";
  }
}
