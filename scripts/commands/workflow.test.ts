// The users' CI workflow (.github/workflows/clusters.yml) runs on GitHub's runners, not here (the same
// targets run here in the real-cluster suite); this checks its shape: make images → up → verify → down,
// kind and kubectl from make up, actions pinned by commit, and clean-up even after a failure.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../lib/topology.ts";
import { versions } from "../lib/versions.ts";

interface Step {
  name?: string;
  run?: string;
  uses?: string;
  if?: string;
}

const workflow = parse(readFileSync(join(REPO_ROOT, ".github", "workflows", "clusters.yml"), "utf8")) as {
  on: Record<string, unknown>;
  permissions: Record<string, string>;
  jobs: Record<string, { "runs-on": string; "timeout-minutes": number; steps: Step[] }>;
};
const [job] = Object.values(workflow.jobs);
const steps = job!.steps;
const index = (command: string) => steps.findIndex((step) => step.run?.trim() === command);

describe("the clusters workflow for users' CI", () => {
  it("runs make images, make up, then make verify, then make down even when something failed", () => {
    expect(index("make images")).toBeGreaterThan(0);
    expect(index("make up")).toBeGreaterThan(index("make images"));
    expect(index("make verify")).toBeGreaterThan(index("make up"));
    expect(index("make down PURGE=1")).toBe(steps.length - 1);
    expect(steps.at(-1)!.if).toBe("always()");
    expect(job!["runs-on"]).toMatch(/^ubuntu-/);
    expect(job!["timeout-minutes"]).toBeLessThanOrEqual(90);
    expect(workflow.permissions).toEqual({ contents: "read" });
  });

  it("leaves kind and kubectl to make up (release binaries, checksums verified), never a download of its own", () => {
    const text = JSON.stringify(workflow);
    expect(text).not.toMatch(/curl|wget|kind-linux-amd64|dl\.k8s\.io/);
    for (const pin of [versions().KIND_VERSION, versions().KUBECTL_MIN_VERSION])
      expect(text).not.toContain(pin);
  });

  it("pins every action by a full commit, with the release it is named in a comment", () => {
    const text = readFileSync(join(REPO_ROOT, ".github", "workflows", "clusters.yml"), "utf8");
    const uses = [...text.matchAll(/^\s*(?:- )?uses: (.*)$/gm)].map((match) => match[1]!);
    expect(uses.length).toBeGreaterThan(1);
    for (const line of uses) expect(line).toMatch(/^[\w.-]+\/[\w.-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$/);
  });

  it("keeps the logs bootstrap exports on failure", () => {
    const upload = steps.find((step) => step.uses?.startsWith("actions/upload-artifact@"));
    expect(upload?.if).toBe("failure()");
    expect(JSON.stringify(upload)).toContain(".logs/");
  });
});
