import { describe, expect, it } from "vitest";
import { shortfallOf } from "./trial.ts";

const load = { spans: 1000, exported: 1000, failed: 0, dropped: 0 };
const probes = { sent: 10, latenciesMs: [], missing: 0 };
const counters = { stored: 1010, edgeAccepted: 1010, refused: 0, failed: 0 };

describe("shortfallOf: a trial passes only when everything sent was stored and nothing was lost", () => {
  it.each([
    ["nothing lost", {}, ""],
    [
      "generator drops",
      { load: { ...load, dropped: 5, exported: 995 } },
      "5 dropped by the generator, 5 never exported",
    ],
    ["a receiver refuses", { counters: { ...counters, refused: 3 } }, "3 refused by a receiver"],
    ["an exporter fails", { counters: { ...counters, failed: 2 } }, "2 failed in an exporter"],
    ["Jaeger short", { counters: { ...counters, stored: 1009 } }, "Jaeger stored 1009 of 1010"],
    ["Jaeger over (a duplicate)", { counters: { ...counters, stored: 1011 } }, "Jaeger stored 1011 of 1010"],
    ["a probe lost", { probes: { ...probes, missing: 1 } }, "1 probes never found"],
  ] as const)("%s", (_, change, expected) => {
    const c = change as { load?: typeof load; probes?: typeof probes; counters?: typeof counters };
    expect(shortfallOf(c.load ?? load, c.probes ?? probes, c.counters ?? counters)).toBe(expected);
  });
});
