// The apps' environment in the manifests, fed to the apps' own config parsers (the code that runs at
// start-up in the pods): a variable the app does not accept fails here, not in a CrashLoopBackOff.
import { describe, expect, it } from "vitest";
import { parseConfig as parseGeneratorConfig } from "../../apps/trace-generator/src/config.ts";
import { parseConfig as parseServiceConfig } from "../../apps/sample-service/src/config.ts";
import { ports, workloads as names } from "../lib/topology.ts";
import { containerEnvironment, workloadEnvironment } from "./checks/env.ts";
import { render } from "./render.ts";

/** Stand-ins for what the downward API fills in at run time. */
const FIELDS = Object.freeze({
  "status.podIP": "10.110.0.17",
  "metadata.uid": "0f8fad5b-d9cb-469f-a165-70867728950e",
  "metadata.name": "app-7d9c8b6f5-x2x9q",
  "metadata.namespace": "demo",
  "spec.nodeName": "edge-control-plane",
});

async function environmentOf(name: string) {
  return workloadEnvironment((await render("edge")).objects, name, name, FIELDS);
}

/**
 * What in an app's environment would claim a pod identity: the edge collector drops any k8s.* a sender
 * sets and takes the pod from the connection, so the manifests give the apps none to send.
 */
const identityClaims = (env: Readonly<Record<string, string | undefined>>) => [
  ...Object.keys(env).filter((name) => name.startsWith("K8S_")),
  ...(env.OTEL_RESOURCE_ATTRIBUTES ?? "").split(",").filter((pair) => pair.startsWith("k8s.")),
];

describe("the apps accept the environment the manifests give them", () => {
  it("sample-service", async () => {
    const { env, problems } = await environmentOf(names.sampleService);
    expect(problems).toEqual([]);
    expect(identityClaims(env)).toEqual([]);
    const result = parseServiceConfig(env);
    expect(result.ok ? [] : result.problems).toEqual([]);
    if (result.ok) expect(result.config.port).toBe(ports.sampleService);
  });

  it("trace-generator, in real-traffic mode against the sample service's Service", async () => {
    const { env, problems } = await environmentOf(names.traceGenerator);
    expect(problems).toEqual([]);
    expect(identityClaims(env)).toEqual([]);
    const result = parseGeneratorConfig([], env);
    expect(result.kind === "invalid" ? result.problems : []).toEqual([]);
    expect(result.kind).toBe("run");
    if (result.kind === "run") {
      expect(result.config.scenario.name).toBe("sample-service");
      expect(result.config.targetUrl.href).toBe(
        `http://${names.sampleService}.demo.svc:${ports.sampleService}/`,
      );
    }
  });

  it("a reference to a variable defined later is caught (order matters for $(VAR))", () => {
    const container = {
      name: "app",
      env: [
        { name: "OTEL_RESOURCE_ATTRIBUTES", value: "k8s.pod.ip=$(K8S_POD_IP)" },
        { name: "K8S_POD_IP", valueFrom: { fieldRef: { fieldPath: "status.podIP" } } },
        { name: "PRICE", value: "$$5" },
      ],
    };
    expect(containerEnvironment(container, FIELDS)).toEqual({
      env: { OTEL_RESOURCE_ATTRIBUTES: "k8s.pod.ip=$(K8S_POD_IP)", K8S_POD_IP: "10.110.0.17", PRICE: "$5" },
      problems: ["app: OTEL_RESOURCE_ATTRIBUTES refers to $(K8S_POD_IP), which is not defined before it"],
    });
  });
});
