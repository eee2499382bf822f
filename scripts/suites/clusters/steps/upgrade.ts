// Step 6u of the real-cluster suite: a cluster an older release deployed upgrades with `make up`. Until
// 2026-12 the remote collector's objects were named otel-gateway; here the remote cluster is put back in
// that state (today's objects, under the old names, and today's removed), and `make up` under steady load
// must remove the old objects and leave no span behind.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { retiredPresent } from "../../../clusters/retired.ts";
import { parseObjects, type K8sObject } from "../../../kube/objects.ts";
import { namespaces, REPO_ROOT, workloads } from "../../../lib/topology.ts";
import { MINUTES, type SuiteContext } from "../context.ts";
import { kubectl, make } from "../harness.ts";
import { noSpanLost } from "./resilience.ts";

const observability = ["--namespace", namespaces.observability];
const KINDS = "deployment,service,configmap,networkpolicy,grpcroute,tlsroute";
const NAME = workloads.remoteCollector;
/** The endings of the remote collector's own objects' names: kustomize's hash on its ConfigMap, and the rest. */
const ENDINGS = "(-config-[a-z0-9]{10}|-mtls|-ingress)?";
const OWN = new RegExp(`^${NAME}${ENDINGS}$`);

/** Today's objects as the older release named them (the TLSRoute's SNI hostname never changed). */
function asOlderRelease(objects: readonly K8sObject[]): K8sObject[] {
  const text = JSON.stringify(objects)
    .replaceAll(
      `"app.kubernetes.io/component":"${NAME}"`,
      '"app.kubernetes.io/component":"gateway-collector"',
    )
    .replace(new RegExp(`"${NAME}${ENDINGS}"`, "g"), '"otel-gateway$1"');
  return JSON.parse(text) as K8sObject[];
}

const listed = async () =>
  (await kubectl("remote", [...observability, "get", KINDS, "--output=name"])).split("\n").filter(Boolean);

/** Puts the remote cluster back in the older release's state: its objects running, today's gone. */
async function deployOlderRelease(): Promise<void> {
  const rendered = await make("manifests");
  expect(rendered.exitCode, rendered.stderr).toBe(0);
  const ours = parseObjects(readFileSync(join(REPO_ROOT, ".cache/manifests/remote.yaml"), "utf8")).filter(
    (object) => OWN.test(object.metadata.name),
  );
  expect(ours.map((object) => object.kind).sort()).toEqual(
    ["ConfigMap", "Deployment", "GRPCRoute", "NetworkPolicy", "Service", "TLSRoute"].sort(),
  );
  const older = { apiVersion: "v1", kind: "List", items: asOlderRelease(ours) };
  await kubectl(
    "remote",
    ["apply", "--server-side", "--field-manager=older-release", "-f", "-"],
    JSON.stringify(older),
  );
  await kubectl("remote", [
    ...observability,
    "rollout",
    "status",
    "deployment/otel-gateway",
    "--timeout=180s",
  ]);
  // Today's, routes first, as an older release never had them.
  const today = (await listed()).filter((name) => OWN.test(name.split("/")[1] ?? ""));
  const routesFirst = [...today].sort((a, b) => Number(!a.includes("route")) - Number(!b.includes("route")));
  for (const name of routesFirst)
    await kubectl("remote", [...observability, "delete", name, "--cascade=foreground", "--timeout=180s"]);
}

export function upgradeSteps(context: SuiteContext): void {
  it(
    "6u. an older release's remote collector (otel-gateway): make up under steady load removes it, no span lost",
    async () => {
      await deployOlderRelease();
      expect(retiredPresent("remote", await listed())).toHaveLength(6);
      let printed = "";
      await noSpanLost(
        context,
        {
          name: "upgrade",
          rate: 20,
          duration: "60s",
          flowingMs: 8_000,
          figure: "make up over an older release",
        },
        async () => {
          const up = await make("up");
          printed = up.stdout;
          expect(up.exitCode, `${up.stdout}\n${up.stderr}`).toBe(0);
          return { "make up s": up.seconds.toFixed(1) };
        },
      );
      expect(printed).toContain("removed deployment.apps/otel-gateway");
      const after = await listed();
      expect(retiredPresent("remote", after)).toEqual([]);
      expect(after).toContain(`deployment.apps/${workloads.remoteCollector}`);
    },
    15 * MINUTES,
  );
}
