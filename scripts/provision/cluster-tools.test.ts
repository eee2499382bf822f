import { describe, expect, it } from "vitest";
import { isAtLeast, parseVersion } from "./cluster-tools.ts";

describe("kind and kubectl versions", () => {
  it("reads versions the way kind and kubectl print them", () => {
    expect(parseVersion("kind v0.33.0 go1.25.4 linux/amd64")).toEqual([0, 33, 0]);
    expect(parseVersion("v1.36.1")).toEqual([1, 36, 1]);
    expect(parseVersion("v1.36")).toEqual([1, 36, 0]);
    expect(parseVersion("kind version unknown")).toBeUndefined();
  });

  it("compares versions numerically, not as text", () => {
    expect(isAtLeast([0, 33, 0], [0, 33, 0])).toBe(true);
    expect(isAtLeast([0, 100, 0], [0, 33, 0])).toBe(true);
    expect(isAtLeast([0, 9, 9], [0, 33, 0])).toBe(false);
    expect(isAtLeast([1, 35, 0], [1, 35, 1])).toBe(false);
    expect(isAtLeast([2, 0, 0], [1, 99, 99])).toBe(true);
  });
});
