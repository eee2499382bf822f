// The fleet's names, EDGES as users write it and as the state folder remembers it, and the fleet's htpasswd.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  MAX_EDGES,
  chooseEdgeCount,
  edgeClusters,
  fleetHtpasswd,
  isEdgeName,
  parseEdgeCount,
  rememberEdgeCount,
} from "./fleet.ts";
import { ensureCredentials, stateFiles, writePrivateFile } from "./state.ts";

describe("the fleet's names", () => {
  it("keeps the first edge as it always was and numbers the others", () => {
    expect(edgeClusters(3).map((c) => [c.key, c.name, c.context, c.manifests])).toEqual([
      ["edge", "edge", "kind-edge", "manifests/edge"],
      ["edge", "edge-2", "kind-edge-2", "manifests/edge"],
      ["edge", "edge-3", "kind-edge-3", "manifests/edge"],
    ]);
  });

  it.each([
    ["edge", true],
    ["edge-2", true],
    ["edge-5", true],
    ["edge-6", false],
    ["edge-12", false],
    ["edge-1", false],
    ["edge-02", false],
    ["remote", false],
    ["edges", false],
  ])("%s is an edge's name: %s", (name, expected) => expect(isEdgeName(name)).toBe(expected));
});

describe("EDGES", () => {
  it.each(["1", "3", ` ${MAX_EDGES} `])("takes %j", (text) =>
    expect(parseEdgeCount(text)).toBe(Number(text)),
  );

  it.each(["0", "-1", "2.5", "two", "", `${MAX_EDGES + 1}`, "1e1"])(
    "refuses %j, naming it and the range",
    (text) =>
      expect(() => parseEdgeCount(text)).toThrow(
        `EDGES is ${JSON.stringify(text)}; expected a whole number of edge clusters from 1 to ${MAX_EDGES}`,
      ),
  );
});

describe("a fleet in the state folder", () => {
  let dir: string;
  beforeEach(() => {
    dir = join(mkdtempSync(join(tmpdir(), "otel-e2r-fleet-")), "state");
  });
  afterEach(() => rmSync(join(dir, ".."), { recursive: true, force: true }));

  it("remembers EDGES, and names a hand-edited file when it is broken", () => {
    expect(chooseEdgeCount(undefined, dir)).toBe(1);
    rememberEdgeCount(3, dir);
    expect(chooseEdgeCount(undefined, dir)).toBe(3);
    expect(chooseEdgeCount("2", dir)).toBe(2);
    writePrivateFile(dir, stateFiles.edgeCount, "many\n");
    expect(() => chooseEdgeCount(undefined, dir)).toThrow(`${join(dir, "edge-count")} is "many\\n"`);
  });

  it("fails naming the edge folder that lacks its htpasswd", () => {
    ensureCredentials({ stateDir: dir });
    expect(() => fleetHtpasswd(dir, ["edge", "edge-2"])).toThrow(
      `${join(dir, "edges", "edge-2")} lacks htpasswd; run \`make up\` first`,
    );
  });
});
