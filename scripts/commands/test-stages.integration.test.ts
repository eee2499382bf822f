// make test's offline stages (scripts/commands/test.ts) split the offline tier with vitest's path filters
// and --exclude, which vitest ignores in a project that has an `exclude` of its own: asked of vitest
// itself, every offline file must be in exactly one stage, the integration tests in the first.
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../lib/topology.ts";
import { OFFLINE_STAGES } from "./test.ts";

/** The files `vitest run <args>` would run, asked of `vitest list`. */
async function files(command: readonly string[]): Promise<string[]> {
  const [, run, ...args] = command;
  expect(run).toBe("run");
  const { stdout } = await execa("vitest", ["list", "--filesOnly", ...args], {
    cwd: REPO_ROOT,
    preferLocal: true,
  });
  return stdout
    .split("\n")
    .filter((line) => line.startsWith("[offline] "))
    .map((line) => line.slice("[offline] ".length))
    .sort();
}

describe("make test's offline stages", () => {
  it("run every offline file once, the integration tests first and the contract tools' files last", async () => {
    const [all, integration, rest, contractTools] = await Promise.all([
      files(["vitest", "run", "--project", "offline"]),
      files(OFFLINE_STAGES.integration),
      files(OFFLINE_STAGES.rest),
      files(OFFLINE_STAGES.contractTools),
    ]);
    expect(all.length).toBeGreaterThan(0);
    expect(integration).toEqual(all.filter((file) => file.endsWith(".integration.test.ts")));
    expect(contractTools).toEqual([
      "scripts/contract/fixtures.test.ts",
      "scripts/contract/manifests.test.ts",
    ]);
    expect([...integration, ...rest, ...contractTools].sort()).toEqual(all);
  });
});
