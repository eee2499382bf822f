import { describe, expect, it } from "vitest";
import { parseConfig } from "./config.ts";

const ok = ["--otlp-url", "http://127.0.0.1:4318/v1/metrics", "--cert", "server=/certs/tls.crt"];

describe("parseConfig", () => {
  it("parses flags into a frozen config, with the resource from OTEL_RESOURCE_ATTRIBUTES", () => {
    const parsed = parseConfig([...ok, "--cert", "ca=/certs/ca.crt", "--interval", "15"], {
      OTEL_RESOURCE_ATTRIBUTES: "k8s.cluster.name=edge",
    });
    expect(parsed.kind).toBe("ok");
    if (parsed.kind !== "ok") return;
    expect(parsed.config.url.href).toBe("http://127.0.0.1:4318/v1/metrics");
    expect(parsed.config.intervalMs).toBe(15_000);
    expect(parsed.config.files).toEqual([
      { role: "server", path: "/certs/tls.crt" },
      { role: "ca", path: "/certs/ca.crt" },
    ]);
    expect(parsed.config.resource).toEqual({ "service.name": "cert-expiry", "k8s.cluster.name": "edge" });
    expect(parsed.config.healthPort).toBeUndefined();
    expect(Object.isFrozen(parsed.config)).toBe(true);
  });

  it("takes the URL and interval from the environment", () => {
    const parsed = parseConfig(["--cert", "client=/c.crt"], {
      OTLP_METRICS_URL: "https://prometheus:9090/api/v1/otlp/v1/metrics",
      REPORT_INTERVAL_SECONDS: "30",
    });
    expect(parsed.kind === "ok" && [parsed.config.url.protocol, parsed.config.intervalMs]).toEqual([
      "https:",
      30_000,
    ]);
  });

  it.each([
    [["--cert", "server=/a"], {}, "--otlp-url (or OTLP_METRICS_URL) is missing"],
    [
      ["--otlp-url", "ftp://x", "--cert", "server=/a"],
      {},
      '--otlp-url "ftp://x": expected an http:// or https:// URL',
    ],
    [[...ok, "--interval", "0"], {}, '--interval "0": expected seconds from 1 to 3600'],
    [
      [...ok, "--cert", "leaf=/a"],
      {},
      '--cert "leaf=/a": expected ROLE=FILE with ROLE one of server, client, ca',
    ],
    [[...ok, "--cert", "server="], {}, '--cert "server=": expected ROLE=FILE'],
    [["--otlp-url", "http://x"], {}, "no --cert ROLE=FILE given: nothing to watch"],
    [ok, { OTEL_RESOURCE_ATTRIBUTES: "edge" }, 'OTEL_RESOURCE_ATTRIBUTES: "edge" is not key=value'],
    [[...ok, "--bogus"], {}, "Unknown option '--bogus'"],
    [[...ok, "--health-port", "http"], {}, '--health-port "http": expected a port number from 1 to 65535'],
  ])("%j %j is refused: %s", (argv, env, message) => {
    const parsed = parseConfig(argv, env);
    expect(parsed.kind).toBe("invalid");
    expect(parsed.kind === "invalid" && parsed.problems.join("\n")).toContain(message);
  });

  it("reports every problem at once", () => {
    const parsed = parseConfig(["--interval", "x", "--cert", "nope"], {});
    expect(parsed.kind === "invalid" && parsed.problems).toHaveLength(3);
  });
});
