import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { resolveOtlpSettings } from "./otlp-settings.ts";
import type { OtlpFlags } from "./otlp-settings.ts";

function resolve(flags: OtlpFlags, env: Record<string, string>) {
  const problems: string[] = [];
  const settings = resolveOtlpSettings(flags, env, problems);
  return { settings, problems };
}

describe("OTLP settings from the standard variables (OTLP exporter specification)", () => {
  it("defaults to http://localhost:4317, plaintext", () => {
    expect(resolve({}, {}).settings).toMatchObject({
      address: "localhost:4317",
      tls: false,
      destination: "http://localhost:4317",
    });
  });

  it("https:// means TLS, http:// plaintext; a scheme-less endpoint is TLS unless OTEL_EXPORTER_OTLP_INSECURE=true", () => {
    expect(
      resolve({}, { OTEL_EXPORTER_OTLP_ENDPOINT: "https://remote-control-plane:30443" }).settings,
    ).toMatchObject({
      address: "remote-control-plane:30443",
      tls: true,
    });
    expect(resolve({}, { OTEL_EXPORTER_OTLP_ENDPOINT: "collector:4317" }).settings.tls).toBe(true);
    expect(
      resolve({}, { OTEL_EXPORTER_OTLP_ENDPOINT: "collector:4317", OTEL_EXPORTER_OTLP_INSECURE: "TRUE" })
        .settings.tls,
    ).toBe(false);
    // INSECURE only applies without a scheme.
    expect(
      resolve({}, { OTEL_EXPORTER_OTLP_ENDPOINT: "https://c:4317", OTEL_EXPORTER_OTLP_INSECURE: "true" })
        .settings.tls,
    ).toBe(true);
  });

  it("signal-specific variables win over generic ones, flags win over both", () => {
    const env = {
      OTEL_EXPORTER_OTLP_ENDPOINT: "http://generic:1",
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "http://traces:2",
    };
    expect(resolve({}, env).settings.address).toBe("traces:2");
    expect(resolve({ endpoint: "http://flag:3" }, env).settings.address).toBe("flag:3");
  });

  it("headers: percent-decoded, merged generic < traces < flags per key, keys lower-cased", () => {
    const { settings, problems } = resolve(
      { headers: ["x-team=flag"] },
      {
        OTEL_EXPORTER_OTLP_HEADERS: "Authorization=Basic%20ZWRnZTpwdw==,x-team=generic,x-env=lab",
        OTEL_EXPORTER_OTLP_TRACES_HEADERS: "x-env=traces",
      },
    );
    expect(problems).toEqual([]);
    expect(settings.headers).toEqual({
      authorization: "Basic ZWRnZTpwdw==",
      "x-team": "flag",
      "x-env": "traces",
    });
  });

  it("reads the CA and the client certificate pair; reports every problem with where it came from", () => {
    const dir = mkdtempSync(join(tmpdir(), "otlp-settings-"));
    const pem = join(dir, "ca.crt");
    writeFileSync(pem, "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n");
    const ok = resolve({ certificate: pem }, { OTEL_EXPORTER_OTLP_ENDPOINT: "https://gw:443" });
    expect(ok.problems).toEqual([]);
    expect(ok.settings.caPem?.toString()).toContain("BEGIN CERTIFICATE");

    const bad = resolve(
      {},
      {
        OTEL_EXPORTER_OTLP_ENDPOINT: "ftp://gw",
        OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE: pem,
        OTEL_EXPORTER_OTLP_INSECURE: "yes",
        OTEL_EXPORTER_OTLP_TIMEOUT: "10s",
      },
    );
    expect(bad.problems).toEqual([
      'OTEL_EXPORTER_OTLP_ENDPOINT: expected an endpoint like "http://localhost:4317" or "https://gateway:30443", got "ftp://gw"',
      "OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE: a client certificate needs both a certificate and a key; --otlp-client-key / OTEL_EXPORTER_OTLP_CLIENT_KEY is missing",
      'OTEL_EXPORTER_OTLP_TIMEOUT: expected a timeout in milliseconds (a whole number > 0), got "10s"',
    ]);
  });
});
