// The supervisor with real processes: readiness, prefixed output, stop, and failures that name the cause.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { pollUntil } from "../lib/poll.ts";
import { createSupervisor, type ProcessSpec } from "./supervisor.ts";
import { alive } from "./session-file.ts";

/** Field 5 of /proc/<pid>/stat: the process group. */
const processGroup = (pid: number) => {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[2]);
};

/** A process that counts as ready once it has started. */
const unwatched = (name: string, command: string, args: string[] = []): ProcessSpec => ({
  name,
  command,
  args,
  ready: { kind: "none" },
});

/** The supervisor holds nothing any more, `name` included. */
function expectNothingLeft(supervisor: ReturnType<typeof createSupervisor>, name: string): void {
  expect(supervisor.get(name)).toBeUndefined();
  expect(supervisor.running).toEqual([]);
}

describe("createSupervisor", () => {
  it("waits for a port, prefixes output, and stops everything newest first", async () => {
    const lines: string[] = [];
    const supervisor = createSupervisor({ log: (line) => lines.push(line), stopGraceMs: 2000 });
    const script =
      "const s=require('node:net').createServer().listen(30901,'127.0.0.1',()=>console.log('listening'));" +
      "process.on('SIGTERM',()=>{console.log('bye');s.close();});";
    const server = await supervisor.start({
      name: "server",
      command: process.execPath,
      args: ["-e", script],
      ready: { kind: "tcp", port: 30901 },
    });
    const sleeper = await supervisor.start(unwatched("sleeper", "sleep", ["60"]));
    expect(supervisor.running.map((p) => p.spec.name)).toEqual(["server", "sleeper"]);

    await supervisor.stopAll();
    expect(alive(server.pid)).toBe(false);
    expect(alive(sleeper.pid)).toBe(false);
    expect(lines).toContain("[server] listening");
    expect(lines).toContain("[server] bye");
    // Newest first: the sleeper is gone before the server says goodbye.
    expect(lines.indexOf("[sleeper] exited (SIGTERM)")).toBeLessThan(lines.indexOf("[server] bye"));
    expect(supervisor.running).toEqual([]);
  });

  it("forgets a process that exits on its own", async () => {
    const supervisor = createSupervisor({ log: () => undefined });
    const brief = await supervisor.start(unwatched("brief", "true"));
    await brief.exited;
    await new Promise((resolve) => setImmediate(resolve));
    expectNothingLeft(supervisor, "brief");
  });

  it("kills a process that ignores SIGTERM after the grace period", async () => {
    const supervisor = createSupervisor({ log: () => undefined, stopGraceMs: 300 });
    const stubborn = await supervisor.start({
      name: "stubborn",
      command: process.execPath,
      // Ready only once the SIGTERM handler is in place.
      args: [
        "-e",
        "process.on('SIGTERM',()=>{});require('node:net').createServer().listen(30905,'127.0.0.1')",
      ],
      ready: { kind: "tcp", port: 30905 },
    });
    await supervisor.stop("stubborn");
    expect(alive(stubborn.pid)).toBe(false);
    expect(await stubborn.exited).toBe("SIGKILL");
  });

  it("fails start when the process exits before it is ready, naming what it waited for", async () => {
    const supervisor = createSupervisor({ log: () => undefined });
    await expect(
      supervisor.start({ name: "quitter", command: "false", args: [], ready: { kind: "tcp", port: 30902 } }),
    ).rejects.toThrow("quitter exited before it was ready (waiting for port 30902 to accept connections)");
    expect(supervisor.running).toEqual([]);
  });

  it("fails start after the readiness timeout and leaves nothing running", async () => {
    const supervisor = createSupervisor({ log: () => undefined, stopGraceMs: 1000 });
    const started = supervisor.start({
      name: "slow",
      command: "sleep",
      args: ["60"],
      ready: { kind: "http", url: "http://127.0.0.1:30903/health" },
      readyTimeoutMs: 500,
    });
    await expect(started).rejects.toThrow(
      "slow was not ready after 0.5s (waiting for GET http://127.0.0.1:30903/health to answer 2xx)",
    );
    expectNothingLeft(supervisor, "slow");
  });

  it("runs each process in its own process group and stops the whole group", async () => {
    const supervisor = createSupervisor({ log: () => undefined, stopGraceMs: 2000 });
    // A shell with a grandchild: SIGTERM to the shell alone would leave the grandchild running.
    const shell = await supervisor.start(unwatched("shell", "sh", ["-c", "sleep 60 & echo $!; wait"]));
    const child = await pollUntil(
      "the grandchild of the shell to exist",
      () => {
        const children = readFileSync(`/proc/${shell.pid}/task/${shell.pid}/children`, "utf8").trim();
        return Promise.resolve(children ? Number(children.split(" ")[0]) : undefined);
      },
      { timeoutMs: 5000, intervalMs: 20 },
    );
    expect(processGroup(shell.pid)).toBe(shell.pid);
    expect(processGroup(child)).toBe(shell.pid);
    expect(processGroup(shell.pid)).not.toBe(processGroup(process.pid));
    await supervisor.stopAll();
    expect(alive(shell.pid)).toBe(false);
    // Orphaned when the shell died: gone once init has reaped it.
    await pollUntil("the grandchild to be gone", () => Promise.resolve(!alive(child) || undefined), {
      timeoutMs: 5000,
      intervalMs: 20,
    });
  });

  it("kills the process groups when the supervisor's own process exits without stopping them", async () => {
    const supervisorModule = fileURLToPath(new URL("supervisor.ts", import.meta.url));
    const script =
      `import { createSupervisor } from ${JSON.stringify(supervisorModule)};` +
      "const s = createSupervisor({ log: () => undefined });" +
      "const p = await s.start({ name: 'sleeper', command: 'sleep', args: ['60'], ready: { kind: 'none' } });" +
      "console.log(p.pid); process.exit(3);";
    const result = await execa(process.execPath, ["--input-type=module", "-e", script], { reject: false });
    expect(result.exitCode, result.stderr).toBe(3);
    const sleeper = Number(result.stdout.trim());
    expect(sleeper).toBeGreaterThan(0);
    await pollUntil(
      "the orphaned sleeper to be killed",
      () => Promise.resolve(!alive(sleeper) || undefined),
      {
        timeoutMs: 5000,
        intervalMs: 20,
      },
    );
  });
});
