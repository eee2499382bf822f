import { describe, expect, it } from "vitest";
import { parseConfig } from "./config.ts";

const readable = new Set(["/etc/otel/ca.crt"]);
const canRead = (path: string) => readable.has(path);

describe("parseConfig", () => {
  it("applies defaults to an empty environment", () => {
    const result = parseConfig({}, canRead);
    expect(result).toEqual({
      ok: true,
      config: {
        host: "0.0.0.0",
        port: 8080,
        upstreamUrl: undefined,
        upstreamTimeoutMs: 2000,
        injectLatencyMs: 0,
        injectFailureRate: 0,
        maxBodyBytes: 16384,
        shutdownTimeoutMs: 10000,
        podIdentity: {},
        otel: { sdkDisabled: false, tracesEndpoint: undefined },
      },
    });
    expect(Object.isFrozen(result.ok && result.config)).toBe(true);
  });

  it("reads a full, valid environment (as the edge manifests set it)", () => {
    const result = parseConfig(
      {
        HOST: "127.0.0.1",
        PORT: "9090",
        UPSTREAM_URL: "http://inventory.demo.svc:8080/api/inventory/reserve",
        UPSTREAM_TIMEOUT_MS: "500",
        INJECT_LATENCY_MS: "25",
        INJECT_FAILURE_RATE: "0.25",
        MAX_BODY_BYTES: "1024",
        SHUTDOWN_TIMEOUT_MS: "5000",
        K8S_POD_IP: "10.244.1.7",
        K8S_POD_UID: "0b7c2bde-8a4e-4c41-9d5b-2f7c1f6ac1a2",
        K8S_POD_NAME: "sample-service-7d9f8-abcde",
        K8S_NAMESPACE_NAME: "demo",
        K8S_NODE_NAME: "edge-control-plane",
        OTEL_SERVICE_NAME: "checkout",
        OTEL_RESOURCE_ATTRIBUTES: "deployment.environment.name=workshop,team=edge",
        OTEL_EXPORTER_OTLP_ENDPOINT: "http://otel-collector.observability.svc:4317",
        OTEL_EXPORTER_OTLP_PROTOCOL: "grpc",
        OTEL_EXPORTER_OTLP_HEADERS: "x-tenant=edge,authorization=Basic%20abc",
        OTEL_EXPORTER_OTLP_CERTIFICATE: "/etc/otel/ca.crt",
        OTEL_SDK_DISABLED: "false",
      },
      canRead,
    );
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.config).toMatchObject({
      host: "127.0.0.1",
      port: 9090,
      upstreamUrl: "http://inventory.demo.svc:8080/api/inventory/reserve",
      upstreamTimeoutMs: 500,
      injectLatencyMs: 25,
      injectFailureRate: 0.25,
      maxBodyBytes: 1024,
      shutdownTimeoutMs: 5000,
      podIdentity: {
        "k8s.pod.ip": "10.244.1.7",
        "k8s.pod.uid": "0b7c2bde-8a4e-4c41-9d5b-2f7c1f6ac1a2",
        "k8s.pod.name": "sample-service-7d9f8-abcde",
        "k8s.namespace.name": "demo",
        "k8s.node.name": "edge-control-plane",
      },
      otel: { sdkDisabled: false, tracesEndpoint: "http://otel-collector.observability.svc:4317" },
    });
  });

  it("treats empty variables as unset, as the OTel spec does", () => {
    const result = parseConfig({ PORT: "", UPSTREAM_URL: "", OTEL_EXPORTER_OTLP_ENDPOINT: "" }, canRead);
    expect(result.ok && result.config.port).toBe(8080);
  });

  it("prefers the traces-specific endpoint", () => {
    const result = parseConfig(
      {
        OTEL_EXPORTER_OTLP_ENDPOINT: "http://a:4317",
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "https://b:4317",
      },
      canRead,
    );
    expect(result.ok && result.config.otel.tracesEndpoint).toBe("https://b:4317");
  });

  // The service's order, which is the order of the problems; the environment is given in reverse, so the
  // problems cannot simply follow it.
  const bad: [name: string, value: string, expected: string][] = [
    ["PORT", "80a", "a TCP port from 1 to 65535 (0: any free port)"],
    [
      "UPSTREAM_URL",
      "ftp://inventory",
      "an http:// or https:// URL without credentials, e.g. http://inventory:8080/api/inventory/reserve",
    ],
    ["INJECT_LATENCY_MS", "-3", "milliseconds from 0 to 60000"],
    ["INJECT_FAILURE_RATE", "1.5", "a probability from 0 to 1, e.g. 0.1"],
    ["K8S_POD_IP", "10.244.1", "the pod's IP address (downward API status.podIP)"],
    ["K8S_POD_UID", "not-a-uid", "the pod's UID (downward API metadata.uid)"],
    ["OTEL_SDK_DISABLED", "yes", '"true" or "false"'],
    [
      "OTEL_RESOURCE_ATTRIBUTES",
      "k8s.pod.ip",
      'comma-separated key=value pairs ("=" and "," percent-encoded), e.g. k8s.pod.ip=10.0.0.7,deployment.environment.name=workshop',
    ],
    [
      "OTEL_EXPORTER_OTLP_ENDPOINT",
      "otel-collector:4317",
      "the collector's OTLP gRPC URL with scheme and port, e.g. http://otel-collector:4317",
    ],
    [
      "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
      "http://otel-collector",
      "the collector's OTLP gRPC URL with scheme and port, e.g. http://otel-collector:4317",
    ],
    [
      "OTEL_EXPORTER_OTLP_PROTOCOL",
      "http/protobuf",
      '"grpc" (this service exports traces over OTLP/gRPC only)',
    ],
    [
      "OTEL_EXPORTER_OTLP_CERTIFICATE",
      "/missing/ca.crt",
      "a readable PEM file (the CA that signed the collector's certificate)",
    ],
  ];

  it("reports every bad variable at once, naming the value and what was expected", () => {
    const env = Object.fromEntries(bad.map(([name, value]): [string, string] => [name, value]).reverse());
    const result = parseConfig(env, canRead);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toEqual(
      bad.map(([name, value, expected]) => `${name}="${value}": expected ${expected}`),
    );
  });

  it("never echoes header values, which may carry credentials", () => {
    const result = parseConfig({ OTEL_EXPORTER_OTLP_HEADERS: "Basic c2VjcmV0" }, canRead);
    expect(result).toEqual({
      ok: false,
      problems: [
        "OTEL_EXPORTER_OTLP_HEADERS=(value hidden: it may hold credentials): expected comma-separated key=value pairs (URL-encoded values)",
      ],
    });
  });

  it.each([
    ["PORT", "-1"],
    ["PORT", "65536"],
    ["PORT", "8080.5"],
    ["UPSTREAM_URL", "http://user:pw@inventory"],
    // Not a URL at all: reported like any other bad value (it once threw TypeError: Invalid URL).
    ["UPSTREAM_URL", "x"],
    ["OTEL_EXPORTER_OTLP_ENDPOINT", "x"],
    ["UPSTREAM_TIMEOUT_MS", "0"],
    ["MAX_BODY_BYTES", "99999999999"],
    ["SHUTDOWN_TIMEOUT_MS", "10"],
    ["HOST", "example.com"],
    ["K8S_NAMESPACE_NAME", "Demo_NS"],
    ["OTEL_SERVICE_NAME", "   "],
    ["OTEL_RESOURCE_ATTRIBUTES", "team=a=b"],
  ])("rejects %s=%j", (name, value) => {
    const result = parseConfig({ [name]: value }, canRead);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.problems[0]).toMatch(new RegExp(`^${name}=`));
  });
});
