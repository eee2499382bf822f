// Prometheus's config and alert rules (manifests/remote/prometheus), checked by the pinned promtool: the
// config and the rules load, every rule's promtool unit test passes, and every alert has a unit test and
// a live test (scripts/suites/local/alerts.test.ts) that makes it fire.
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { execa } from "execa";
import { beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { toolPath } from "../gobuild/build.ts";
import { CONFIGS } from "../local/processes.ts";
import { LIVE_ALERT_TESTS } from "../suites/local/alert-cases.ts";

const DIR = dirname(CONFIGS.prometheus);

/** The alert names of a rules file. */
function alertNames(file = join(DIR, "rules.yaml")): string[] {
  const rules = parse(readFileSync(file, "utf8")) as { groups: { rules: { alert?: string }[] }[] };
  return rules.groups.flatMap((group) => group.rules.flatMap((rule) => (rule.alert ? [rule.alert] : [])));
}

describe("Prometheus's config and alert rules", () => {
  let promtool: string;
  beforeAll(async () => {
    promtool = await toolPath("prometheus", { binary: "promtool" });
  }, 45 * 60_000);

  it("load: promtool check config (which checks the rule files it names)", async () => {
    const result = await execa(promtool, ["check", "config", CONFIGS.prometheus], { reject: false });
    expect(`${result.stdout}\n${result.stderr}`).toContain("SUCCESS");
    expect(result.exitCode).toBe(0);
  });

  it("pass their unit tests: promtool test rules rules.test.yaml", async () => {
    const result = await execa(promtool, ["test", "rules", "rules.test.yaml"], { cwd: DIR, reject: false });
    expect(result.exitCode, `${result.stdout}\n${result.stderr}`).toBe(0);
  });

  it("fail a unit test that expects the wrong thing (promtool really compares)", async () => {
    const text = readFileSync(join(DIR, "rules.test.yaml"), "utf8").replace(
      "severity: critical\n              job: cert-expiry",
      "severity: warning\n              job: cert-expiry",
    );
    const dir = mkdtempSync(join(tmpdir(), "promtool-negative-"));
    writeFileSync(join(dir, "rules.test.yaml"), text);
    copyFileSync(join(DIR, "rules.yaml"), join(dir, "rules.yaml"));
    const result = await execa(promtool, ["test", "rules", "rules.test.yaml"], { cwd: dir, reject: false });
    rmSync(dir, { recursive: true, force: true });
    expect(result.exitCode).toBe(1);
    expect(result.stdout + result.stderr).toContain("CertificateExpiresVerySoon");
  });

  it("each alert has promtool unit tests that see it fire and stay quiet, and a live test", () => {
    const cases = (
      parse(readFileSync(join(DIR, "rules.test.yaml"), "utf8")) as {
        tests: { alert_rule_test?: { alertname: string; exp_alerts: unknown[] }[] }[];
      }
    ).tests.flatMap((t) => t.alert_rule_test ?? []);
    const fires = new Set(cases.filter((a) => a.exp_alerts.length > 0).map((a) => a.alertname));
    const quiet = new Set(cases.filter((a) => a.exp_alerts.length === 0).map((a) => a.alertname));
    const names = alertNames();
    expect(names.length).toBeGreaterThan(0);
    expect(names.filter((name) => !fires.has(name))).toEqual([]);
    expect(names.filter((name) => !quiet.has(name))).toEqual([]);
    expect(names.filter((name) => !LIVE_ALERT_TESTS.includes(name))).toEqual([]);
  });
});
