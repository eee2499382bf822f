// Starts the whole local pipeline — Prometheus, Jaeger, the remote collector, Traefik, the edge collector,
// the certificate-expiry reporters and (unless told not to) the two apps — in dependency order, each one ready before the next starts. `make local`,
// `make local-verify`'s target and the end-to-end tests all start it through here.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { DEFAULT_AUTH_MODE, type AuthMode } from "../lib/auth-modes.ts";
import type { JaegerClient } from "../lib/jaeger-client.ts";
import { createJaegerClient } from "../lib/jaeger-client.ts";
import { Failure, exitCodes } from "../lib/exit-codes.ts";
import { createPrometheusClient, type PrometheusClient } from "../lib/prometheus-client.ts";
import type { Binaries } from "./binaries.ts";
import { resolveBinaries } from "./binaries.ts";
import type { PortPlan } from "./ports.ts";
import { busyPorts, portPlan } from "./ports.ts";
import type { GeneratorOptions, ProcessOptions } from "./processes.ts";
import {
  certExpirySpecs,
  edgeSpec,
  gatewaySpec,
  generatorSpec,
  jaegerSpec,
  prometheusSpec,
  remoteSpec,
  sampleServiceSpec,
} from "./processes.ts";
import type { Session } from "./session.ts";
import { createSession } from "./session.ts";
import type { ProcessSpec, Supervisor, SupervisorOptions } from "./supervisor.ts";
import { createSupervisor } from "./supervisor.ts";
import { renderDynamicConfig, traefikArgs, type LocalTraefikOptions } from "./traefik-config.ts";

export interface PipelineOptions extends ProcessOptions, SupervisorOptions {
  /** Port base (default LOCAL_PORT_BASE or 24300). */
  base?: number | string;
  /** Start the sample service (default true). */
  sampleService?: boolean;
  /** Generators to start after everything else (default none). */
  generators?: readonly GeneratorOptions[];
  binaries?: Binaries;
  /** Aborting while starting stops what was started and rejects. */
  signal?: AbortSignal;
  /** The gateway forwards h2c with no TLS (the pipeline benchmark's plaintext baseline only). */
  gatewayPlaintext?: boolean;
  /** CPUs (taskset's list, e.g. "1") per process name: the benchmark keeps the load off the pipeline's cores. */
  cpus?: Readonly<Record<string, string>>;
}

export interface LocalPipeline {
  readonly plan: PortPlan;
  readonly session: Session;
  readonly binaries: Binaries;
  readonly supervisor: Supervisor;
  readonly jaeger: JaegerClient;
  readonly jaegerUrl: string;
  readonly prometheus: PrometheusClient;
  readonly prometheusUrl: string;
  /** host:port of the TLS gateway (Traefik). */
  readonly gatewayAddress: string;
  /** How the edge proves itself in this run. */
  readonly auth: AuthMode;
  /** The spec a named process was started with, to stop and start it again. */
  spec(name: string): ProcessSpec;
  /** Starts a process that is not running (again) and waits until it is ready. */
  start(name: string): Promise<void>;
  stop(name: string): Promise<void>;
  /** Makes the gateway (Traefik) load the session's current certificate, after a rotation. */
  refreshGateway(): void;
  /** Stops every process and removes the session folder. Idempotent. */
  close(): Promise<void>;
}

/** The process started through taskset on `cpus`, so that even its first thread runs there (Go sizes
 *  GOMAXPROCS from the CPUs it may use at start). taskset execs the command: the pid stays the process's. */
function pinned(spec: ProcessSpec, cpus: string | undefined): ProcessSpec {
  if (cpus === undefined) return spec;
  return { ...spec, command: "taskset", args: ["--cpu-list", cpus, spec.command, ...spec.args] };
}

/** A leftover process on one of the plan's ports would answer the readiness probes in place of ours. */
async function ensurePortsFree(plan: PortPlan): Promise<void> {
  const busy = await busyPorts(plan);
  if (busy.length > 0)
    throw new Failure(
      `ports of the local topology are already in use: ${busy.join(", ")}. Stop what uses them (another \`make local\`?) or choose another base: LOCAL_PORT_BASE=<n>`,
      exitCodes.portTaken,
    );
}

export async function startLocalPipeline(options: PipelineOptions = {}): Promise<LocalPipeline> {
  const plan = portPlan(options.base);
  await ensurePortsFree(plan);
  const binaries = options.binaries ?? (await resolveBinaries());
  const session = await createSession();
  const supervisor = createSupervisor(options);
  const specs = new Map<string, ProcessSpec>();
  let closed = false;

  const gatewayOptions: LocalTraefikOptions = {
    listenPort: plan.gateway,
    pingPort: plan.gatewayPing,
    upstreamPort: plan.remoteOtlpGrpc,
    mtlsUpstreamPort: plan.remoteOtlpMtls,
    certFile: session.files.serverCert,
    keyFile: session.files.serverKey,
    dynamicFile: join(session.gatewayDir, "dynamic.yaml"),
    plaintext: options.gatewayPlaintext ?? false,
  };
  writeFileSync(gatewayOptions.dynamicFile, renderDynamicConfig(gatewayOptions), { mode: 0o600 });

  const ordered: ProcessSpec[] = [
    prometheusSpec(binaries, plan, session, options),
    jaegerSpec(binaries, plan, options),
    remoteSpec(binaries, plan, session, options),
    gatewaySpec(binaries, plan, traefikArgs(gatewayOptions)),
    edgeSpec(binaries, plan, session, options),
    ...certExpirySpecs(binaries, plan, session, options),
    ...(options.sampleService === false ? [] : [sampleServiceSpec(binaries, plan)]),
    ...(options.generators ?? []).map((generator) => generatorSpec(binaries, plan, generator)),
  ].map((spec) => pinned(spec, options.cpus?.[spec.name]));

  const pipeline: LocalPipeline = {
    plan,
    session,
    binaries,
    supervisor,
    jaeger: createJaegerClient(`http://127.0.0.1:${plan.jaegerQuery}`),
    jaegerUrl: `http://localhost:${plan.jaegerQuery}`,
    prometheus: createPrometheusClient(`http://127.0.0.1:${plan.prometheus}`),
    prometheusUrl: `http://localhost:${plan.prometheus}`,
    gatewayAddress: `localhost:${plan.gateway}`,
    auth: options.auth ?? DEFAULT_AUTH_MODE,
    spec(name) {
      const spec = specs.get(name);
      if (!spec)
        throw new Error(
          `no process named "${name}" in the local pipeline (have: ${[...specs.keys()].join(", ")})`,
        );
      return spec;
    },
    async start(name) {
      await supervisor.start(pipeline.spec(name));
    },
    async stop(name) {
      await supervisor.stop(name);
    },
    refreshGateway() {
      writeFileSync(gatewayOptions.dynamicFile, renderDynamicConfig(gatewayOptions), { mode: 0o600 });
    },
    async close() {
      if (closed) return;
      closed = true;
      await supervisor.stopAll();
      session.remove();
    },
  };

  try {
    for (const spec of ordered) {
      options.signal?.throwIfAborted();
      specs.set(spec.name, spec);
      await supervisor.start(spec);
    }
  } catch (error) {
    await pipeline.close();
    throw error;
  }
  return pipeline;
}
