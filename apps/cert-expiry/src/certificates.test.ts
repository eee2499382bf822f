import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCa } from "@otel-e2r/pki/ca.ts";
import { issueClientCertificate } from "@otel-e2r/pki/issue.ts";
import { readLifetimes } from "./certificates.ts";
import { exportRequest } from "./otlp-json.ts";

describe("certificate lifetimes", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "cert-expiry-"));
    const ca = await createCa({ commonName: "test CA", validityDays: 365 });
    const next = await createCa({ commonName: "next CA", validityDays: 730 });
    const leaf = await issueClientCertificate(ca, {
      commonName: "edge",
      organization: "edges",
      validityDays: 2,
    });
    await writeFile(join(dir, "edge-client.crt"), leaf.certPem);
    await writeFile(join(dir, "ca-bundle.crt"), ca.certPem + next.certPem);
    await writeFile(join(dir, "garbage.crt"), "not a certificate\n");
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it("reads each certificate of each file, a bundle's too, and names the files it could not read", async () => {
    const { lifetimes, problems } = await readLifetimes([
      { role: "client", path: join(dir, "edge-client.crt") },
      { role: "ca", path: join(dir, "ca-bundle.crt") },
      { role: "ca", path: join(dir, "garbage.crt") },
      { role: "server", path: join(dir, "missing.crt") },
    ]);
    expect(lifetimes.map((l) => [l.role, l.file, l.subject])).toEqual([
      ["client", "edge-client.crt", "CN=edge, O=edges"],
      ["ca", "ca-bundle.crt", "CN=test CA"],
      ["ca", "ca-bundle.crt", "CN=next CA"],
    ]);
    expect(problems).toEqual([
      expect.stringMatching(/garbage\.crt holds no PEM certificate$/),
      expect.stringMatching(/missing\.crt: ENOENT/),
    ]);
  });

  it("turns them into an OTLP gauge of seconds left, with the subject", async () => {
    const { lifetimes } = await readLifetimes([{ role: "client", path: join(dir, "edge-client.crt") }]);
    const now = new Date();
    const request = exportRequest(lifetimes, 1, { "service.name": "cert-expiry" }, now) as {
      resourceMetrics: {
        scopeMetrics: {
          metrics: {
            name: string;
            unit: string;
            gauge: {
              dataPoints: {
                asDouble?: number;
                asInt?: string;
                attributes: { key: string; value: { stringValue: string } }[];
              }[];
            };
          }[];
        }[];
      }[];
    };
    const [timeLeft, unreadable] = request.resourceMetrics[0]!.scopeMetrics[0]!.metrics;
    expect([timeLeft!.name, timeLeft!.unit]).toEqual(["tls.certificate.time_left", "s"]);
    const point = timeLeft!.gauge.dataPoints[0]!;
    // Issued for 2 days from (about) now.
    expect(point.asDouble).toBeGreaterThan(2 * 86400 - 120);
    expect(point.asDouble).toBeLessThanOrEqual(2 * 86400);
    expect(point.attributes).toContainEqual({
      key: "tls.certificate.subject",
      value: { stringValue: "CN=edge, O=edges" },
    });
    expect(unreadable!.gauge.dataPoints[0]!.asInt).toBe("1");
  });
});
