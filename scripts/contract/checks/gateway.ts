// The Gateway API objects must form one chain: GatewayClass ← Gateway (+ any parameters it names) ←
// route (parent listener) → backend Service port. A broken link is accepted by the API server and only
// surfaces as a route status condition nobody reads.
import type { K8sObject } from "../../kube/objects.ts";
import { describe, ofKind } from "../../kube/objects.ts";

interface ParentRef {
  readonly name: string;
  readonly namespace?: string;
  readonly sectionName?: string;
}
interface BackendRef {
  readonly name: string;
  readonly namespace?: string;
  readonly kind?: string;
  readonly port?: number;
}
interface Listener {
  readonly name: string;
  readonly allowedRoutes?: { readonly kinds?: readonly { readonly kind: string }[] };
}

const ROUTE_KINDS = ["GRPCRoute", "HTTPRoute", "TLSRoute", "TCPRoute", "UDPRoute"];

export function checkGatewayChain(objects: readonly K8sObject[]): string[] {
  const problems: string[] = [];
  const find = (kind: string, namespace: string | undefined, name: string) =>
    objects.find(
      (o) =>
        o.kind === kind &&
        o.metadata.name === name &&
        (namespace === undefined || (o.metadata.namespace ?? "default") === namespace),
    );

  for (const gateway of ofKind(objects, "Gateway")) {
    const namespace = gateway.metadata.namespace ?? "default";
    const className = gateway.spec?.gatewayClassName as string;
    if (find("GatewayClass", undefined, className) === undefined)
      problems.push(`${describe(gateway)} uses GatewayClass ${className}, which the manifests do not define`);
    const params = (
      gateway.spec?.infrastructure as { parametersRef?: { kind: string; name: string } } | undefined
    )?.parametersRef;
    if (params !== undefined && find(params.kind, namespace, params.name) === undefined)
      problems.push(
        `${describe(gateway)} takes its parameters from ${params.kind} ${namespace}/${params.name}, which the manifests do not define`,
      );
  }

  for (const route of objects.filter((o) => ROUTE_KINDS.includes(o.kind))) {
    const namespace = route.metadata.namespace ?? "default";
    for (const parent of (route.spec?.parentRefs ?? []) as ParentRef[]) {
      const gateway = find("Gateway", parent.namespace ?? namespace, parent.name);
      if (gateway === undefined) {
        problems.push(
          `${describe(route)} attaches to Gateway ${parent.namespace ?? namespace}/${parent.name}, which the manifests do not define`,
        );
        continue;
      }
      const listeners = (gateway.spec?.listeners ?? []) as Listener[];
      const candidates =
        parent.sectionName === undefined ? listeners : listeners.filter((l) => l.name === parent.sectionName);
      if (candidates.length === 0) {
        problems.push(
          `${describe(route)} attaches to listener ${parent.sectionName} of ${describe(gateway)}, which has listeners ${listeners.map((l) => l.name).join(", ")}`,
        );
        continue;
      }
      const admitted = candidates.some(
        (l) =>
          l.allowedRoutes?.kinds === undefined || l.allowedRoutes.kinds.some((k) => k.kind === route.kind),
      );
      if (!admitted)
        problems.push(
          `${describe(route)}: no listener of ${describe(gateway)} it attaches to admits ${route.kind}s`,
        );
    }
    const rules = (route.spec?.rules ?? []) as { backendRefs?: BackendRef[] }[];
    for (const backend of rules.flatMap((rule) => rule.backendRefs ?? [])) {
      if ((backend.kind ?? "Service") !== "Service") continue;
      const service = find("Service", backend.namespace ?? namespace, backend.name);
      if (service === undefined) {
        problems.push(
          `${describe(route)} sends to Service ${backend.namespace ?? namespace}/${backend.name}, which the manifests do not define`,
        );
        continue;
      }
      const ports = ((service.spec?.ports ?? []) as { port: number }[]).map((p) => p.port);
      if (backend.port === undefined || !ports.includes(backend.port))
        problems.push(
          `${describe(route)} sends to port ${backend.port ?? "(none)"} of ${describe(service)}, which has port(s) ${ports.join(", ")}`,
        );
    }
  }
  return problems;
}
