// Step 6 of `make up`, first half: Gateway API CRDs and Envoy Gateway on the remote cluster, from the
// pinned release's install manifest. Server-side apply, because the CRDs are too large for the
// last-applied annotation of client-side apply.
import { clusters, namespaces } from "../lib/topology.ts";
import { FIELD_MANAGER, envoyGatewayInstallUrl, timeouts } from "./config.ts";
import { run } from "./exec.ts";

/** The CRDs the remote manifests use; waiting for them avoids "no matches for kind" on apply. */
export const REQUIRED_CRDS = Object.freeze([
  "gatewayclasses.gateway.networking.k8s.io",
  "gateways.gateway.networking.k8s.io",
  "grpcroutes.gateway.networking.k8s.io",
  "envoyproxies.gateway.envoyproxy.io",
]);

export async function installEnvoyGateway(version: string, note: (line: string) => void): Promise<void> {
  const context = clusters.remote.context;
  await run("kubectl", [
    "--context",
    context,
    "apply",
    "--server-side",
    `--field-manager=${FIELD_MANAGER}`,
    "--force-conflicts",
    "-f",
    envoyGatewayInstallUrl(version),
  ]);
  note(`Envoy Gateway v${version} applied`);
  await run("kubectl", [
    "--context",
    context,
    "wait",
    "--for=condition=Established",
    `--timeout=${timeouts.crdsEstablished}`,
    ...REQUIRED_CRDS.map((crd) => `crd/${crd}`),
  ]);
  await run("kubectl", [
    "--context",
    context,
    "--namespace",
    namespaces.envoyGateway,
    "wait",
    "--for=condition=Available",
    `--timeout=${timeouts.controllerAvailable}`,
    "deployment/envoy-gateway",
  ]);
  note("envoy-gateway controller available");
}
