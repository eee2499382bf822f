// Steady load from inside the edge cluster: a one-off trace-generator pod (the app's own image, already
// loaded) sending to the node-local collector at a fixed rate for a fixed time, tagged with a run id, so
// the spans it reports sending can be counted in Jaeger afterwards. And the remote Jaeger, reached
// through a port-forward for the counting.
import { createHash } from "node:crypto";
import { createJaegerClient, spansOfRun, type JaegerClient } from "../../lib/jaeger-client.ts";
import { summaryFromOutput } from "../../../apps/trace-generator/src/summary.ts";
import { namespaces, ports, workloads } from "../../lib/topology.ts";
import { jaegerQuery, startPortForward, type PortForward } from "../../clusters/port-forward.ts";
import { kubectl, kubectlJson } from "./harness.ts";

/** The generator's final summary line (apps/trace-generator: the last JSON line on stdout). */
export interface LoadSummary {
  readonly spans: number;
  readonly exported: number;
  readonly dropped: number;
  readonly failedExports: number;
}

/** The service of the generator's built-in `blog` scenario, whose spans are counted. */
export const LOAD_SERVICE = "blog-generator";

async function generatorImage(): Promise<string> {
  const deployment = await kubectlJson<{
    spec: { template: { spec: { containers: { image: string }[] } } };
  }>("edge", ["--namespace", namespaces.demo, "get", `deployment/${workloads.traceGenerator}`]);
  return deployment.spec.template.spec.containers[0]!.image;
}

/** Starts the load pod (restricted Pod Security, like every pod of the demo namespace); `rate` counts
 *  traces per second unless `rateUnit` says spans; `env` adds variables (what a pod may claim). */
export async function startLoad(
  name: string,
  runId: string,
  rate: number,
  duration: string,
  rateUnit: "traces" | "spans" = "traces",
  env: Readonly<Record<string, string>> = {},
): Promise<void> {
  const pod = {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace: namespaces.demo, labels: { "app.kubernetes.io/name": "load-check" } },
    spec: {
      restartPolicy: "Never",
      automountServiceAccountToken: false,
      securityContext: {
        runAsNonRoot: true,
        runAsUser: 1000,
        runAsGroup: 1000,
        seccompProfile: { type: "RuntimeDefault" },
      },
      containers: [
        {
          name: "generator",
          image: await generatorImage(),
          imagePullPolicy: "Never",
          args: [
            "--scenario",
            "blog",
            "--rate",
            String(rate),
            "--rate-unit",
            rateUnit,
            "--duration",
            duration,
            "--run-id",
            runId,
            "--seed",
            String(seedOf(runId)),
            "--stats-interval",
            "5s",
            "--otlp-endpoint",
            `http://${workloads.edgeCollector}.${namespaces.observability}.svc:${ports.otlpGrpc}`,
          ],
          env: Object.entries(env).map(([key, value]) => ({ name: key, value })),
          securityContext: {
            allowPrivilegeEscalation: false,
            readOnlyRootFilesystem: true,
            capabilities: { drop: ["ALL"] },
          },
          resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { cpu: "1", memory: "256Mi" } },
        },
      ],
    },
  };
  await kubectl("edge", ["apply", "--filename", "-"], JSON.stringify(pod));
}

/**
 * The generator's seed, from the run id: a run can be replayed, and two runs never share trace ids (one
 * seed for every run made Jaeger merge their traces, so a run's trace held other runs' spans).
 */
export function seedOf(runId: string): number {
  return createHash("sha256").update(runId).digest().readUIntBE(0, 6);
}

/** Waits for the load pod to finish and returns its summary; the pod is deleted afterwards. */
export async function finishLoad(name: string, timeout = "180s"): Promise<LoadSummary> {
  const args = ["--namespace", namespaces.demo];
  await kubectl("edge", [
    ...args,
    "wait",
    "--for=jsonpath={.status.phase}=Succeeded",
    `pod/${name}`,
    `--timeout=${timeout}`,
  ]);
  const logs = await kubectl("edge", [...args, "logs", `pod/${name}`]);
  await kubectl("edge", [...args, "delete", `pod/${name}`, "--wait=false"]);
  const summary = summaryFromOutput(logs);
  if (!summary) throw new Error(`the load pod ${name} printed no summary:\n${logs.slice(-2000)}`);
  return summary;
}

export interface RemoteJaeger {
  readonly client: JaegerClient;
  readonly forward: PortForward;
  spansOfRun(runId: string): Promise<number>;
}

/** A port-forward to the remote Jaeger's query API on a free local port. */
export async function remoteJaeger(): Promise<RemoteJaeger> {
  const forward = await startPortForward(jaegerQuery);
  const client = createJaegerClient(forward.url);
  return { client, forward, spansOfRun: (runId) => spansOfRun(client, LOAD_SERVICE, runId) };
}
