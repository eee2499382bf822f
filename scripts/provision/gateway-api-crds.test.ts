// Where the Gateway API CRDs come from when `make up` has no archive: the Go module proxy, the zip checked
// against the pinned module hash. Both failures a workshop meets, against a proxy on loopback: none
// answering (no network at the venue) and one serving something else. Nothing is installed in either.
import { createServer, type Server } from "node:http";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { zipSync } from "fflate";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../lib/ports.ts";
import { writeTranscript } from "../docs/transcripts.ts";

const cache = mkdtempSync(join(tmpdir(), "otel-e2r-crds-"));
process.env.OTEL_E2R_CACHE = cache;
const { crdsFile, ensureGatewayApiCrds } = await import("./gateway-api-crds.ts");
const { versions } = await import("../lib/versions.ts");

let server: Server;
let servingPort: number;
beforeAll(async () => {
  const forged = zipSync({
    "sigs.k8s.io/gateway-api@v0/README.md": new TextEncoder().encode("not the module"),
  });
  server = createServer((_req, res) => res.end(Buffer.from(forged)));
  servingPort = await freePort();
  await new Promise<void>((resolve) => server.listen(servingPort, "127.0.0.1", resolve));
});
afterAll(() => {
  server.close();
  rmSync(cache, { recursive: true, force: true });
  delete process.env.OTEL_E2R_CACHE;
  delete process.env.GOPROXY;
});

const zipPath = () => `sigs.k8s.io/gateway-api/@v/v${versions().GATEWAY_API_VERSION}.zip`;

describe("the Gateway API CRDs from the module proxy", () => {
  it("no proxy answers (no network): says where they come from and to bring an image archive", async () => {
    const closed = `http://127.0.0.1:${await freePort()}`;
    process.env.GOPROXY = closed;
    const error = (await ensureGatewayApiCrds().catch((e: unknown) => e)) as Error;
    expect(error.message.replace(closed, "https://proxy.golang.org")).toBe(
      `the Gateway API CRDs come from the Go module sigs.k8s.io/gateway-api@v${versions().GATEWAY_API_VERSION}, and https://proxy.golang.org/${zipPath()} could not be fetched (ECONNREFUSED). With no network, bring them in an image archive: \`make images-save\` on a connected machine, then IMAGES_ARCHIVE=<file> make up here.`,
    );
    expect(existsSync(crdsFile())).toBe(false);
    // The troubleshooting page quotes it from here.
    writeTranscript(
      "make-up-gateway-api-crds-no-network",
      "make up   # its CRD step, with no network and no IMAGES_ARCHIVE",
      {
        stdout: "",
        stderr: error.message.replace(closed, "https://proxy.golang.org"),
        exitCode: 1,
      },
    );
  });

  it("a proxy serving another zip: refused by the pinned module hash, nothing installed", async () => {
    process.env.GOPROXY = `http://127.0.0.1:${servingPort}`;
    const error = (await ensureGatewayApiCrds().catch((e: unknown) => e)) as Error;
    expect(error.message).toMatch(
      new RegExp(
        `does not match the module hash pinned in versions\\.env \\(GATEWAY_API_MODULE_SUM=${versions().GATEWAY_API_MODULE_SUM.replace(/[+/=]/g, "\\$&")}, got h1:\\S+\\); nothing was installed`,
      ),
    );
    expect(existsSync(crdsFile())).toBe(false);
  });
});
