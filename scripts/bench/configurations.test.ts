import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { modeOverlays } from "../lib/auth-modes.ts";
import { modeOverlayPaths } from "../local/processes.ts";
import { REPO_ROOT } from "../lib/topology.ts";
import { CONFIGURATIONS, JAEGER_OVERLAYS, selectConfigurations } from "./configurations.ts";

const byId = (id: string) => CONFIGURATIONS.find((c) => c.id === id)!;

describe("the benchmark's configurations", () => {
  it("are the issue's five security layers, the queue, batching and compression variants and the anchor", () => {
    expect(CONFIGURATIONS.map((c) => c.id)).toEqual([
      "anchor",
      "plaintext",
      "tls",
      "tls-basic",
      "mtls",
      "mtls-basic",
      "tls-basic-memory-queue",
      "tls-basic-small-batches",
      "tls-basic-none",
      "tls-basic-gzip",
      "tls-basic-snappy",
      "tls-basic-jaeger-uncompressed",
      "tls-basic-jaeger-zstd",
      "tls-basic-jaeger-snappy",
    ]);
  });

  it("start from the auth modes' own overlays, so the secured runs are exactly what make up deploys", () => {
    expect(byId("tls-basic").overlays).toEqual({ edge: modeOverlayPaths("edge", "basic"), remote: [] });
    expect(byId("mtls").overlays).toEqual({
      edge: modeOverlayPaths("edge", "mtls"),
      remote: modeOverlayPaths("remote", "mtls"),
    });
    expect(byId("mtls-basic").overlays.remote).toEqual(modeOverlayPaths("remote", "both"));
    expect(modeOverlays("remote", "both")).toHaveLength(2);
  });

  it("strip credentials and TLS only in the runs that measure their absence", () => {
    const plaintext = byId("plaintext");
    expect(plaintext.gatewayPlaintext).toBe(true);
    expect(plaintext.overlays.edge.map((f) => f.split("/").at(-1))).toEqual(["edge-plaintext.yaml"]);
    expect(byId("tls").overlays.edge).toEqual([]);
    expect(CONFIGURATIONS.filter((c) => c.gatewayPlaintext).map((c) => c.id)).toEqual(["plaintext"]);
    const withoutAuth = CONFIGURATIONS.filter((c) =>
      c.overlays.remote.some((f) => f.endsWith("remote-without-auth.yaml")),
    );
    expect(withoutAuth.map((c) => c.id)).toEqual(["plaintext", "tls"]);
  });

  it("use every overlay file in scripts/bench/overlays/, and only files that exist and parse", () => {
    const used = new Set([
      ...CONFIGURATIONS.flatMap((c) => [...c.overlays.edge, ...c.overlays.remote]),
      ...JAEGER_OVERLAYS,
    ]);
    const folder = join(REPO_ROOT, "scripts/bench/overlays");
    const present = readdirSync(folder).map((file) => join(folder, file));
    const own = [...used].filter((file) => file.startsWith(folder));
    expect(own.sort()).toEqual(present.sort());
    for (const file of own) expect(parse(readFileSync(file, "utf8")), file).toBeTypeOf("object");
  });

  it("select by name, and name the unknown ones", () => {
    expect(selectConfigurations(["nope", "tls"])).toEqual({ ok: false, unknown: ["nope"] });
    expect(selectConfigurations([])).toMatchObject({ ok: true });
  });
});
