// `make local`: the whole pipeline on loopback, in the foreground, with prefixed logs — Jaeger, the gateway
// collector behind Traefik (TLS + HTTP/2), the edge collector, the sample service and two trace generators
// (real HTTP calls into the sample service, and the synthetic `shop` scenario). Prints the Jaeger URL and
// the time from start to the first trace in Jaeger. Ctrl-C (or SIGTERM) stops every process and removes
// the run's private folder.
//
//   hack/run node scripts/commands/local.ts [--port-base N] [--rate N] [--no-traffic] [--auth MODE]
import { join } from "node:path";
import { rmSync } from "node:fs";
import { AUTH_MODES, authModes, DEFAULT_AUTH_MODE, parseAuthMode, type AuthMode } from "../lib/auth-modes.ts";
import { pollUntil } from "../lib/poll.ts";
import { resolveBinaries } from "../local/binaries.ts";
import type { LocalPipeline } from "../local/pipeline.ts";
import { startLocalPipeline } from "../local/pipeline.ts";
import { portPlan } from "../local/ports.ts";
import { sessionInfo } from "../local/session-file.ts";
import { writePrivateFile, STATE_DIR, stateFiles } from "../lib/state.ts";
import { Failure, exitCodes } from "../lib/exit-codes.ts";
import { parseFlags, runMain, stepFailure, usage } from "../cli/command.ts";
import { bold, say as sayLine, seconds, useColour } from "../cli/ui.ts";

const color = useColour();
const say = (text: string) => sayLine(`${bold("[local]")} ${text}`);
const elapsed = (since: number) => seconds(performance.now() - since);

const command = {
  name: "local",
  summary:
    "Runs the whole pipeline on loopback in the foreground (collectors, Traefik, Jaeger, Prometheus, both apps); Ctrl-C stops it.",
  options: {
    "port-base": { type: "string" },
    rate: { type: "string", default: "5" },
    "no-traffic": { type: "boolean", default: false },
    auth: { type: "string" },
  },
  help: {
    "port-base": "first port of the plan (default LOCAL_PORT_BASE or 24300; see scripts/local/README.md)",
    rate: "traces per second of each generator (default 5)",
    "no-traffic": "start the pipeline and the sample service, but no generators",
    auth: `how the edge proves itself: ${AUTH_MODES.join(", ")} (default ${DEFAULT_AUTH_MODE})`,
  },
} as const;

/** Every option checked at once: all problems are reported together, before anything starts. */
function parseOptions() {
  const parsed = parseFlags(command, process.argv.slice(2)).values;
  const problems: string[] = [];
  let base: number | undefined;
  try {
    base = portPlan(parsed["port-base"]).base;
  } catch (error) {
    problems.push((error as Error).message.replace("LOCAL_PORT_BASE", "--port-base / LOCAL_PORT_BASE"));
  }
  const rate = Number(parsed.rate);
  if (!(rate > 0 && rate <= 1000))
    problems.push(
      `--rate is ${JSON.stringify(parsed.rate)}; expected a number of traces per second from 0 to 1000`,
    );
  let auth: AuthMode = DEFAULT_AUTH_MODE;
  try {
    auth = parseAuthMode(parsed.auth);
  } catch (error) {
    problems.push((error as Error).message);
  }
  if (problems.length > 0)
    throw new Failure(`make local: ${problems.join("; ")}\n\n${usage(command)}`, exitCodes.usage);
  return { base: base!, rate, traffic: !parsed["no-traffic"], auth };
}

async function main(): Promise<void> {
  const options = parseOptions();
  const started = performance.now();
  const abort = new AbortController();
  // Set once starting begins; the signal handler may run before or after that.
  const startup: { current?: Promise<LocalPipeline> } = {};
  let stopping = false;
  const stop = async (reason: string, exitCode = 0) => {
    if (stopping) return;
    stopping = true;
    say(`${reason}: stopping every process`);
    // Interrupted while starting: the pipeline stops what it started and rejects.
    abort.abort();
    const started = await startup.current?.catch(() => undefined);
    await started?.close();
    rmSync(join(STATE_DIR, stateFiles.localSession), { force: true });
    say("stopped; nothing left running");
    process.exit(exitCode);
  };
  process.on("SIGINT", () => void stop("SIGINT"));
  process.on("SIGTERM", () => void stop("SIGTERM"));
  // The processes run in their own process groups (supervisor.ts): a closed terminal reaches only us.
  process.on("SIGHUP", () => void stop("SIGHUP"));

  say("[1/3] binaries: collector, Jaeger, Traefik, Prometheus, telemetrygen (Go, cached by version)");
  const binaries = await resolveBinaries();
  say(`[1/3] done in ${elapsed(started)}`);

  say(
    `[2/3] starting prometheus → jaeger → remote → gateway (Traefik) → edge → cert-expiry → sample-service${options.traffic ? " → generators" : ""}`,
  );
  startup.current = startLocalPipeline({
    base: options.base,
    auth: options.auth,
    binaries,
    color,
    signal: abort.signal,
    generators: options.traffic
      ? [
          { name: "generator-live", scenario: "sample-service", rate: options.rate },
          { name: "generator-shop", scenario: "shop", rate: options.rate },
        ]
      : [],
  });
  const pipeline = await startup.current;
  if (stopping) return;
  // Everything runs until Ctrl-C: a process ending on its own leaves a broken pipeline, so stop it all, loudly.
  for (const child of pipeline.supervisor.running)
    void child.exited.then((how) => stop(`${child.spec.name} exited on its own (${String(how)})`, 1));
  writePrivateFile(STATE_DIR, stateFiles.localSession, JSON.stringify(sessionInfo(pipeline), null, 2));
  say(`[2/3] all processes ready in ${elapsed(started)}`);

  if (options.traffic) {
    say(
      `[3/3] waiting for the first trace to reach Jaeger (AUTH=${options.auth}: ${authModes[options.auth].summary})`,
    );
    const jaeger = pipeline.jaeger;
    await pollUntil(
      "a trace from trace-generator in Jaeger",
      async () =>
        (await jaeger.findTraces({ service: "trace-generator", limit: 1 })).length > 0 ? true : undefined,
      { timeoutMs: 60_000, intervalMs: 100 },
    );
    say(bold(`[3/3] first trace in Jaeger ${elapsed(started)} after start`));
  }
  say(`Jaeger API: ${pipeline.jaegerUrl}/api/services  (UI: ${pipeline.jaegerUrl} — a placeholder page: the`);
  say("  Go-built Jaeger has no UI assets; the cluster's Jaeger image has the real UI)");
  say(
    `Prometheus API: ${pipeline.prometheusUrl}/api/v1/alerts  (the pipeline's health: docs/labs/10-watching-the-pipeline.md)`,
  );
  say("Check it like `make verify` does: make local-verify   ·   Stop: Ctrl-C");
}

if (import.meta.main)
  runMain(async () => {
    try {
      await main();
    } catch (error) {
      rmSync(join(STATE_DIR, stateFiles.localSession), { force: true });
      stepFailure(error);
    }
    // The processes keep running until a signal stops them (stop() exits): never resolve.
    await new Promise<never>(() => {});
  });
