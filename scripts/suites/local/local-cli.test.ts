// `make local` and `make local-verify` as a user runs them: the real CLI in a child process, measured from
// start to the first trace in Jaeger; local-verify against it; then SIGINT (Ctrl-C) to the whole process
// group must stop the processes newest first, the generators flushing into a still-running edge collector
// (0 spans dropped), and leave no process, no listening port and no temp folder behind. And bad input: a
// clear message, exit 2, nothing started.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { exitCodes } from "../../lib/exit-codes.ts";
import { stateFiles } from "../../lib/state.ts";
import { execa } from "execa";
import { afterAll, describe, expect, it } from "vitest";
import { pollUntil } from "../../lib/poll.ts";
import { REPO_ROOT } from "../../lib/topology.ts";
import { busyPorts, DEFAULT_PORT_BASE, portPlan } from "../../local/ports.ts";
import { writeTranscript } from "../../docs/transcripts.ts";
import { e2ePortBase, figures, testBinaries } from "./helpers.ts";
import { alive } from "../../local/session-file.ts";

const LOCAL = join(REPO_ROOT, "scripts/commands/local.ts");

/** The test's ports, written as the default base's: what a reader's `make local` prints. */
const defaultPorts = (base: number): Array<[string, string]> =>
  Array.from({ length: 100 }, (_, i) => [`:${base + i}`, `:${DEFAULT_PORT_BASE + i}`]);
const VERIFY = join(REPO_ROOT, "scripts/commands/local-verify.ts");

/** Every process whose parent chain leads to `root` (from /proc). */
function descendants(root: number): number[] {
  const parents = new Map<number, number>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // Field 4 of /proc/<pid>/stat is the parent pid; the command (field 2) may contain spaces: skip past ")".
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      parents.set(Number(entry), Number(fields[1]));
    } catch {
      // exited while we looked
    }
  }
  const found: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const parent = queue.shift()!;
    for (const [pid, ppid] of parents)
      if (ppid === parent) {
        found.push(pid);
        queue.push(pid);
      }
  }
  return found;
}

describe("make local / make local-verify (the CLI)", () => {
  const stateDir = mkdtempSync(join(tmpdir(), "otel-e2r-state-"));
  const env = { OTEL_E2R_STATE_DIR: stateDir, NO_COLOR: "1" };
  let group: number | undefined;
  let startedPids: number[] = [];
  afterAll(() => {
    // Only if a test failed half-way: the detached groups are not cleaned up with the test process.
    if (group !== undefined && alive(group)) process.kill(-group, "SIGKILL");
    for (const pid of startedPids.filter(alive)) process.kill(pid, "SIGKILL");
    rmSync(stateDir, { recursive: true, force: true });
  });

  it("starts, reaches Jaeger, passes local-verify, and Ctrl-C (SIGINT to the process group) leaves nothing behind", async () => {
    await testBinaries(); // built and cached before the clock starts: the target is "with binaries built"
    const base = e2ePortBase(4);
    const started = performance.now();
    // Its own process group, like a job in a terminal: Ctrl-C there sends SIGINT to the whole group.
    const local = execa(process.execPath, [LOCAL, "--port-base", String(base), "--rate", "5"], {
      env,
      reject: false,
      buffer: true,
      detached: true,
    });
    group = local.pid;
    let stdout = "";
    local.stdout?.on("data", (chunk: Buffer) => (stdout += chunk.toString()));

    const firstTrace = await pollUntil(
      "make local to report the first trace in Jaeger",
      () => Promise.resolve(/first trace in Jaeger (\d+\.\d)s after start/.exec(stdout)?.[1]),
      { timeoutMs: 90_000, intervalMs: 100 },
    );
    const untilPrinted = (performance.now() - started) / 1000;

    const verify = await execa(process.execPath, [VERIFY], { env, reject: false, all: true });
    console.log(verify.all);

    const pids = descendants(local.pid!);
    startedPids = pids;
    const sessionFile = JSON.parse(readFileSync(join(stateDir, stateFiles.localSession), "utf8")) as {
      caCertFile: string;
    };
    const sessionDir = join(sessionFile.caCertFile, "..");
    expect(existsSync(sessionDir)).toBe(true);

    const stopAt = performance.now();
    process.kill(-local.pid!, "SIGINT");
    const result = await local;
    const stopSeconds = (performance.now() - stopAt) / 1000;
    const leftovers = pids.filter(alive);
    const busy = await busyPorts(portPlan(base));
    const afterStop = stdout.slice(stdout.indexOf("[local] SIGINT: stopping every process"));
    // "[edge] exited (0)" lines, in the order they were printed.
    const stopOrder = [...afterStop.matchAll(/^\[([\w-]+)\] exited \(/gm)].map((match) => match[1]);
    const summaries = [...afterStop.matchAll(/^\[(generator-\w+)\] .*done in .*?(\d+) dropped/gm)];
    console.log(
      afterStop
        .split("\n")
        .filter((line) => /exited|done in|SIGTERM|flush|\[local\]/.test(line))
        .join("\n"),
    );
    figures("make local", {
      "s to first trace (as printed)": firstTrace,
      "s until printed (incl. Node start)": untilPrinted.toFixed(1),
      "local-verify exit": verify.exitCode ?? "?",
      "processes started": pids.length,
      "s to stop after SIGINT": stopSeconds.toFixed(1),
      "processes left": leftovers.length,
      "ports still in use": busy.length,
      "stop order": stopOrder.join(" → "),
      "spans dropped by the generators": summaries.map((match) => match[2]).join(" + "),
    });
    // Only the supervisor signals the processes (they run in their own process groups): one SIGTERM each,
    // newest first, so the generators flush into an edge collector that is still running.
    expect(afterStop).not.toContain("second SIGTERM");
    expect(afterStop).not.toMatch(/SIGINT received/);
    // Each one stopped on its SIGTERM, none needed the SIGKILL after the grace period (Jaeger did, until its
    // own tracer's last export got a bound: processes.ts).
    expect(afterStop).not.toContain("exited (SIGKILL)");
    expect(stopOrder).toEqual([
      "generator-shop",
      "generator-live",
      "sample-service",
      "cert-expiry-edge",
      "cert-expiry-remote",
      "edge",
      "gateway",
      "remote",
      "jaeger",
      "prometheus",
    ]);
    expect(summaries.map((match) => [match[1], match[2]])).toEqual([
      ["generator-shop", "0"],
      ["generator-live", "0"],
    ]);
    expect(verify.exitCode, verify.all).toBe(0);
    expect(verify.stdout).toMatch(/all \d+ checks passed/);
    // The labs show both outputs from these transcripts, as at the default port base.
    const asDefault = { replacements: defaultPorts(base) };
    // The supervisor's own lines: the processes' logs in between come in no fixed order.
    const supervisor = stdout
      .split("\n")
      .filter((line) => line.startsWith("[local]"))
      .join("\n");
    writeTranscript(
      "make-local",
      "make local   # the [local] lines; each process's own log is left out",
      { stdout: supervisor, stderr: "", exitCode: result.exitCode ?? 1 },
      asDefault,
    );
    writeTranscript(
      "make-local-verify",
      "make local-verify",
      { stdout: verify.stdout, stderr: verify.stderr, exitCode: verify.exitCode ?? 1 },
      asDefault,
    );
    expect(result.exitCode, result.stderr).toBe(0);
    expect(pids.length).toBeGreaterThanOrEqual(7); // jaeger, remote, traefik, edge, sample-service, 2 generators
    expect(leftovers).toEqual([]);
    expect(busy).toEqual([]);
    expect(existsSync(sessionDir)).toBe(false);
    expect(existsSync(join(stateDir, stateFiles.localSession))).toBe(false);
  }, 240_000);

  it("stops everything, exit 1, when one process ends on its own", async () => {
    const base = e2ePortBase(5);
    const local = execa(process.execPath, [LOCAL, "--port-base", String(base), "--no-traffic"], {
      env,
      reject: false,
      detached: true,
    });
    group = local.pid;
    let stdout = "";
    local.stdout?.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    await pollUntil(
      "make local to be up",
      () => Promise.resolve(stdout.includes("Stop: Ctrl-C") || undefined),
      {
        timeoutMs: 90_000,
        intervalMs: 100,
      },
    );
    const pids = descendants(local.pid!);
    startedPids = pids;
    const remote = pids.find((pid) =>
      readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("manifests/remote/collector/config.yaml"),
    );
    expect(remote).toBeDefined();
    process.kill(remote!, "SIGKILL");
    const result = await local;
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toMatch(/remote exited on its own \(SIGKILL\): stopping every process/);
    expect(pids.filter(alive)).toEqual([]);
    expect(await busyPorts(portPlan(base))).toEqual([]);
  }, 120_000);

  it("rejects bad flags with every problem named, exit 2, before starting anything", async () => {
    const result = await execa(process.execPath, [LOCAL, "--port-base", "80", "--rate", "fast"], {
      env,
      reject: false,
    });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain(
      '--port-base / LOCAL_PORT_BASE is "80"; expected a whole number from 1024',
    );
    expect(result.stderr).toContain('--rate is "fast"; expected a number of traces per second');
    expect(result.stdout).toBe("");

    const unknown = await execa(process.execPath, [LOCAL, "--colour"], { env, reject: false });
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderr).toMatch(/Unknown option '--colour'/);
  });

  it("local-verify says to start make local when it is not running", async () => {
    const result = await execa(process.execPath, [VERIFY], { env, reject: false });
    expect(result.exitCode).toBe(exitCodes.notReady);
    expect(result.stderr).toContain("the local topology is not running");
    expect(result.stderr).toContain("make local");
    expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });
});
