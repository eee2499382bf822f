import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseVersions, VERSIONS_FILE, versions } from "./versions.ts";

describe("versions", () => {
  it("reads every pin from the versions file, frozen", () => {
    const pins = versions();
    expect(pins.NODE_VERSION).toMatch(/^24\.\d+\.\d+$/);
    expect(pins.KIND_NODE_IMAGE).toMatch(/^kindest\/node:v\d+\.\d+\.\d+@sha256:[0-9a-f]{64}$/);
    expect(Object.isFrozen(pins)).toBe(true);
  });

  it("reports every problem at once, naming the line and the key", () => {
    const text = readFileSync(VERSIONS_FILE, "utf8")
      .replace(/^JAEGER_VERSION=.*$/m, "")
      .replace(/^NODE_VERSION=.*$/m, 'NODE_VERSION="24"')
      .concat("\nSURPRISE=1\n");
    expect(() => parseVersions(text, "versions.env")).toThrowError(
      /NODE_VERSION="24".*not KEY=value[\s\S]*JAEGER_VERSION is missing[\s\S]*SURPRISE is not a known pin/,
    );
  });
});
