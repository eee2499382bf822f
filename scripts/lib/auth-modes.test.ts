import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { modeOverlays, overlayFiles, parseAuthMode, tlsEndsAt } from "./auth-modes.ts";
import { chooseAuthMode, rememberAuthMode, stateFiles } from "./state.ts";
import { REPO_ROOT } from "./topology.ts";

const CONFIG_DIRS = { edge: "manifests/edge/collector", remote: "manifests/remote/collector" };

describe("auth modes", () => {
  it.each([
    [undefined, "basic"],
    ["", "basic"],
    [" mtls ", "mtls"],
    ["both", "both"],
  ])("AUTH=%j is %s", (value, mode) => expect(parseAuthMode(value)).toBe(mode));

  it.each(["mTLS", "tls", "basic,mtls"])(
    "AUTH=%j is a usage error naming the value and the choices",
    (value) => {
      expect(() => parseAuthMode(value)).toThrow(
        `AUTH is ${JSON.stringify(value)}; expected one of basic, mtls, both (default basic)`,
      );
    },
  );

  it.each([
    ["basic", ["basic-auth.yaml"], [], "gateway"],
    ["mtls", ["mtls.yaml"], ["mtls.yaml"], "remote collector"],
    ["both", ["basic-auth.yaml", "mtls.yaml"], ["mtls.yaml", "mtls-basic-auth.yaml"], "remote collector"],
  ] as const)("AUTH=%s merges edge %j and remote %j; TLS ends at the %s", (mode, edge, remote, ends) => {
    expect(modeOverlays("edge", mode)).toEqual(edge);
    expect(modeOverlays("remote", mode)).toEqual(remote);
    expect(tlsEndsAt(mode)).toBe(ends);
  });

  it("names an overlay file that exists next to each collector's config, for every mode", () => {
    for (const collector of ["edge", "remote"] as const)
      for (const file of overlayFiles(collector))
        expect(existsSync(join(REPO_ROOT, CONFIG_DIRS[collector], file)), `${collector}/${file}`).toBe(true);
  });
});

describe("the remembered auth mode", () => {
  let dir: string | undefined;
  afterEach(() => dir && rmSync(dir, { recursive: true, force: true }));

  it("is the default until one is chosen, then what AUTH last said", () => {
    dir = mkdtempSync(join(tmpdir(), "otel-e2r-auth-"));
    expect(chooseAuthMode(undefined, dir)).toEqual({ mode: "basic", from: "default" });
    rememberAuthMode(chooseAuthMode("both", dir).mode, dir);
    expect(chooseAuthMode(undefined, dir)).toEqual({ mode: "both", from: "state folder" });
    expect(chooseAuthMode("mtls", dir)).toEqual({ mode: "mtls", from: "AUTH" });
  });

  it("names the state file when it holds something else", () => {
    dir = mkdtempSync(join(tmpdir(), "otel-e2r-auth-"));
    writeFileSync(join(dir, stateFiles.authMode), "tls\n");
    expect(() => chooseAuthMode(undefined, dir)).toThrow(
      `${join(dir, stateFiles.authMode)} is "tls\\n"; expected one of basic, mtls, both`,
    );
  });
});
