// Steps 3–5 of the real-cluster suite: what a workshop does with running clusters — status, logs,
// Jaeger, sending from the laptop (by name and by IP), and rotating the credentials.
import { readFileSync } from "node:fs";
import { delimiter, join } from "node:path";
import { execa } from "execa";
import { expect, it } from "vitest";
import { probeRoute, runGatewayChecks } from "../../../verify/gateway-checks.ts";
import { pollUntil } from "../../../lib/poll.ts";
import { freePort } from "../../../lib/ports.ts";
import { REPO_ROOT, clusterKeys, gateway, namespaces } from "../../../lib/topology.ts";
import { allContainers, parseObjects } from "../../../kube/objects.ts";
import { CACHE_DIR } from "../../../lib/cache.ts";
import { MINUTES, type SuiteContext } from "../context.ts";
import { SUITE_STATE_DIR, kubectl, make, spawnMake, transcribe } from "../harness.ts";
import { finishLoad, remoteJaeger, startLoad } from "../load.ts";
import { stateFiles } from "../../../lib/state.ts";

const readState = (name: string) => readFileSync(join(SUITE_STATE_DIR, name), "utf8").trim();

export function operateSteps(context: SuiteContext): void {
  pathStep();
  manifestsStep();
  statusLogsJaegerStep();
  tracesStep();
  sendStep(context);
  regenerateCredentialsStep(context);
}

/** Lab 2's first kubectl command runs after `eval "$(make -s path)"` in a terminal that has only the user's PATH. */
function pathStep(): void {
  it("3p. make path gives a shell the very kind and kubectl that make up used", async () => {
    // This process has the project's copies first (useClusterTools); a user's terminal has not.
    const projects = join(CACHE_DIR, "bin");
    const users = (process.env.PATH ?? "")
      .split(delimiter)
      .filter((entry) => !entry.startsWith(projects))
      .join(delimiter);
    const where = async (script: string, PATH: string) =>
      (
        await execa("sh", ["-c", `${script}\ncommand -v kind; command -v kubectl`], {
          cwd: REPO_ROOT,
          env: { PATH },
        })
      ).stdout
        .split("\n")
        .slice(-2);
    const used = await where("", process.env.PATH ?? "");
    expect(await where('eval "$(make -s path)"', users)).toEqual(used);
  });
}

/** Lab 4: `make manifests` writes what `make up` applied, the images included (stand-ins where it built them). */
function manifestsStep(): void {
  it("3m. make manifests renders the very images that make up applied", async () => {
    const rendered = await make("manifests");
    expect(rendered.exitCode, `${rendered.stdout}\n${rendered.stderr}`).toBe(0);
    for (const cluster of clusterKeys) {
      const file = join(REPO_ROOT, ".cache", "manifests", `${cluster}.yaml`);
      const images = new Set(allContainers(parseObjects(readFileSync(file, "utf8"))).map((c) => c.image));
      const running: string[] = [];
      for (const namespace of Object.values(namespaces)) {
        const listed = await kubectl(cluster, [
          "get",
          "deployments,daemonsets",
          "-n",
          namespace,
          "-o",
          "jsonpath={..image}",
        ]);
        running.push(...listed.split(/\s+/).filter((image) => image !== ""));
      }
      expect(running.length).toBeGreaterThan(0);
      expect(running.filter((image) => !images.has(image))).toEqual([]);
    }
  });
}

/** Lab 2's "look yourself": each pod ready with all its containers, kept as the lab's transcripts. */
async function lookYourself(): Promise<void> {
  for (const [name, cluster] of [
    ["kubectl-get-pods-edge", "kind-edge"],
    ["kubectl-get-pods-remote", "kind-remote"],
  ] as const) {
    const pods = await transcribe(name, [
      "kubectl",
      "--context",
      cluster,
      "get",
      "pods",
      "-A",
      "-l",
      "app.kubernetes.io/part-of=otel-edge-to-remote",
    ]);
    expect(pods.stdout).toMatch(/Running/);
    expect(pods.stdout).not.toMatch(/\s(\d)\/(?!\1)\d\s/); // READY n/m with n ≠ m
  }
}

function statusLogsJaegerStep(): void {
  it(
    "3. make status, make logs and make jaeger",
    async () => {
      const status = await make("status", {}, { transcript: "make-status" });
      expect(status.exitCode, status.stderr).toBe(0);
      expect(status.stdout).toMatch(/Cluster edge[\s\S]*otel-collector[\s\S]*Cluster remote[\s\S]*traefik/);
      expect(status.stdout).toMatch(/Gateway status\s+.*Programmed=True.*address remote-control-plane/);
      expect(status.stdout).toMatch(/gateway certificate\s+.*expires \d{4}-\d\d-\d\d/);
      expect(status.stdout).toMatch(
        /Pipeline health[^\n]*\n {2}edge queue \d+% full · \d+ refused calls in 5 min · nearest expiry in \d+ days \(CN=/,
      );
      await lookYourself();
      await transcribe("kubectl-get-gateway", [
        "kubectl",
        "--context",
        "kind-remote",
        "-n",
        "gateway",
        "get",
        "gateway,grpcroute",
      ]);
      const logs = await make("logs", { TAIL: "50" });
      expect(logs.exitCode, logs.stderr).toBe(0);
      expect(logs.stdout).toMatch(
        /== edge: daemonset\/otel-collector[\s\S]*== remote: deployment\/remote-collector/,
      );
      expect(logs.stdout).toContain("Everything is ready");
      // The IPv4-only network: no exporter retrying an IPv6 address of the remote node.
      expect(logs.stdout).not.toContain("network is unreachable");

      const port = await freePort();
      const child = spawnMake("jaeger", { PORT: String(port) });
      let output = "";
      child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
      await pollUntil(
        "make jaeger to print its URL",
        () => Promise.resolve(output.includes(`localhost:${port}`) || undefined),
        { timeoutMs: 60_000 },
      );
      // Built from Go modules (the offline images), Jaeger has no UI, and make jaeger says so on its line.
      const image = await kubectl("remote", [
        "--namespace",
        "observability",
        "get",
        "deployment/jaeger",
        "--output",
        "jsonpath={.spec.template.spec.containers[0].image}",
      ]);
      if (image.startsWith("otel-e2r.local/")) {
        await pollUntil("make jaeger's line", () => Promise.resolve(/\n/.test(output) || undefined), {
          timeoutMs: 10_000,
        });
        expect(output).toContain(
          "this Jaeger was built from Go modules and has no UI (the page is a placeholder)",
        );
      }
      const services = (await (await fetch(`http://127.0.0.1:${port}/api/services`)).json()) as {
        data: string[];
      };
      expect(services.data).toContain("sample-service");
      // Ctrl-C: the terminal signals the whole foreground process group.
      process.kill(-child.pid!, "SIGINT");
      await child;
      await expect(fetch(`http://127.0.0.1:${port}/api/services`)).rejects.toThrow();
    },
    5 * MINUTES,
  );
}

function tracesStep(): void {
  it(
    "3t. make traces prints a trace that crossed, as a tree with the edge's Kubernetes attributes; TRACE=<id> prints that one",
    async () => {
      const traces = await make("traces", { LIMIT: "5" }, { transcript: "make-traces" });
      expect(traces.exitCode, traces.stderr).toBe(0);
      const crossed = traces.stdout
        .split(/\n(?=trace [0-9a-f]{32} )/)
        .find((tree) => /trace-generator/.test(tree) && /sample-service/.test(tree));
      expect(crossed, `a trace-generator → sample-service trace in:\n${traces.stdout}`).toBeDefined();
      expect(crossed).toMatch(/^trace [0-9a-f]{32} {2}\d+ spans, 2 services, /);
      expect(crossed).toMatch(/└─ sample-service {2}\S/);
      expect(crossed).toMatch(
        /k8s\.cluster\.name=edge k8s\.namespace\.name=demo k8s\.deployment\.name=sample-service k8s\.pod\.name=sample-service-/,
      );
      const id = /^trace ([0-9a-f]{32})/.exec(crossed!)![1]!;
      const one = await make("traces", { TRACE: id });
      expect(one.exitCode, one.stderr).toBe(0);
      expect(one.stdout.split("\n")[0]).toBe(crossed!.split("\n")[0]);
      const bad = await make("traces", { TRACE: "nope" });
      expect(bad.stderr).toContain('--trace "nope" is not a trace ID (16 or 32 hex digits)');
    },
    5 * MINUTES,
  );
}

function sendStep(context: SuiteContext): void {
  it(
    "4. make send reaches Jaeger from this machine through the NodePort; a name works, an IP gets Traefik's default certificate",
    async () => {
      context.jaeger = await remoteJaeger();
      const runId = `send-${Date.now()}`;
      const send = await make("send", { ARGS: `--scenario blog --count 20 --run-id ${runId} --seed 7` });
      expect(send.exitCode, send.stderr).toBe(0);
      const summary = JSON.parse(send.stdout.trim().split("\n").at(-1)!) as {
        spans: number;
        dropped: number;
      };
      expect(summary.dropped).toBe(0);
      // Lab 8's command, for its transcript (the sender's name as the lab writes it).
      const lab = await make(
        "send",
        { ARGS: "--count 50 --attribute workshop.sender=workshop-user" },
        {
          transcript: "make-send",
          replacements: [
            ["workshop.sender=workshop-user", "workshop.sender=$(id -un)"],
            ['"workshop.sender":"workshop-user"', '"workshop.sender":"<your user name>"'],
          ],
        },
      );
      expect(lab.exitCode, lab.stderr).toBe(0);
      await pollUntil(
        "make send's spans in Jaeger",
        async () => ((await context.jaeger!.spansOfRun(runId)) === summary.spans ? true : undefined),
        { timeoutMs: 90_000, intervalMs: 2000 },
      );
      const caPem = readFileSync(join(SUITE_STATE_DIR, stateFiles.caCert), "utf8");
      expect((await probeRoute({ address: `localhost:${gateway.hostPort}`, caPem })).routed).toBe(true);
      // Traefik picks the certificate by SNI. A client that dials the IP and sends no SNI (as Go's and
      // openssl's do) gets Traefik's self-signed default certificate (docs/troubleshooting.md); the same
      // IP with a server name gets the project's. ALPN as gRPC sends it: with the passthrough listener on
      // the port, Traefik closes a TLS connection that offers no ALPN at all, whatever its SNI.
      const handshake = async (sni: string[], alpn = ["-alpn", "h2"]) =>
        (
          await execa(
            "openssl",
            [
              "s_client",
              "-connect",
              `127.0.0.1:${gateway.hostPort}`,
              ...sni,
              ...alpn,
              "-CAfile",
              join(SUITE_STATE_DIR, stateFiles.caCert),
            ],
            { input: "", reject: false },
          )
        ).stdout;
      const subject = async (sni: string[]) =>
        (await handshake(sni))
          .split("\n")
          .filter((line) => /^subject=|Verify return code/.test(line.trim()))
          .map((line) => line.trim())
          .filter((line, index, all) => all.indexOf(line) === index);
      expect(await subject(["-noservername"])).toEqual([
        "subject=CN = TRAEFIK DEFAULT CERT",
        "Verify return code: 18 (self-signed certificate)",
      ]);
      const noAlpn = await handshake(["-servername", "localhost"], []);
      expect(noAlpn).toContain("no peer certificate available");
      expect(await subject(["-servername", "localhost"])).toEqual([
        "subject=CN = remote-control-plane",
        "Verify return code: 0 (ok)",
      ]);
    },
    5 * MINUTES,
  );
}

function regenerateCredentialsStep(context: SuiteContext): void {
  it(
    "5. make regenerate-credentials: rolled out, the old ones refused, traces flow again",
    async () => {
      const old = { username: readState(stateFiles.username), password: readState(stateFiles.password) };
      const rotated = await make("regenerate-credentials");
      expect(rotated.exitCode, rotated.stderr).toBe(0);
      expect(readState(stateFiles.password)).not.toBe(old.password);
      const caPem = readFileSync(join(SUITE_STATE_DIR, stateFiles.caCert), "utf8");
      const withOld = await runGatewayChecks({ address: `localhost:${gateway.hostPort}`, caPem, ...old });
      const control = withOld.find((row) => row.expect === "accepted")!;
      expect(control.ok).toBe(false);
      expect(control.detail).toContain("UNAUTHENTICATED");
      const runId = `rotated-${Date.now()}`;
      await startLoad("after-rotation", runId, 10, "10s");
      const summary = await finishLoad("after-rotation");
      await pollUntil(
        "spans sent after the rotation in Jaeger",
        async () => ((await context.jaeger!.spansOfRun(runId)) === summary.spans ? true : undefined),
        { timeoutMs: 120_000, intervalMs: 2000 },
      );
      const verify = await make("verify", {}, { transcript: "make-verify" });
      expect(verify.exitCode, verify.stdout).toBe(0);
    },
    10 * MINUTES,
  );
}
