import { describe, expect, it } from "vitest";
import { credentials } from "../lib/credentials.ts";
import { exporterEnv } from "./send.ts";

describe("make send's exporter environment", () => {
  it("percent-encodes the basic-auth header as the OTLP exporter spec requires", () => {
    const creds = credentials("edge-abc", "p+ss/word=with-odd_chars");
    const env = exporterEnv(
      { caCertPem: "", caCertFile: "/state/ca.crt", credentials: creds },
      "localhost:30443",
    );
    expect(env.OTEL_EXPORTER_OTLP_ENDPOINT).toBe("https://localhost:30443");
    expect(env.OTEL_EXPORTER_OTLP_CERTIFICATE).toBe("/state/ca.crt");
    const [key, value] = env.OTEL_EXPORTER_OTLP_HEADERS!.split("=", 2) as [string, string];
    expect(key).toBe("authorization");
    const decoded = decodeURIComponent(env.OTEL_EXPORTER_OTLP_HEADERS!.slice("authorization=".length));
    expect(decoded).toBe(`Basic ${Buffer.from("edge-abc:p+ss/word=with-odd_chars").toString("base64")}`);
    expect(value).not.toContain(" ");
  });
});
