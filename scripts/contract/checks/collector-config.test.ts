import { describe, expect, it } from "vitest";
import { checkTls } from "./collector-config.ts";

// checkTls reads a parsed collector config; these are the shapes of the mistakes it must catch
// (skipping verification altogether is covered in fixtures.test.ts, on the real edge config).
const exporter = (body: Record<string, unknown>) => ({ exporters: { "otlp_grpc/remote": body } });
const secure = {
  endpoint: "${env:REMOTE_GATEWAY_ENDPOINT}",
  auth: { authenticator: "basicauth/client" },
  tls: { ca_file: "/ca.crt" },
};

describe("checkTls", () => {
  it("accepts the edge exporter's shape", () => {
    expect(checkTls(exporter(secure))).toEqual([]);
  });

  it.each([
    ["credentials without TLS", { ...secure, tls: { insecure: true } }, /with tls.insecure true/],
    ["an http:// endpoint", { ...secure, endpoint: "http://remote-control-plane:30443" }, /plaintext http/],
    [
      "no authenticator to the gateway",
      { endpoint: secure.endpoint, tls: secure.tls },
      /without an authenticator/,
    ],
  ])("rejects %s", (_name, body, message) => {
    expect(checkTls(exporter(body)).join("\n")).toMatch(message);
  });
});
