// .ci/run's record of itself: a run that built the Go tools is the cold one, a run that found them cached
// the warm one, whatever else it did.
import { describe, expect, it } from "vitest";
import { ciRun } from "./ci-record.ts";

const stages = (goImages: number, goOther: number) => ({
  "Go builds: what the images are made of": goImages,
  "Go build: kube-linter": goOther,
  lint: 27,
  "clusters tier": 1308,
});

describe("ciRun", () => {
  it.each([
    ["cached Go tools", stages(0, 0), "warm"],
    ["a rebuilt contract tool", stages(2, 420), "cold"],
    ["the images' tools built", stages(2580, 0), "cold"],
    ["a minute of checking the caches", stages(60, 12), "warm"],
  ] as const)("%s → %s", (_name, s, kind) => {
    const run = ciRun({ date: "2026-12-05T09:00:00.000Z", stages: s }, 1500);
    expect(run.kind).toBe(kind);
    expect(run.date).toBe("2026-12-05");
    expect(run.total_seconds).toBe(1500);
  });
});
