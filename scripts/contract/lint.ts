// kube-linter over rendered YAML (default checks; scripts/contract/kube-linter.yaml). Exceptions live as
// annotations on the objects, each with its reason; this module also reports an exception without one.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { REPO_ROOT } from "../lib/topology.ts";
import type { K8sObject } from "../kube/objects.ts";
import { describe } from "../kube/objects.ts";
import { OFFLINE_ENV } from "./tools.ts";
import { toolPath } from "../gobuild/build.ts";

export const KUBE_LINTER_CONFIG = join(REPO_ROOT, "scripts/contract/kube-linter.yaml");
const IGNORE_PREFIX = "ignore-check.kube-linter.io/";

interface Report {
  readonly Check: string;
  readonly Diagnostic: { readonly Message: string };
  readonly Object: {
    readonly K8sObject: {
      readonly Namespace?: string;
      readonly Name: string;
      readonly GroupVersionKind: { readonly Kind: string };
    };
  };
}

/** One line per finding: check, object, message. Empty means clean. */
export async function kubeLint(yaml: string): Promise<string[]> {
  const binary = await toolPath("kube-linter");
  const dir = mkdtempSync(join(tmpdir(), "contract-lint-"));
  try {
    const file = join(dir, "objects.yaml");
    writeFileSync(file, yaml);
    const result = await execa(binary, ["lint", "--config", KUBE_LINTER_CONFIG, "--format", "json", file], {
      env: OFFLINE_ENV,
      reject: false,
    });
    let reports: Report[];
    try {
      reports = (JSON.parse(result.stdout) as { Reports?: Report[] | null }).Reports ?? [];
    } catch {
      throw new Error(`kube-linter failed (exit ${result.exitCode}):\n${result.stderr || result.stdout}`);
    }
    if (result.exitCode !== 0 && reports.length === 0)
      throw new Error(`kube-linter exited ${result.exitCode} without findings:\n${result.stderr}`);
    return reports.map((r) => {
      const o = r.Object.K8sObject;
      return `${r.Check}: ${o.GroupVersionKind.Kind} ${o.Namespace ? `${o.Namespace}/` : ""}${o.Name}: ${r.Diagnostic.Message}`;
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Every kube-linter exception in the manifests, and a problem for each one that gives no reason. */
export function lintExceptions(objects: readonly K8sObject[]): { exceptions: string[]; problems: string[] } {
  const exceptions: string[] = [];
  const problems: string[] = [];
  for (const object of objects)
    for (const [key, value] of Object.entries(object.metadata.annotations ?? {})) {
      if (!key.startsWith(IGNORE_PREFIX)) continue;
      const check = key.slice(IGNORE_PREFIX.length);
      exceptions.push(`${describe(object)}: ${check}`);
      if (value.trim().length < 20)
        problems.push(
          `${describe(object)} skips kube-linter check ${check} without a reason in the annotation's value`,
        );
    }
  return { exceptions, problems };
}
