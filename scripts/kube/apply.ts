// Server-side apply of objects given on stdin, the one way the scripts change a cluster's objects:
// server-side, because client-side apply would copy each object, Secret data included, into its
// kubectl.kubernetes.io/last-applied-configuration annotation; on stdin, so nothing secret is in argv.
import { clusterOf, type ClusterTarget } from "../lib/topology.ts";
import type { K8sObject } from "./objects.ts";
import { run } from "../lib/exec.ts";

/** The field manager of the manifests' apply (the Secrets have their own, scripts/clusters/config.ts). */
export const FIELD_MANAGER = "otel-e2r-bootstrap";

/** Server-side applies objects given on stdin; returns kubectl's one-line-per-object summary. */
export async function applyObjects(
  cluster: ClusterTarget,
  objects: readonly K8sObject[],
  fieldManager: string = FIELD_MANAGER,
): Promise<string> {
  const { stdout } = await run(
    "kubectl",
    [
      "--context",
      clusterOf(cluster).context,
      "apply",
      "--server-side",
      `--field-manager=${fieldManager}`,
      "--force-conflicts",
      "-f",
      "-",
    ],
    { input: JSON.stringify({ apiVersion: "v1", kind: "List", items: objects }) },
  );
  return stdout;
}
