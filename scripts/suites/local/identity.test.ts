// Nobody is recorded as someone else, on loopback with the real collectors, Traefik, Jaeger and
// Prometheus running the manifests' configs (the claims: scripts/suites/identity-claims.ts):
//   an app at the edge's receiver whose resource names another namespace, pod and cluster: the edge drops
//   every k8s.* it set (passthrough here adds only the connection's k8s.pod.ip), the remote stamps edge;
//   a client with the edge's credential at the gateway: a span claiming the remote cluster is the edge's,
//   and metrics claiming the remote collector or Jaeger never reach Prometheus, while the edge's own land
//   in its edge/… job;
//   a client with a second edge's credential (store-b): recorded as store-b, spans and metrics, whatever
//   the payload says; the name comes from the credential's username.
// The real-cluster suite's step 6i makes the same claims on the clusters, and a pod's.
import { appendFileSync } from "node:fs";
import * as grpc from "@grpc/grpc-js";
import { describe, expect, it } from "vitest";
import {
  basicAuthHeader,
  generateCredentials,
  htpasswdLine,
  type Credentials,
} from "../../lib/credentials.ts";
import { CLAIMED_POD, metricClaims, spanClaim, type ClaimTarget } from "../identity-claims.ts";
import { useLocalPipeline } from "./helpers.ts";

describe("local pipeline: nothing sent is recorded as another sender", () => {
  const local = useLocalPipeline(13, { sampleService: false, metricsIntervalMs: 1000 });
  const gatewayAs = (holder: Credentials): ClaimTarget => ({
    address: local.pipeline.gatewayAddress,
    credentials: grpc.credentials.createSsl(Buffer.from(local.pipeline.session.caPem)),
    authorization: basicAuthHeader(holder.username, holder.password),
  });
  const gatewayAsEdge = () => gatewayAs(local.pipeline.session.credentials);

  it("an app claiming another pod, namespace and cluster at the edge keeps none of it", async () => {
    const edge: ClaimTarget = {
      address: `127.0.0.1:${local.pipeline.plan.edgeOtlpGrpc}`,
      credentials: grpc.credentials.createInsecure(),
    };
    const recorded = await spanClaim(edge, local.pipeline.jaeger, CLAIMED_POD);
    expect(recorded["k8s.cluster.name"]).toBe("edge");
    expect(recorded["k8s.namespace.name"]).toBeUndefined();
    expect(recorded["k8s.pod.name"]).toBeUndefined();
    // What passthrough takes from the connection, not the claimed address.
    expect(recorded["k8s.pod.ip"]).toBe("127.0.0.1");
  }, 120_000);

  it("a span sent with the edge's credential that claims the remote cluster is the edge's", async () => {
    const recorded = await spanClaim(gatewayAsEdge(), local.pipeline.jaeger, {
      "k8s.cluster.name": "remote",
    });
    expect(recorded["k8s.cluster.name"]).toBe("edge");
  }, 120_000);

  it("metrics claiming the remote collector or Jaeger are dropped; the edge's own land in edge/otelcol-edge", async () => {
    expect(await metricClaims(gatewayAsEdge(), local.pipeline.prometheus)).toEqual([
      "otelcol-edge → edge/otelcol-edge@edge",
    ]);
  }, 120_000);

  // Last: it restarts the remote collector, which reads its htpasswd file once, at start.
  it("a second edge's credential names its spans and metrics store-b, whatever they claim", async () => {
    const storeB = generateCredentials("store-b");
    appendFileSync(local.pipeline.session.files.htpasswd, `\n${htpasswdLine(storeB)}\n`, { mode: 0o600 });
    await local.pipeline.stop("remote");
    await local.pipeline.start("remote");
    const recorded = await spanClaim(gatewayAs(storeB), local.pipeline.jaeger, {
      "k8s.cluster.name": "edge",
    });
    expect(recorded["k8s.cluster.name"]).toBe("store-b");
    expect(await metricClaims(gatewayAs(storeB), local.pipeline.prometheus)).toEqual([
      "otelcol-edge → store-b/otelcol-edge@store-b",
    ]);
  }, 180_000);
});
