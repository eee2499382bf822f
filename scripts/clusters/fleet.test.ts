// Each edge's own credential and client certificate, made and reused with the real credentials and PKI in a
// temporary state folder, and which running clusters EDGES=n keeps or takes away.
import { existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { describeCertificate } from "@otel-e2r/pki/inspect.ts";
import { ensureCertificates } from "../lib/certificates.ts";
import { edgeClusters, edgeStateDir, rememberEdgeCount } from "../lib/fleet.ts";
import { ensureCredentials, purgeStateDir, stateFiles } from "../lib/state.ts";
import { fleetMaterial, planFleet } from "./fleet.ts";

describe("a fleet's credentials and certificates", () => {
  let dir: string;
  beforeEach(() => {
    dir = join(mkdtempSync(join(tmpdir(), "otel-e2r-fleet-")), "state");
  });
  afterEach(() => rmSync(join(dir, ".."), { recursive: true, force: true }));

  it("gives every edge after the first its own credential, certificate and htpasswd lines, 0600 in a 0700 folder", async () => {
    const certs = await ensureCertificates(dir);
    const first = ensureCredentials({ stateDir: dir });
    const edges = edgeClusters(3);
    const { material, outcomes } = await fleetMaterial(dir, edges, certs, first, () => undefined);
    expect(outcomes).toEqual([
      "edge-2: credentials generated, certificate issued",
      "edge-3: credentials generated, certificate issued",
    ]);
    expect(material.moreEdges.map((edge) => edge.credentials.username)).toEqual([
      expect.stringMatching(/^edge-2-[0-9a-f]{12}$/),
      expect.stringMatching(/^edge-3-[0-9a-f]{12}$/),
    ]);
    expect(describeCertificate(material.moreEdges[1]!.clientCertPem).subject).toBe(
      "CN=edge-3, O=otel-edge-to-remote edge clusters",
    );
    expect(statSync(edgeStateDir(dir, "edge-2")).mode & 0o777).toBe(0o700);
    expect(statSync(join(edgeStateDir(dir, "edge-2"), stateFiles.clientKey)).mode & 0o777).toBe(0o600);
    const users = material.htpasswd
      .trimEnd()
      .split("\n")
      .map((line) => line.split(":")[0]);
    expect(users).toEqual([
      first.credentials.username,
      ...material.moreEdges.map((e) => e.credentials.username),
    ]);
    // A second run reuses every edge's files.
    const again = await fleetMaterial(dir, edges, certs, first, () => undefined);
    expect(again.outcomes).toEqual([
      "edge-2: credentials reused, certificate reused",
      "edge-3: credentials reused, certificate reused",
    ]);
    expect(again.material.htpasswd).toBe(material.htpasswd);
  });

  it("reissues an edge's certificate when the client CA is new", async () => {
    const certs = await ensureCertificates(dir);
    const first = ensureCredentials({ stateDir: dir });
    await fleetMaterial(dir, edgeClusters(2), certs, first, () => undefined);
    const renewed = await ensureCertificates(dir, { reissue: new Set(["clientCa"]) });
    const { outcomes } = await fleetMaterial(dir, edgeClusters(2), renewed, first, () => undefined);
    expect(outcomes).toEqual(["edge-2: credentials reused, certificate issued"]);
  });

  it("is purged with the rest of the state folder", async () => {
    const certs = await ensureCertificates(dir);
    await fleetMaterial(dir, edgeClusters(2), certs, ensureCredentials({ stateDir: dir }), () => undefined);
    rememberEdgeCount(2, dir);
    expect(purgeStateDir(dir)).toBe(true);
    expect(existsSync(dir)).toBe(false);
  });
});

describe("planFleet", () => {
  it("wants the remote and EDGES edges, and names the running edges beyond them, never another cluster", () => {
    const plan = planFleet(1, new Set(["remote", "edge", "edge-2", "edge-3", "kind", "edge-test"]));
    expect(plan.wanted.map((c) => c.name)).toEqual(["edge", "remote"]);
    expect(planFleet(3, new Set()).wanted.map((c) => c.name)).toEqual(["edge", "remote", "edge-2", "edge-3"]);
    expect(plan.surplus).toEqual(["edge-2", "edge-3"]);
    expect(planFleet(3, new Set(["edge"])).surplus).toEqual([]);
  });
});
