// The rendered nginx config, checked by the real nginx (`nginx -t`) — and its version switch.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { afterAll, describe, expect, it } from "vitest";
import { createCa, issueServerCertificate } from "../lib/pki.ts";
import { findNginx } from "./binaries.ts";
import { parseNginxVersion, renderNginxConfig } from "./nginx-config.ts";

const base = {
  prefixDir: "/p",
  listenPort: 1443,
  upstreamPort: 1317,
  certFile: "/c",
  keyFile: "/k",
  runAsRoot: false,
};

describe("renderNginxConfig", () => {
  it("terminates TLS with HTTP/2 and passes gRPC over h2c to the collector", () => {
    const text = renderNginxConfig({ ...base, nginxVersion: "1.22.1" });
    expect(text).toContain("listen 127.0.0.1:1443 ssl http2;");
    expect(text).not.toContain("http2 on;");
    expect(text).toContain("grpc_pass grpc://127.0.0.1:1317;");
    expect(text).toContain("ssl_certificate /c;");
    expect(text).toContain("pid /p/nginx.pid;");
    expect(text).not.toContain("user root;");
  });

  it("uses `http2 on;` from nginx 1.25.1", () => {
    const text = renderNginxConfig({ ...base, nginxVersion: "1.25.1", runAsRoot: true });
    expect(text).toContain("listen 127.0.0.1:1443 ssl;");
    expect(text).toContain("http2 on;");
    expect(text).toContain("user root;");
    expect(renderNginxConfig({ ...base, nginxVersion: "1.25.0" })).toContain("ssl http2;");
  });

  it("reads nginx -v output and names what it could not read", () => {
    expect(parseNginxVersion("nginx version: nginx/1.22.1\n")).toBe("1.22.1");
    expect(() => parseNginxVersion("command not found")).toThrow(
      'cannot read nginx\'s version from "command not found"',
    );
  });
});

describe("the rendered config with the real nginx", () => {
  const dir = mkdtempSync(join(tmpdir(), "otel-e2r-nginx-test-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("passes nginx -t", async () => {
    const nginx = findNginx();
    expect(nginx, "nginx is not installed: run scripts/ci/system-packages.sh").toBeDefined();
    const version = parseNginxVersion((await execa(nginx!, ["-v"])).stderr);
    const ca = await createCa({ commonName: "nginx test CA", validityDays: 2 });
    const cert = await issueServerCertificate(ca, { dnsNames: ["localhost"], validityDays: 1 });
    writeFileSync(join(dir, "tls.crt"), cert.certPem);
    writeFileSync(join(dir, "tls.key"), cert.keyPem, { mode: 0o600 });
    const config = join(dir, "nginx.conf");
    writeFileSync(
      config,
      renderNginxConfig({
        prefixDir: dir,
        listenPort: 30999,
        upstreamPort: 30998,
        certFile: join(dir, "tls.crt"),
        keyFile: join(dir, "tls.key"),
        nginxVersion: version,
        runAsRoot: process.getuid?.() === 0,
      }),
    );
    const result = await execa(nginx!, ["-t", "-p", dir, "-c", config, "-e", "stderr"], {
      reject: false,
      all: true,
    });
    expect(result.all).toContain("syntax is ok");
    expect(result.exitCode, result.all).toBe(0);
  });
});
