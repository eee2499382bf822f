// `make tools`: the Go binaries the project runs, built from the Go module proxy at the pinned versions and
// cached outside the repository by version (scripts/gobuild/). Also the lookup the shell side and the
// apps' benchmarks use, which may not import the scripts:
//   node scripts/commands/tools.ts [all] [group]          build every tool, or one group (progress lines)
//   node scripts/commands/tools.ts path <tool> [binary]   print a binary's path, building the tool first
//   node scripts/commands/tools.ts dir <tool>             print the tool's cache folder, building it first
//   node scripts/commands/tools.ts dirs <tool>...         "<tool>\t<folder>" lines, building what is missing
//   node scripts/commands/tools.ts module-dir <mod@ver>   the module cache folder of a Go module
//   node scripts/commands/tools.ts list                   tool, group, cache key, cached or not
//   node scripts/commands/tools.ts render-builder-manifest  the collector's builder manifest, pins filled in
//   node scripts/commands/tools.ts record-costs           after a run from empty caches: write this machine's
//                                                         timings into docs/results/cold-set-up.json
import { parseFlags, runMain } from "../cli/command.ts";
import { say } from "../cli/ui.ts";
import { TIMINGS_FILE, ensureTool, ensureTools, isCached, toolPath } from "../gobuild/build.ts";
import {
  COLD_SET_UP_RESULTS,
  coldSetUpResults,
  costsFromTimings,
  estimateSeconds,
} from "../gobuild/costs.ts";
import { readFileSync, writeFileSync } from "node:fs";
import { machineDescription } from "../lib/machine.ts";
import { join } from "node:path";
import { execa } from "execa";
import { CACHE_DIR } from "../lib/cache.ts";
import { about } from "../cli/progress.ts";
import type { ToolGroup } from "../gobuild/recipe.ts";
import { GO_TOOLS, TOOL_GROUPS, isGoTool, recipes, toolsOf, type GoTool } from "../gobuild/recipes/index.ts";
import { renderBuilderManifest } from "../gobuild/recipes/otelcol.ts";
import { moduleDirOf } from "../gobuild/go.ts";
import { Failure, exitCodes } from "../lib/exit-codes.ts";
import { usedBytes } from "../images/disk.ts";
import { GiB } from "../provision/host.ts";

const command = {
  name: "tools",
  summary: "Builds the Go tools at the pinned versions (cached by version), or prints where one is.",
  options: {},
  help: {},
  allowPositionals: true,
} as const;

function tool(name: string | undefined): GoTool {
  if (name !== undefined && isGoTool(name)) return name;
  throw new Failure(
    `unknown tool ${JSON.stringify(name ?? "")}; expected one of: ${GO_TOOLS.join(", ")}`,
    exitCodes.usage,
  );
}

async function all(group: string | undefined): Promise<void> {
  if (group !== undefined && !(TOOL_GROUPS as readonly string[]).includes(group))
    throw new Failure(
      `unknown group ${JSON.stringify(group)}; expected one of: ${TOOL_GROUPS.join(", ")}`,
      exitCodes.usage,
    );
  const selected = toolsOf(group as ToolGroup | undefined);
  const missing: GoTool[] = [];
  for (const name of selected) if (!(await isCached(name))) missing.push(name);
  const started = performance.now();
  if (missing.length > 0)
    say(
      `building ${missing.length} of ${selected.length} Go tools (${about(estimateSeconds(missing))} from empty Go caches on this machine)`,
    );
  await ensureTools(missing, process.stderr.isTTY ? process.stderr : process.stdout);
  say(`${selected.length} Go tools ready in ${((performance.now() - started) / 1000).toFixed(0)}s`);
}

/** GiB a folder takes, to a tenth. */
const gibOf = async (path: string) => Math.round(((await usedBytes(path)) / GiB) * 10) / 10;

async function recordCosts(): Promise<void> {
  const [modules = "", cache = ""] = String(
    (await execa("go", ["env", "GOMODCACHE", "GOCACHE"])).stdout,
  ).split("\n");
  const disk = {
    goModules: await gibOf(modules),
    goBuildCache: await gibOf(cache),
    // With the engine purged there is nothing to measure: keep the last measured figure, not 0.
    docker: (await gibOf(join(CACHE_DIR, "docker-engine"))) || coldSetUpResults().disk.docker,
  };
  const results = costsFromTimings(readFileSync(TIMINGS_FILE, "utf8"), disk, machineDescription());
  writeFileSync(
    COLD_SET_UP_RESULTS,
    `${JSON.stringify({ what: coldSetUpResults().what, ...results }, null, 2)}\n`,
  );
  say(
    `${COLD_SET_UP_RESULTS}: ${Object.keys(results.tools).length} tools, images, engine, disk (${results.date}); run make docs next`,
  );
}

if (import.meta.main)
  runMain(async () => {
    const { positionals } = parseFlags(command, process.argv.slice(2));
    const [action = "all", ...rest] = positionals;
    // The lookups print only the path on stdout; build progress goes to stderr.
    if (action === "path") say(await toolPath(tool(rest[0]), { binary: rest[1], stream: process.stderr }));
    else if (action === "dir") say(await ensureTool(tool(rest[0]), { stream: process.stderr }));
    else if (action === "dirs")
      for (const name of rest.map(tool))
        say(`${name}\t${await ensureTool(name, { stream: process.stderr })}`);
    else if (action === "module-dir") say(await moduleDirOf(rest[0] ?? ""));
    else if (action === "list")
      for (const name of GO_TOOLS)
        say(
          `${name}\t${recipes[name].group}\t${await recipes[name].key()}\t${(await isCached(name)) ? "cached" : "not built"}`,
        );
    else if (action === "render-builder-manifest") process.stdout.write(renderBuilderManifest());
    else if (action === "record-costs") await recordCosts();
    else if (action === "all") await all(rest[0]);
    else if ((TOOL_GROUPS as readonly string[]).includes(action)) await all(action);
    else
      throw new Failure(
        `unknown action ${JSON.stringify(action)}; expected all [group], path, dir, list`,
        exitCodes.usage,
      );
  });
