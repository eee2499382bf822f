// The offline images' cache key. A stand-in image is reused while the key holds, so the key must change
// with anything an image is built from: a component added to the collector's builder manifest changes
// the otelcol tool's key but no pin, and the old collector image was reused (its new config then failed
// in it: "cannot unmarshal the configuration", make up of 2026-12-05).
import { afterEach, describe, expect, it } from "vitest";
import { recipes } from "../gobuild/recipes/index.ts";
import type { Recipe } from "../gobuild/recipe.ts";
import { offlineKey } from "./offline.ts";

describe("offlineKey", () => {
  const otelcol = recipes.otelcol as { key: Recipe["key"] };
  const original = otelcol.key;
  afterEach(() => {
    otelcol.key = original;
  });

  it("changes when an image's Go tool is built differently, with the same pins", async () => {
    const before = await offlineKey();
    expect(await offlineKey()).toBe(before);
    const key = await original();
    otelcol.key = () => `${String(key)}-with-another-component`;
    expect(await offlineKey()).not.toBe(before);
  }, 60_000);
});
