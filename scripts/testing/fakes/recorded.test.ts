// The fake kubectl falls back to recorded kustomize renderings when the real kustomize is not built; this
// keeps those recordings equal to what the manifests render today, so the fallback can never go stale.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { REPO_ROOT } from "../../lib/topology.ts";
import { realKustomize } from "./fake-path.ts";

const objects = (text: string): unknown[] => parseAllDocuments(text).map((doc) => doc.toJS() as unknown);

describe("recorded kustomize renderings", () => {
  it.each(["edge", "remote"])("recorded/kustomize-%s.yaml equals today's rendering", (cluster) => {
    const kustomize = realKustomize();
    expect(kustomize, "the pinned kustomize (scripts/tools/go-tools.sh path kustomize)").not.toBeNull();
    const live = execFileSync(kustomize!, ["build", join(REPO_ROOT, "manifests", cluster)], {
      encoding: "utf8",
    });
    const recorded = readFileSync(new URL(`./recorded/kustomize-${cluster}.yaml`, import.meta.url), "utf8");
    expect(objects(recorded)).toEqual(objects(live));
  });
});
