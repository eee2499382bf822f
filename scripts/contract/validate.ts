// Schema validation with kubectl-validate: every object against the OpenAPI schema of the pinned
// Kubernetes version or its CRD (Gateway API), unknown fields rejected. Offline: no
// kubeconfig is visible to it, so it never consults a cluster.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { describe, parseObjects } from "../kube/objects.ts";
import { schemas } from "./schemas.ts";
import { OFFLINE_ENV } from "./tools.ts";
import { toolPath } from "../gobuild/build.ts";

interface Status {
  readonly status: "Success" | "Failure";
  readonly message?: string;
  readonly details?: { readonly causes?: readonly { readonly field?: string; readonly message: string }[] };
}

/** Validates multi-document YAML; returns one line per invalid object, naming it and every bad field. */
export async function validateSchemas(yaml: string): Promise<string[]> {
  const [binary, { openApiDir, crdDirs }] = await Promise.all([toolPath("kubectl-validate"), schemas()]);
  const dir = mkdtempSync(join(tmpdir(), "contract-validate-"));
  try {
    const file = join(dir, "objects.yaml");
    writeFileSync(file, yaml);
    const result = await execa(
      binary,
      [file, "--output", "json", "--local-schemas", openApiDir, ...crdDirs.map((d) => `--local-crds=${d}`)],
      { env: OFFLINE_ENV, reject: false },
    );
    let report: Record<string, Status[]>;
    try {
      report = JSON.parse(result.stdout) as Record<string, Status[]>;
    } catch {
      throw new Error(
        `kubectl-validate failed (exit ${result.exitCode}):\n${result.stderr || result.stdout}`,
      );
    }
    const statuses = report[file] ?? [];
    const objects = parseObjects(yaml);
    if (statuses.length !== objects.length)
      throw new Error(
        `kubectl-validate reported ${statuses.length} results for ${objects.length} objects:\n${result.stdout}`,
      );
    return statuses.flatMap((status, i) => {
      if (status.status === "Success") return [];
      const causes = status.details?.causes?.map((c) => `${c.field ?? ""}: ${c.message}`) ?? [
        status.message ?? "invalid",
      ];
      return [`${describe(objects[i] as (typeof objects)[number])}: ${causes.join("; ")}`];
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
