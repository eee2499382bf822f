import { describe, expect, it } from "vitest";
import { appImages } from "./config.ts";
import { ALWAYS_IGNORED, dockerignoreFor, tagForImageId } from "./images.ts";

describe("image tags and build context", () => {
  it("derives a content-addressed tag from the image ID", () => {
    expect(tagForImageId(`sha256:${"ab".repeat(32)}\n`)).toBe("sha256-abababababababab");
    expect(() => tagForImageId("latest")).toThrow(
      'docker reported the image ID "latest"; expected sha256:<64 hex digits>',
    );
  });

  it("always keeps the state folder and logs out of the build context, after any other rule", () => {
    for (const image of appImages) {
      const lines = dockerignoreFor(image).trimEnd().split("\n");
      expect(lines.slice(-ALWAYS_IGNORED.length)).toEqual([...ALWAYS_IGNORED]);
      expect(lines).toContain(".state/");
    }
  });
});
