// Runs the local topology's processes: starts each in dependency order and waits until it is ready (its
// health endpoint answers or its port accepts connections), prefixes every output line with the process
// name, and stops them all — newest first, SIGTERM then SIGKILL after a grace period — so nothing is left
// behind. Tests use stop/start on one process to simulate outages and restarts.
//
// Each process runs in its own process group (detached): a Ctrl-C in the terminal signals only the
// supervisor, which then stops the processes one at a time, in order — otherwise every process would get
// SIGINT at the same moment, the edge collector could stop before the generators have flushed into it, and
// the supervisor's SIGTERM would reach the generators as a second signal ("exit now, without flushing").
// The price: a detached group does not die with the supervisor, so the supervisor kills the groups still
// running when its process exits (Node's "exit" event: a normal end, process.exit, an uncaught error).
// A signal the host process does not handle ends it without that event — local.ts handles SIGINT, SIGTERM
// and SIGHUP for this reason — and a SIGKILL of the supervisor (nothing runs then) leaves the groups behind.
import { connect } from "node:net";
import { createInterface } from "node:readline";
import type { ResultPromise } from "execa";
import { execa } from "execa";

export type Readiness =
  | { readonly kind: "http"; readonly url: string }
  | { readonly kind: "tcp"; readonly port: number; readonly host?: string }
  | { readonly kind: "none" };

export interface ProcessSpec {
  /** Short name, used as the log prefix: `[edge] …`. */
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  /** Added to the supervisor's environment. */
  readonly env?: Readonly<Record<string, string>>;
  readonly cwd?: string;
  readonly ready: Readiness;
  readonly readyTimeoutMs?: number;
}

export interface RunningProcess {
  readonly spec: ProcessSpec;
  readonly pid: number;
  /** Resolves with the exit code (or signal name) when the process ends. */
  readonly exited: Promise<number | string>;
}

export interface Supervisor {
  /** Starts the process and resolves once it is ready; rejects (and stops it) if it exits or times out. */
  start(spec: ProcessSpec): Promise<RunningProcess>;
  /** Stops one process (SIGTERM, then SIGKILL after the grace period) and waits for it to exit. */
  stop(name: string): Promise<void>;
  /** Stops every process, newest first. Safe to call more than once. */
  stopAll(): Promise<void>;
  get(name: string): RunningProcess | undefined;
  readonly running: readonly RunningProcess[];
}

export interface SupervisorOptions {
  /** Where prefixed output lines go (default: stdout). */
  log?: (line: string) => void;
  /** Grace period between SIGTERM and SIGKILL. */
  stopGraceMs?: number;
  /** Prefixes in colour (only when asked: callers decide from TTY + NO_COLOR). */
  color?: boolean;
}

const COLORS = [36, 33, 35, 32, 34, 31, 96, 93];

async function probe(ready: Readiness): Promise<boolean> {
  switch (ready.kind) {
    case "none":
      return true;
    case "http":
      try {
        const response = await fetch(ready.url, { signal: AbortSignal.timeout(1000) });
        await response.body?.cancel();
        return response.ok;
      } catch {
        return false;
      }
    case "tcp":
      return new Promise((resolve) => {
        const socket = connect({ port: ready.port, host: ready.host ?? "127.0.0.1" });
        const done = (ok: boolean) => {
          socket.destroy();
          resolve(ok);
        };
        socket.once("connect", () => done(true));
        socket.once("error", () => done(false));
        socket.setTimeout(1000, () => done(false));
      });
  }
}

function describeReadiness(ready: Readiness): string {
  if (ready.kind === "http") return `GET ${ready.url} to answer 2xx`;
  if (ready.kind === "tcp") return `port ${ready.port} to accept connections`;
  return "nothing";
}

/** Signals a whole process group; a group that is already gone is fine. */
function signalGroup(group: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-group, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ESRCH") throw error;
  }
}

/**
 * Starts the process in its own process group (only the supervisor signals it, see the top of this file),
 * its output lines to `print`; `exited` resolves with how it ended, after the rest of its group is killed.
 */
function spawnInGroup(spec: ProcessSpec, print: (line: string) => void, groups: Set<number>) {
  const child = execa(spec.command, [...spec.args], {
    env: spec.env,
    cwd: spec.cwd,
    buffer: false,
    reject: false,
    stdin: "ignore",
    detached: true,
  });
  if (child.pid !== undefined) groups.add(child.pid);
  for (const stream of [child.stdout, child.stderr])
    if (stream) createInterface({ input: stream, crlfDelay: Infinity }).on("line", print);
  const exited = child.then((result) => {
    const how = result.signal ?? result.exitCode ?? "unknown";
    // Whatever the process left in its group (a worker, a grandchild) goes with it.
    if (child.pid !== undefined) {
      signalGroup(child.pid, "SIGKILL");
      groups.delete(child.pid);
    }
    print(`exited (${String(how)})`);
    return how;
  });
  return { child, exited };
}

/** Polls the readiness probe until it answers; undefined when ready, else why it never became so. */
async function readiness(spec: ProcessSpec, gone: () => boolean): Promise<string | undefined> {
  const timeoutMs = spec.readyTimeoutMs ?? 30_000;
  const deadline = Date.now() + timeoutMs;
  while (!(await probe(spec.ready))) {
    if (gone())
      return `${spec.name} exited before it was ready (waiting for ${describeReadiness(spec.ready)})`;
    if (Date.now() >= deadline)
      return `${spec.name} was not ready after ${timeoutMs / 1000}s (waiting for ${describeReadiness(spec.ready)})`;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return undefined;
}

/** Each process's output lines, prefixed with its name (in a colour of its own when asked for). */
function prefixers(options: SupervisorOptions): (name: string) => (line: string) => void {
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  let colorIndex = 0;
  return (name) => {
    const code = COLORS[colorIndex++ % COLORS.length]!;
    const tag = options.color ? `\u001b[${code}m[${name}]\u001b[0m` : `[${name}]`;
    return (line) => log(`${tag} ${line}`);
  };
}

// execa's subprocess does not expose exitCode/signalCode: track the exit ourselves.
interface Entry {
  process: RunningProcess;
  child: ResultPromise;
  gone: boolean;
}

export function createSupervisor(options: SupervisorOptions = {}): Supervisor {
  const grace = options.stopGraceMs ?? 10_000;
  const prefixer = prefixers(options);
  const children: Entry[] = [];
  /** Every group started and not yet seen exiting, killed if the supervisor exits first. */
  const groups = new Set<number>();
  const killGroups = () => {
    for (const group of groups) signalGroup(group, "SIGKILL");
  };
  let exitHookInstalled = false;

  async function stopEntry(entry: Entry): Promise<void> {
    const index = children.indexOf(entry);
    if (index >= 0) children.splice(index, 1);
    if (!entry.gone) signalGroup(entry.process.pid, "SIGTERM");
    const timer = setTimeout(() => signalGroup(entry.process.pid, "SIGKILL"), grace);
    try {
      await entry.process.exited;
    } finally {
      clearTimeout(timer);
    }
  }

  return {
    get running() {
      return children.map((entry) => entry.process);
    },
    get(name) {
      return children.find((entry) => entry.process.spec.name === name)?.process;
    },
    async start(spec) {
      if (children.some((entry) => entry.process.spec.name === spec.name))
        throw new Error(`process "${spec.name}" is already running`);
      const print = prefixer(spec.name);
      const { child, exited } = spawnInGroup(spec, print, groups);
      if (!exitHookInstalled) {
        exitHookInstalled = true;
        process.on("exit", killGroups);
      }
      if (child.pid === undefined) {
        await exited;
        throw new Error(`could not start ${spec.name}: ${spec.command} did not spawn`);
      }
      const running: RunningProcess = Object.freeze({ spec, pid: child.pid, exited });
      const entry: Entry = { process: running, child, gone: false };
      // A process that dies on its own is no longer "running": get() forgets it and start() may run it again.
      void exited.then(() => {
        entry.gone = true;
        const index = children.indexOf(entry);
        if (index >= 0) children.splice(index, 1);
      });
      children.push(entry);

      const notReady = await readiness(spec, () => entry.gone);
      if (notReady) {
        await stopEntry(entry);
        throw new Error(notReady);
      }
      return running;
    },
    async stop(name) {
      const entry = children.find((candidate) => candidate.process.spec.name === name);
      if (!entry) throw new Error(`process "${name}" is not running`);
      await stopEntry(entry);
    },
    async stopAll() {
      for (const entry of [...children].reverse()) await stopEntry(entry);
      if (groups.size === 0 && exitHookInstalled) {
        exitHookInstalled = false;
        process.off("exit", killGroups);
      }
    },
  };
}
