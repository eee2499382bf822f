// Services must select the pods they are meant for, on ports those pods expose; workloads must select
// their own pod template. The API server accepts a Service that selects nothing, so only a check can tell.
// A Service without a selector is served by an EndpointSlice of the rendering instead, which must name
// each of its ports and lead to a Service that does select pods.
import type { K8sObject, Workload } from "../../kube/objects.ts";
import { describe, ofKind, workloads } from "../../kube/objects.ts";

interface ServicePort {
  readonly name?: string;
  readonly port: number;
  readonly targetPort?: number | string;
}

const matches = (selector: Readonly<Record<string, string>>, labels: Readonly<Record<string, string>>) =>
  Object.entries(selector).every(([key, value]) => labels[key] === value);

const show = (labels: Readonly<Record<string, string>>) =>
  Object.entries(labels)
    .map(([key, value]) => `${key}=${value}`)
    .join(",");

function selected(service: K8sObject, all: readonly Workload[]): Workload[] {
  const selector = (service.spec?.selector ?? {}) as Record<string, string>;
  if (Object.keys(selector).length === 0) return [];
  const namespace = service.metadata.namespace ?? "default";
  return all.filter((w) => w.namespace === namespace && matches(selector, w.labels));
}

/** Every Service with a selector selects at least one pod template in its namespace. */
export function checkServiceSelectors(objects: readonly K8sObject[]): string[] {
  const all = workloads(objects);
  const problems: string[] = [];
  for (const service of ofKind(objects, "Service")) {
    const selector = service.spec?.selector as Record<string, string> | undefined;
    if (selector === undefined || Object.keys(selector).length === 0) continue;
    if (selected(service, all).length > 0) continue;
    const namespace = service.metadata.namespace ?? "default";
    const candidates = all
      .filter((w) => w.namespace === namespace)
      .map((w) => `${describe(w.object)} has ${show(w.labels)}`);
    problems.push(
      `${describe(service)} selects ${show(selector)}, but no pod template in namespace ${namespace} carries those labels` +
        (candidates.length > 0 ? ` (${candidates.join("; ")})` : ""),
    );
  }
  return problems;
}

/** Every Service port's targetPort is a named or numbered port of a container in each selected pod. */
export function checkServiceTargetPorts(objects: readonly K8sObject[]): string[] {
  const all = workloads(objects);
  const problems: string[] = [];
  for (const service of ofKind(objects, "Service")) {
    const targets = selected(service, all);
    for (const port of (service.spec?.ports ?? []) as ServicePort[]) {
      const target = port.targetPort ?? port.port;
      for (const workload of targets) {
        const exposed = workload.pod.containers.flatMap((c) => c.ports ?? []);
        const found = exposed.some((p) =>
          typeof target === "string" ? p.name === target : p.containerPort === target,
        );
        if (!found)
          problems.push(
            `${describe(service)} port ${port.name ?? port.port} targets ${JSON.stringify(target)}, which no container of ${describe(workload.object)} exposes (it has: ${
              exposed.map((p) => `${p.name ?? "unnamed"}=${p.containerPort}`).join(", ") || "no ports"
            })`,
          );
      }
    }
  }
  return problems;
}

/** A workload's selector matches its own pod template (the API server rejects it otherwise, at apply time). */
export function checkWorkloadSelectors(objects: readonly K8sObject[]): string[] {
  const problems: string[] = [];
  for (const workload of workloads(objects)) {
    const selector = (workload.object.spec?.selector as { matchLabels?: Record<string, string> } | undefined)
      ?.matchLabels;
    if (selector !== undefined && !matches(selector, workload.labels))
      problems.push(
        `${describe(workload.object)} selects ${show(selector)}, but its pod template is labelled ${show(workload.labels)}`,
      );
  }
  return problems;
}

interface EndpointSliceSpec {
  readonly ports?: readonly { name?: string; port?: number }[];
  readonly endpoints?: readonly { addresses: readonly string[] }[];
}

/**
 * A Service without a selector has an EndpointSlice (kubernetes.io/service-name) with a port of each of its
 * ports' names, whose addresses are fixed clusterIPs of Services that select pods on those ports.
 */
export function checkSelectorlessServices(objects: readonly K8sObject[]): string[] {
  const services = ofKind(objects, "Service");
  const byAddress = new Map(services.map((s) => [s.spec?.clusterIP as string | undefined, s]));
  const problems: string[] = [];
  for (const service of services.filter((s) => Object.keys(s.spec?.selector ?? {}).length === 0)) {
    const slices = ofKind(objects, "EndpointSlice").filter(
      (slice) =>
        slice.metadata.namespace === service.metadata.namespace &&
        slice.metadata.labels?.["kubernetes.io/service-name"] === service.metadata.name,
    );
    if (slices.length === 0) problems.push(`${describe(service)} has no selector and no EndpointSlice`);
    for (const slice of slices as (K8sObject & EndpointSliceSpec)[]) {
      const names = new Set((slice.ports ?? []).map((p) => p.name));
      for (const port of (service.spec?.ports ?? []) as ServicePort[])
        if (!names.has(port.name))
          problems.push(`${describe(slice)} has no port named ${String(port.name)} (${describe(service)})`);
      for (const address of (slice.endpoints ?? []).flatMap((e) => e.addresses)) {
        const behind = byAddress.get(address);
        const ports = ((behind?.spec?.ports ?? []) as ServicePort[]).map((p) => p.port);
        if (behind === undefined || Object.keys(behind.spec?.selector ?? {}).length === 0)
          problems.push(
            `${describe(slice)} names ${address}, which no Service with a selector has as its clusterIP`,
          );
        else
          for (const port of slice.ports ?? [])
            if (!ports.includes(port.port ?? -1))
              problems.push(
                `${describe(slice)} port ${String(port.name)} is ${port.port}, which ${describe(behind)} does not serve`,
              );
      }
    }
  }
  return problems;
}
