// A fake `docker`, `kind` or `kubectl` for the offline bootstrap tests (Docker cannot run on the build
// machines). Invoked as `fake-tool.ts <tool> <args…>` by the wrappers scripts/testing/fakes/fake-path.ts
// puts first on PATH. It
//   - records every call as one JSON line {tool, argv, stdinObjects?} in $FAKE_LOG (stdin's *content* is
//     never recorded there: the tests grep that log for leaked secrets);
//   - answers in the real tools' output formats (recorded/, and the strings below);
//   - keeps a little world in $FAKE_STATE (JSON): Docker up or down, tool versions, which clusters and
//     images exist, scripted failures — so a second `make up` sees the clusters the first one created;
//   - appends what `kubectl apply -f -` received to $FAKE_APPLIED (the fake clusters' store; it holds
//     Secrets, like a real cluster would).
// It is stricter than the real tools where the project has rules: a kubectl call that needs a cluster
// fails without --context, and `kind create cluster` fails for a cluster that exists.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmdirSync,
  writeFileSync,
} from "node:fs";
import { createServer } from "node:http";
import { join } from "node:path";

export interface FakeWorld {
  docker: { installed?: boolean; reachable: boolean; version: string; memTotal: number };
  kind: { version: string; clusters: string[] };
  kubectl: { version: string };
  /** image reference → image ID */
  images: Record<string, string>;
  /** cluster name → image references loaded into it */
  loaded: Record<string, string[]>;
  /** A call whose argv (joined by spaces, tool first) contains `match` fails with this stderr and code. */
  failures: { match: string; stderr: string; exitCode: number }[];
}

const RECORDED = new URL("./recorded/", import.meta.url);
const recorded = (name: string) => readFileSync(new URL(name, RECORDED), "utf8");

const [tool = "", ...argv] = process.argv.slice(2);
const statePath = process.env.FAKE_STATE ?? "";
const world = JSON.parse(readFileSync(statePath, "utf8")) as FakeWorld;

/**
 * Changes the world under a lock, on a fresh copy: `make up` runs two `kind create cluster` at once, and
 * both must land. Written to a temporary file and renamed, so a reader never sees half a file.
 */
function update(change: (w: FakeWorld) => void): void {
  const lock = `${statePath}.lock`;
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (Date.now() > deadline) fail(`fake ${tool}: ${lock} stayed locked for 10s`, 99);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
    }
  }
  try {
    const fresh = JSON.parse(readFileSync(statePath, "utf8")) as FakeWorld;
    change(fresh);
    change(world);
    writeFileSync(`${statePath}.${process.pid}`, `${JSON.stringify(fresh, null, 2)}\n`);
    renameSync(`${statePath}.${process.pid}`, statePath);
  } finally {
    rmdirSync(lock);
  }
}

function out(text: string): void {
  process.stdout.write(text.endsWith("\n") || text === "" ? text : `${text}\n`);
}

function fail(stderr: string, code = 1): never {
  process.stderr.write(stderr.endsWith("\n") ? stderr : `${stderr}\n`);
  process.exit(code);
}

function record(extra: Record<string, unknown> = {}): void {
  if (process.env.FAKE_LOG)
    appendFileSync(process.env.FAKE_LOG, `${JSON.stringify({ tool, argv, ...extra })}\n`);
}

function flag(name: string): string | undefined {
  const index = argv.indexOf(name);
  if (index >= 0) return argv[index + 1];
  const inline = argv.find((arg) => arg.startsWith(`${name}=`));
  return inline?.slice(name.length + 1);
}

function readStdin(): string {
  try {
    return readFileSync(0, "utf8");
  } catch {
    return "";
  }
}

function scriptedFailure(): void {
  const line = [tool, ...argv].join(" ");
  const failure = world.failures.find((f) => line.includes(f.match));
  if (failure) fail(failure.stderr, failure.exitCode);
}

// ---- docker ---------------------------------------------------------------------------------------

function docker(): void {
  const [command] = argv;
  if (!world.docker.reachable && command !== "version")
    fail("Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?");
  switch (command) {
    case "info":
      // `docker info --format "{{.ServerVersion}} {{.MemTotal}}"`
      return out(`${world.docker.version} ${world.docker.memTotal}`);
    case "build": {
      const iidFile = flag("--iidfile");
      const dockerfile = flag("--file") ?? "Dockerfile";
      // Like Docker's build cache: the same inputs (Dockerfile content, build args, context) give the same
      // image ID; where the Dockerfile or the iidfile sit is no input.
      const paths = new Set(["--iidfile", "--file"]);
      const inputs = [
        existsSync(dockerfile) ? readFileSync(dockerfile, "utf8") : dockerfile,
        ...argv.filter((arg, i) => !paths.has(arg) && !paths.has(argv[i - 1] ?? "")),
      ];
      const id = `sha256:${createHash("sha256").update(inputs.join("\0")).digest("hex")}`;
      if (iidFile) writeFileSync(iidFile, id);
      process.stderr.write(
        recorded("docker-build.txt").replaceAll("{dockerfile}", dockerfile).replaceAll("{id}", id),
      );
      return;
    }
    case "tag": {
      const [, id = "", ref = ""] = argv;
      return update((w) => void (w.images[ref] = id));
    }
    default:
      fail(`fake docker: unsupported command ${JSON.stringify(argv)}`, 125);
  }
}

// ---- kind -----------------------------------------------------------------------------------------

function kind(): void {
  const [command, object] = argv;
  const name = flag("--name") ?? "kind";
  const exists = world.kind.clusters.includes(name);
  switch (`${command} ${object ?? ""}`.trim()) {
    case "version":
      return out(`kind v${world.kind.version} go1.25.4 linux/amd64`);
    case "get clusters":
      if (world.kind.clusters.length === 0) return void process.stderr.write("No kind clusters found.\n");
      return out(world.kind.clusters.join("\n"));
    case "create cluster":
      if (!world.docker.reachable)
        fail(
          'ERROR: failed to create cluster: failed to list nodes: command "docker ps" failed with error: exit status 1',
        );
      if (exists)
        fail(`ERROR: failed to create cluster: node(s) already exist for a cluster with the name "${name}"`);
      update((w) => {
        w.kind.clusters.push(name);
        w.loaded[name] = [];
      });
      return void process.stderr.write(
        recorded("kind-create-cluster.txt")
          .replaceAll("{name}", name)
          .replaceAll("{image}", flag("--image") ?? ""),
      );
    case "delete cluster":
      update((w) => {
        w.kind.clusters = w.kind.clusters.filter((c) => c !== name);
        delete w.loaded[name];
      });
      return void process.stderr.write(
        `Deleting cluster "${name}" ...\n${exists ? `Deleted nodes: ["${name}-control-plane"]\n` : ""}`,
      );
    case "export kubeconfig":
      if (!exists)
        fail(
          `ERROR: could not locate any control plane nodes for cluster named '${name}'. Use the --name option to select a different cluster`,
        );
      return void process.stderr.write(`Set kubectl context to "kind-${name}"\n`);
    case "export logs": {
      if (!exists) fail(`ERROR: unknown cluster "${name}"`);
      const dir = argv[2] ?? "";
      mkdirSync(join(dir, `${name}-control-plane`), { recursive: true });
      writeFileSync(join(dir, `${name}-control-plane`, "kubelet.log"), "fake kubelet log\n");
      return void process.stderr.write(`Exporting logs for cluster "${name}" to:\n${dir}\n`);
    }
    case "load docker-image": {
      const ref = argv[2] ?? "";
      if (!exists) fail(`ERROR: no nodes found for cluster "${name}"`);
      const id = world.images[ref];
      if (id === undefined) fail(`ERROR: image: "${ref}" not present locally`);
      const loaded = (world.loaded[name] ??= []);
      if (loaded.includes(ref))
        return void process.stderr.write(
          `Image: "${ref}" with ID "${id}" found to be already present on all nodes.\n`,
        );
      update((w) => void (w.loaded[name] ??= []).push(ref));
      return void process.stderr.write(
        `Image: "${ref}" with ID "${id}" not yet present on node "${name}-control-plane", loading...\n`,
      );
    }
    default:
      fail(`fake kind: unsupported command ${JSON.stringify(argv)}`);
  }
}

// ---- kubectl --------------------------------------------------------------------------------------

function stripGlobalFlags(args: string[]): { context?: string; namespace?: string; rest: string[] } {
  const rest: string[] = [];
  let context: string | undefined;
  let namespace: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "--context") context = args[++i];
    else if (arg.startsWith("--context=")) context = arg.slice(10);
    else if (arg === "--namespace" || arg === "-n") namespace = args[++i];
    else rest.push(arg);
  }
  return { context, namespace, rest };
}

interface ListItem {
  kind: string;
  metadata: { name: string; namespace?: string };
}

function servePortForward(localPort: string, remotePort: string): void {
  // A fake Jaeger query API answering from recorded responses; enough for port-forward plumbing tests.
  const services = recorded("jaeger-services.json");
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? "/", "http://fake");
    response.setHeader("content-type", "application/json");
    if (url.pathname === "/api/services") return void response.end(services);
    if (url.pathname === "/api/traces")
      return void response.end('{"data":[],"total":0,"limit":0,"offset":0,"errors":null}');
    response.statusCode = 404;
    response.end('{"data":null,"errors":[{"code":404,"msg":"not found"}]}');
  });
  server.listen(Number(localPort || 0), "127.0.0.1", () => {
    const address = server.address();
    const port = typeof address === "object" && address ? address.port : 0;
    out(`Forwarding from 127.0.0.1:${port} -> ${remotePort}`);
    out(`Forwarding from [::1]:${port} -> ${remotePort}`);
  });
  const stop = () => server.close(() => process.exit(0));
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

function kubectl(): void {
  const { context, namespace, rest } = stripGlobalFlags(argv);
  const [command, ...args] = rest;
  if (context === undefined) fail("fake kubectl: refusing a call without --context (the project's rule)");
  // Like the real kubectl: client-only commands do not need the context to exist.
  if (command === "version")
    return out(
      recorded("kubectl-version-client.json")
        .replaceAll("{version}", world.kubectl.version)
        .replaceAll("{minor}", world.kubectl.version.split(".")[1] ?? ""),
    );
  if (command === "kustomize") {
    const dir = args[0] ?? "";
    // The real renderer when the test run has it (kustomize is what `kubectl kustomize` embeds), so the
    // orchestration is tested against the manifests as they are now; otherwise a recorded rendering.
    if (process.env.FAKE_KUSTOMIZE)
      return out(execFileSync(process.env.FAKE_KUSTOMIZE, ["build", dir], { encoding: "utf8" }));
    const which = dir.replace(/\/+$/, "").split("/").pop();
    return out(recorded(`kustomize-${which}.yaml`));
  }
  const cluster = context.replace(/^kind-/, "");
  if (!world.kind.clusters.includes(cluster)) fail(`error: context "${context}" does not exist`);
  switch (command) {
    case "apply": {
      const file = flag("-f") ?? flag("--filename");
      if (file === "-") {
        const input = readStdin();
        const parsed = JSON.parse(input) as { items: ListItem[] };
        if (process.env.FAKE_APPLIED)
          appendFileSync(process.env.FAKE_APPLIED, `${JSON.stringify({ context, input: parsed })}\n`);
        record({
          stdinObjects: parsed.items.map(
            (item) => `${item.kind}/${item.metadata.namespace ?? ""}/${item.metadata.name}`,
          ),
        });
        return out(
          parsed.items
            .map((item) => `${item.kind.toLowerCase()}/${item.metadata.name} serverside-applied`)
            .join("\n"),
        );
      }
      return out(recorded("envoy-gateway-apply.txt"));
    }
    case "wait":
      return out(
        args
          .filter((a) => !a.startsWith("--") && a !== "nodes")
          .map((a) => `${a} condition met`)
          .join("\n") || `node/${cluster}-control-plane condition met`,
      );
    case "rollout": {
      const [verb, target = ""] = args;
      const [kind, name] = target.split("/");
      if (verb === "restart") return out(`${kind}.apps/${name} restarted`);
      return out(`${kind === "daemonset" ? "daemon set" : kind} "${name}" successfully rolled out`);
    }
    case "get":
      return out(recorded(`kubectl-get-${args[0] === "pods" ? "pods" : "workloads"}-${cluster}.txt`));
    case "logs":
      return out(
        `[pod/fake-${namespace ?? "default"}] 2026-01-01T00:00:00.000Z\tinfo\tservice@v0.164.0/service.go:0\tEverything is ready.`,
      );
    case "port-forward": {
      const [, mapping = ":"] = args.filter((a) => !a.startsWith("--") && a !== "127.0.0.1");
      const [localPort = "", remotePort = ""] = mapping.split(":");
      return servePortForward(localPort, remotePort);
    }
    default:
      fail(`fake kubectl: unsupported command ${JSON.stringify(rest)}`);
  }
}

if (!existsSync(statePath)) fail(`fake ${tool}: FAKE_STATE ${JSON.stringify(statePath)} does not exist`, 99);
function dockerignoreOfBuild(): Record<string, unknown> {
  const dockerfile = flag("--file");
  const ignore = dockerfile === undefined ? undefined : `${dockerfile}.dockerignore`;
  return ignore !== undefined && existsSync(ignore)
    ? { dockerignore: readFileSync(ignore, "utf8").split("\n") }
    : {};
}

if (!(tool === "kubectl" && argv.includes("apply") && argv.includes("-")))
  record(tool === "docker" && argv[0] === "build" ? dockerignoreOfBuild() : {});
scriptedFailure();
if (tool === "docker") docker();
else if (tool === "kind") kind();
else if (tool === "kubectl") kubectl();
else fail(`fake-tool: unknown tool ${JSON.stringify(tool)}`, 99);
