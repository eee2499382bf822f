// `make test`: the whole suite, with the set-up it needs done the way `make up` does it for a newcomer. The
// Go builds run in the background from the start, because lint, the type check and the unit tier need none
// of them; the offline tier waits for the local topology's tools, the clusters tier for everything (its first
// step is `make up` from nothing). Each stage prints its time, and the run ends with the table of them
// (also written to .logs/test-timings.json, where the README's CI figures are taken from).
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { execa } from "execa";
import { parseFlags, runMain } from "../cli/command.ts";
import { bold, say, table } from "../cli/ui.ts";
import { duration } from "../cli/progress.ts";
import { ensureTools } from "../gobuild/build.ts";
import { toolsOf } from "../gobuild/recipes/index.ts";
import { LOGS_DIR } from "../clusters/config.ts";
import { Failure, exitCodes } from "../lib/exit-codes.ts";
import { REPO_ROOT } from "../lib/topology.ts";
import { ensurePackages, missingPackages } from "../provision/apt.ts";
import { host } from "../provision/host.ts";

const command = {
  name: "test",
  summary:
    "Lint, type check, then the unit, offline and clusters tiers, with the Go builds in the background.",
  options: {},
  help: {},
} as const;

/** What the tests themselves run, command → Debian package. */
const TEST_PACKAGES = Object.freeze({
  openssl: "openssl",
  ss: "iproute2",
  shellcheck: "shellcheck",
  checkbashisms: "devscripts",
  posh: "posh",
  dash: "dash",
  iptables: "iptables",
  // A filesystem that ignores file modes, as WSL's /mnt/c does (the state folder's check).
  bindfs: "bindfs",
});

const times: [string, number][] = [];

async function stage(name: string, file: string, args: readonly string[]): Promise<void> {
  say(bold(`\n== ${name}`));
  const started = performance.now();
  const result = await execa(file, args, {
    cwd: REPO_ROOT,
    reject: false,
    stdio: ["ignore", "inherit", "inherit"],
  });
  times.push([name, (performance.now() - started) / 1000]);
  if (result.exitCode !== 0)
    throw new Failure(`make test: ${name} failed (exit ${result.exitCode})`, exitCodes.stepFailed);
}

/** Background build output, one prefixed line at a time, never a live line (it shares the terminal). */
const buildStream = {
  isTTY: false,
  write: (text: string) => process.stdout.write(text.replace(/^(?=.)/gm, "[go builds] ")),
} as unknown as NodeJS.WriteStream;

async function setUpPackages(): Promise<void> {
  const missing = missingPackages(TEST_PACKAGES);
  if (missing.length === 0) return;
  const facts = host();
  if (facts.debianLike && facts.root) await ensurePackages(TEST_PACKAGES, "the tests", (line) => say(line));
  else if (process.env.CI === "true") await ensurePackages(TEST_PACKAGES, "the tests", (line) => say(line));
  else
    say(
      `missing ${missing.join(", ")}: the checks that use them say so (Debian: apt-get install ${missing.join(" ")})`,
    );
}

if (import.meta.main)
  runMain(async () => {
    parseFlags(command, process.argv.slice(2));
    const started = performance.now();
    await setUpPackages();
    const timed = async (name: string, work: Promise<unknown>) => {
      const t = performance.now();
      await work;
      times.push([name, (performance.now() - t) / 1000]);
    };
    // The offline tier's tools first, then the offline node image's (kubectl comes with Kubernetes there);
    // neither blocks the first stages. Two at a time: one compiles while the other links.
    const offlineTools = timed(
      "Go builds: local topology and contract tools",
      ensureTools([...toolsOf("local"), ...toolsOf("contract")], buildStream, 2),
    );
    const clusterTools = offlineTools.then(() =>
      timed(
        "Go builds: cluster tools",
        ensureTools(
          toolsOf("cluster").filter((tool) => tool !== "kubectl"),
          buildStream,
          2,
        ),
      ),
    );
    // Unhandled until awaited below; a build failure must not crash the run before a stage reports it.
    offlineTools.catch(() => {});
    clusterTools.catch(() => {});
    await stage("lint", "node", ["scripts/commands/lint.ts"]);
    await stage("typecheck", "tsc", ["-p", "tsconfig.json"]);
    await stage("unit tier", "vitest", ["run", "--project", "unit"]);
    await offlineTools;
    await stage("offline tier", "vitest", ["run", "--project", "offline"]);
    await clusterTools;
    await stage("clusters tier", "vitest", ["run", "--project", "clusters"]);
    const total = (performance.now() - started) / 1000;
    times.push(["make test", total]);
    say(bold("\nmake test: every stage passed"));
    say(table(times.map(([name, seconds]) => [name, duration(seconds)])));
    mkdirSync(LOGS_DIR, { recursive: true });
    writeFileSync(
      join(LOGS_DIR, "test-timings.json"),
      `${JSON.stringify({ date: new Date().toISOString(), ci: process.env.CI === "true", stages: Object.fromEntries(times.map(([n, s]) => [n, Math.round(s)])) }, null, 2)}\n`,
    );
  });
