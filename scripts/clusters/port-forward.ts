// `kubectl port-forward` as a managed child process: started, awaited until kubectl reports the local
// port (bounded), and stopped when the caller is done — never left running behind a finished command.
import { spawn, type ChildProcess } from "node:child_process";
import { clusters, namespaces, ports, workloads, type ClusterKey } from "../lib/topology.ts";
import { timeouts } from "./config.ts";
import { describeCommand } from "../lib/exec.ts";
import { Failure, exitCodes } from "../lib/exit-codes.ts";

export interface PortForward {
  /** The local port kubectl bound (127.0.0.1). */
  readonly localPort: number;
  readonly url: string;
  /** Resolves when kubectl exits (e.g. the pod went away); with its exit code. */
  readonly exited: Promise<number | null>;
  stop(): Promise<void>;
}

export interface PortForwardOptions {
  cluster: ClusterKey;
  namespace: string;
  /** e.g. "service/jaeger". */
  target: string;
  remotePort: number;
  /** 0 lets kubectl pick a free local port (what verify uses, so it never collides with `make jaeger`). */
  localPort?: number;
  timeoutMs?: number;
}

/** The remote Jaeger's query API and UI: `make jaeger`, verify, and the suites' span counts. */
export const jaegerQuery: PortForwardOptions = Object.freeze({
  cluster: "remote",
  namespace: namespaces.observability,
  target: `service/${workloads.jaeger}`,
  remotePort: ports.jaegerQuery,
});

/** The remote Prometheus's API: `make prometheus`, `make status`'s health line and the suite. */
export const prometheusApi: PortForwardOptions = Object.freeze({
  cluster: "remote",
  namespace: namespaces.observability,
  target: `service/${workloads.prometheus}`,
  remotePort: ports.prometheus,
});

const FORWARDING = /Forwarding from 127\.0\.0\.1:(\d+) ->/;

export async function startPortForward(options: PortForwardOptions): Promise<PortForward> {
  const args = [
    "--context",
    clusters[options.cluster].context,
    "--namespace",
    options.namespace,
    "port-forward",
    "--address",
    "127.0.0.1",
    options.target,
    `${options.localPort && options.localPort > 0 ? options.localPort : ""}:${options.remotePort}`,
  ];
  const command = describeCommand("kubectl", args);
  const child: ChildProcess = spawn("kubectl", args, { stdio: ["ignore", "pipe", "pipe"] });
  const exited = new Promise<number | null>((resolve) => {
    child.once("exit", (code) => resolve(code));
    child.once("error", () => resolve(null));
  });
  let output = "";
  const localPort = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGTERM");
      reject(
        new Failure(
          `\`${command}\` did not report a local port within ${(options.timeoutMs ?? timeouts.portForwardMs) / 1000}s — is the pod running? \`make status\` shows it${output.trim() ? `; kubectl said: ${output.trim()}` : ""}`,
          exitCodes.notReady,
        ),
      );
    }, options.timeoutMs ?? timeouts.portForwardMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = FORWARDING.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("error", (error) => {
      clearTimeout(timer);
      reject(
        (error as NodeJS.ErrnoException).code === "ENOENT"
          ? new Failure(
              "kubectl was not found on PATH; install it (see the README's requirements)",
              exitCodes.kubectlMissing,
            )
          : error,
      );
    });
    void exited.then((code) => {
      clearTimeout(timer);
      // Almost always: no such context (no cluster yet) or the cluster is down. kubectl's own last line
      // says which; the user needs that and the next step, not a stack trace.
      const cluster = clusters[options.cluster];
      const reason = output.trim().split("\n").at(-1)?.trim() || `kubectl exited with code ${code}`;
      reject(
        new Failure(
          `the ${cluster.name} cluster (context ${cluster.context}) is not reachable: ${reason} — run \`make up\` first (\`make status\` shows what runs)`,
          exitCodes.notReady,
        ),
      );
    });
  });
  return Object.freeze({
    localPort,
    url: `http://127.0.0.1:${localPort}`,
    exited,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGTERM");
        await exited;
      }
    },
  });
}
