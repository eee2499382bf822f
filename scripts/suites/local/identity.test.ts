// Nobody is recorded as someone else, on loopback with the real collectors, Traefik, Jaeger and
// Prometheus running the manifests' configs (the claims: scripts/suites/identity-claims.ts):
//   an app at the edge's receiver whose resource names another namespace, pod and cluster: the edge drops
//   every k8s.* it set (passthrough here adds only the connection's k8s.pod.ip), the remote stamps edge;
//   a client with the edge's credential at the gateway: a span claiming the remote cluster is the edge's,
//   and metrics claiming the remote collector or Jaeger never reach Prometheus, while the edge's own land
//   in its edge/… job.
// The real-cluster suite's step 6i makes the same claims on the clusters, and a pod's.
import * as grpc from "@grpc/grpc-js";
import { describe, expect, it } from "vitest";
import { basicAuthHeader } from "../../lib/credentials.ts";
import { CLAIMED_POD, metricClaims, spanClaim, type ClaimTarget } from "../identity-claims.ts";
import { useLocalPipeline } from "./helpers.ts";

describe("local pipeline: nothing sent is recorded as another sender", () => {
  const local = useLocalPipeline(13, { sampleService: false, metricsIntervalMs: 1000 });
  const gatewayAsEdge = (): ClaimTarget => {
    const { session, gatewayAddress } = local.pipeline;
    return {
      address: gatewayAddress,
      credentials: grpc.credentials.createSsl(Buffer.from(session.caPem)),
      authorization: basicAuthHeader(session.credentials.username, session.credentials.password),
    };
  };

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
});
