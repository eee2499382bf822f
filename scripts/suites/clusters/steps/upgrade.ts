// Step 6u of the real-cluster suite: a cluster the previous release deployed upgrades with `make up`.
// Until 2026-12-06 Traefik, the Gateway and its routes lived in observability, next to the collectors'
// Secrets; the remote collector served the gateway's certificate and its Service had any address. Here
// the remote cluster is put back in that state (today's objects, moved and changed so), and `make up`
// under steady load must clear the old Service that holds the NodePort, bring the new gateway up in its
// own namespace, remove the old objects and leave no span behind.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { RETIRED, retiredPresent } from "../../../clusters/retired.ts";
import { parseObjects, type K8sObject } from "../../../kube/objects.ts";
import { collectorServer, namespaces, REPO_ROOT, secrets, workloads } from "../../../lib/topology.ts";
import { MINUTES, type SuiteContext } from "../context.ts";
import { kubectl, kubectlJson, make } from "../harness.ts";
import { noSpanLost } from "./resilience.ts";

const observability = ["--namespace", namespaces.observability];
const KINDS = [...new Set(RETIRED.map((retired) => retired.resource))].join(",");

/** What the previous release had of today's objects, where it had them. */
function asPreviousRelease(objects: readonly K8sObject[]): K8sObject[] {
  const moved = objects.filter(
    (o) =>
      (o.metadata.namespace === namespaces.gateway &&
        o.metadata.labels?.["app.kubernetes.io/component"] !== "gateway-backend") ||
      o.kind === "ClusterRoleBinding" ||
      (o.metadata.namespace === namespaces.observability && o.metadata.name === workloads.remoteCollector),
  );
  const text = JSON.stringify(moved)
    .replaceAll(`"namespace":"${namespaces.gateway}"`, `"namespace":"${namespaces.observability}"`)
    .replaceAll(`namespaces=${namespaces.gateway}"`, `namespaces=${namespaces.observability}"`)
    .replaceAll(
      `"secretName":"${secrets.remote.collectorTls.name}"`,
      `"secretName":"${secrets.remote.gatewayTls.name}"`,
    )
    .replaceAll(`"clusterIP":"${collectorServer.clusterIp}",`, "");
  return JSON.parse(text) as K8sObject[];
}

const listed = async () =>
  (await kubectl("remote", [...observability, "get", KINDS, "--output=name"])).split("\n").filter(Boolean);

const apply = (objects: readonly K8sObject[]) =>
  kubectl(
    "remote",
    ["apply", "--server-side", "--force-conflicts", "--field-manager=previous-release", "-f", "-"],
    JSON.stringify({ apiVersion: "v1", kind: "List", items: objects }),
  );

/** Puts the remote cluster back in the previous release's state: its objects running, today's gone. */
export async function deployPreviousRelease(): Promise<void> {
  const rendered = await make("manifests");
  expect(rendered.exitCode, rendered.stderr).toBe(0);
  const objects = parseObjects(readFileSync(join(REPO_ROOT, ".cache/manifests/remote.yaml"), "utf8"));
  // The gateway's certificate, where the previous release kept it (its data never leaves kubectl's pipes).
  const tls = await kubectlJson<K8sObject>("remote", [
    "--namespace",
    namespaces.gateway,
    "get",
    `secret/${secrets.remote.gatewayTls.name}`,
  ]);
  const { name, labels } = tls.metadata;
  await apply([{ ...tls, metadata: { name, labels, namespace: namespaces.observability } }]);
  // Today's gateway goes (its Service holds the NodePort), and the collector's Service with its address.
  await kubectl("remote", ["delete", "namespace", namespaces.gateway, "--timeout=180s"]);
  await kubectl("remote", [...observability, "delete", `service/${workloads.remoteCollector}`]);
  await apply(asPreviousRelease(objects));
  for (const deployment of [workloads.traefik, workloads.remoteCollector])
    await kubectl("remote", [
      ...observability,
      "rollout",
      "status",
      `deployment/${deployment}`,
      "--timeout=180s",
    ]);
}

const collectorAddress = async () =>
  (
    await kubectlJson<{ spec: { clusterIP: string } }>("remote", [
      ...observability,
      "get",
      `service/${workloads.remoteCollector}`,
    ])
  ).spec.clusterIP;

export function upgradeSteps(context: SuiteContext): void {
  it(
    "6u. the previous release's gateway in observability: make up under steady load moves it to its own namespace, no span lost",
    async () => {
      await deployPreviousRelease();
      expect(retiredPresent("remote", await listed())).toHaveLength(8);
      expect(await collectorAddress()).not.toBe(collectorServer.clusterIp);
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
      expect(printed).toContain("removed service/traefik");
      expect(printed).toContain("removed deployment.apps/traefik");
      expect(retiredPresent("remote", await listed())).toEqual([]);
      expect(await collectorAddress()).toBe(collectorServer.clusterIp);
    },
    15 * MINUTES,
  );
}
