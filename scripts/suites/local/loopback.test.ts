// 8. What the local topology promises about this machine (scripts/local/README.md): every listener of
// every process it starts is on 127.0.0.1, and every file in its private folder is readable by the
// owner only. Checked on a running topology, with the real `ss` and the real files.
import { statSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { useLocalPipeline } from "./helpers.ts";

/** `ss -ltnpH` rows of the given process ids and their descendants: "address:port (process)". */
async function listeners(pids: readonly number[]): Promise<string[]> {
  const { stdout: tree } = await execa("ps", ["-e", "-o", "pid=,ppid="]);
  const parent = new Map(
    tree
      .trim()
      .split("\n")
      .map((l) => l.trim().split(/\s+/).map(Number) as [number, number]),
  );
  const ours = (pid: number): boolean => {
    for (let p: number | undefined = pid; p !== undefined && p > 1; p = parent.get(p))
      if (pids.includes(p)) return true;
    return false;
  };
  const { stdout } = await execa("ss", ["-ltnpH"]);
  return stdout
    .split("\n")
    .filter((row) => [...row.matchAll(/pid=(\d+)/g)].some((m) => ours(Number(m[1]))))
    .map((row) => {
      const columns = row.trim().split(/\s+/);
      return `${columns[3]} (${/users:\(\("([^"]+)"/.exec(row)?.[1] ?? "?"})`;
    });
}

describe("local topology: loopback only, private files", () => {
  const local = useLocalPipeline(
    7,
    {
      generators: [{ name: "generator-live", scenario: "sample-service", rate: 5 }],
    },
    400,
  );

  it("has every listener of every process on 127.0.0.1", async () => {
    const rows = await listeners(local.pipeline.supervisor.running.map((p) => p.pid));
    // Each server process of the topology shows up (Node names its main thread; the generator serves nothing).
    for (const name of ["otelcol", "jaeger", "traefik", "MainThread"])
      expect(rows.join("\n")).toContain(`(${name})`);
    expect(
      rows.filter((row) => !row.startsWith("127.0.0.1:")),
      rows.join("\n"),
    ).toEqual([]);
  });

  it("keeps its private folder 0700 and every file in it 0600, whoever wrote it", () => {
    const problems: string[] = [];
    const walk = (dir: string) => {
      const mode = statSync(dir).mode & 0o777;
      if (mode !== 0o700) problems.push(`${dir}: folder ${mode.toString(8)}`);
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) walk(path);
        else if ((statSync(path).mode & 0o777) !== 0o600)
          problems.push(`${path}: ${(statSync(path).mode & 0o777).toString(8)}`);
      }
    };
    walk(local.pipeline.session.dir);
    expect(problems).toEqual([]);
  });
});
