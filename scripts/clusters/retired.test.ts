import { describe, expect, it } from "vitest";
import { retiredPresent } from "./retired.ts";

describe("retired objects", () => {
  it("picks an older release's objects out of observability's names, routes first, and nothing current", () => {
    // Names as `kubectl get --namespace observability … --output=name` prints them: today's, an older
    // release's, and look-alikes.
    const listed =
      `deployment.apps/otel-gateway deployment.apps/remote-collector configmap/otel-gateway-config-7k2m9dht5b
      configmap/remote-collector-config-h5g8c2kk4t configmap/otel-gateway-config-notes service/otel-gateway
      grpcroute.gateway.networking.k8s.io/otel-gateway grpcroute.gateway.networking.k8s.io/remote-collector
      tlsroute.gateway.networking.k8s.io/otel-gateway-mtls networkpolicy.networking.k8s.io/otel-gateway-ingress
      service/otel-gateway-extra deployment.apps/traefik secret/gateway-tls secret/remote-collector-tls
      gateway.gateway.networking.k8s.io/otlp-gateway configmap/traefik-limits-5f7c2bm9kd`.split(/\s+/);
    expect(retiredPresent("remote", listed)).toEqual([
      "grpcroute.gateway.networking.k8s.io/otel-gateway",
      "tlsroute.gateway.networking.k8s.io/otel-gateway-mtls",
      "deployment.apps/otel-gateway",
      "service/otel-gateway",
      "networkpolicy.networking.k8s.io/otel-gateway-ingress",
      "configmap/otel-gateway-config-7k2m9dht5b",
      // Traefik's objects in observability, from before it moved to the gateway namespace.
      "grpcroute.gateway.networking.k8s.io/remote-collector",
      "gateway.gateway.networking.k8s.io/otlp-gateway",
      "configmap/traefik-limits-5f7c2bm9kd",
      "secret/gateway-tls",
    ]);
    expect(retiredPresent("edge", listed)).toEqual([]);
  });
});
