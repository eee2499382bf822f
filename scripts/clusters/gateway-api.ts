// `make up` on the remote cluster, before and after its manifests: the Gateway API CRDs of the pinned
// module (server-side apply: they are too large for client-side apply's annotation), and the proof that
// the gateway really routes. Traefik sets Programmed=True as soon as one listener is valid, even while it
// serves nothing, so readiness is a real call through the listener to the collector behind it.
import { authModes, type AuthMode } from "../lib/auth-modes.ts";
import { probeRoute } from "../verify/gateway-checks.ts";
import { ensureGatewayApiCrds } from "../provision/gateway-api-crds.ts";
import { pollUntil } from "../lib/poll.ts";
import { clusters, gateway, namespaces, workloads } from "../lib/topology.ts";
import { versions } from "../lib/versions.ts";
import { FIELD_MANAGER } from "../kube/apply.ts";
import { timeouts } from "./config.ts";
import { run } from "../lib/exec.ts";

/** The CRDs the remote manifests use; waiting for them avoids "no matches for kind" on apply. */
export const REQUIRED_CRDS = Object.freeze([
  "gatewayclasses.gateway.networking.k8s.io",
  "gateways.gateway.networking.k8s.io",
  "grpcroutes.gateway.networking.k8s.io",
  "tlsroutes.gateway.networking.k8s.io",
]);

export async function installGatewayApiCrds(note: (line: string) => void): Promise<void> {
  const context = clusters.remote.context;
  // From the pinned module (hash checked) or an image archive, never from an unchecked URL.
  const source = await ensureGatewayApiCrds(note);
  await run("kubectl", [
    "--context",
    context,
    "apply",
    "--server-side",
    `--field-manager=${FIELD_MANAGER}`,
    "--force-conflicts",
    "-f",
    source,
  ]);
  await run("kubectl", [
    "--context",
    context,
    "wait",
    "--for=condition=Established",
    `--timeout=${timeouts.crdsEstablished}`,
    ...REQUIRED_CRDS.map((crd) => `crd/${crd}`),
  ]);
  note(`Gateway API v${versions().GATEWAY_API_VERSION} CRDs established`);
}

/** Polls one call the collector must refuse itself through localhost:<hostPort> until it does. */
export async function proveGatewayRoutes(
  caPem: string,
  auth: AuthMode,
  note: (line: string) => void,
): Promise<void> {
  const address = `localhost:${gateway.hostPort}`;
  const started = Date.now();
  const what = authModes[auth].clientCertificate
    ? "a call without a client certificate was refused by the collector's TLS"
    : "a call without credentials was refused by the collector's basic auth";
  const detail = await pollUntil(
    `the gateway at ${address} to route OTLP to the collector (${what.replace(" was ", " ")})`,
    async () => {
      const probe = await probeRoute({ address, caPem, mode: auth });
      if (!probe.routed) throw new Error(probe.detail);
      return probe.detail;
    },
    { timeoutMs: timeouts.gatewayRoutesMs, intervalMs: 1000 },
  );
  note(
    `gateway routes (AUTH=${auth}): ${what} (${detail.split(":")[0]}) after ${((Date.now() - started) / 1000).toFixed(1)}s`,
  );
}

/** The Gateway's status as the remote cluster reports it, or why it could not be read. */
export async function readGatewayStatus(): Promise<GatewayStatus | { notFound: string }> {
  const result = await run(
    "kubectl",
    [
      "--context",
      clusters.remote.context,
      "--namespace",
      namespaces.gateway,
      "get",
      `gateway/${workloads.gateway}`,
      "--output",
      "json",
    ],
    { allowFailure: true },
  );
  if (result.exitCode !== 0) return { notFound: result.stderr.trim().split("\n").at(-1) ?? "" };
  return (JSON.parse(result.stdout) as { status?: GatewayStatus }).status ?? {};
}

/** The Gateway's conditions and addresses, for `make status`. */
export async function gatewayStatus(): Promise<string> {
  const status = await readGatewayStatus();
  if ("notFound" in status) return `not found (${status.notFound})`;
  const conditions = (status.conditions ?? []).map((c) => `${c.type}=${c.status}`).join(", ");
  const addresses = (status.addresses ?? []).map((a) => a.value).join(", ");
  return `${conditions || "no conditions yet"}; address ${addresses || "none reported"}`;
}

export interface GatewayStatus {
  readonly conditions?: readonly { type: string; status: string }[];
  readonly addresses?: readonly { value: string }[];
}
