import * as prettier from "prettier";
import { describe, expect, it } from "vitest";
import { result } from "../bench/fixtures.ts";
import { parseBenchOptions } from "../bench/options.ts";
import { benchRecord } from "../bench/record.ts";
import { summarizeRounds } from "../bench/summary.ts";
import { benchReadmeBlock, renderBench, roundsAtCeiling, targetLines } from "./bench-blocks.ts";
import { currentBlock } from "./readme-blocks.ts";

const round = (anchor: number, ours: number, anchorMs: number[], oursMs: number[]) => [
  result("anchor", "anchor", anchor, anchorMs),
  result("tls-basic", "TLS + basic", ours, oursMs),
];

describe("the benchmark's targets, judged from the recorded run", () => {
  it("met: 0.8× the anchor's capacity (median of the rounds), p99 within 2× the anchor's", () => {
    const summary = summarizeRounds([
      round(50_000, 40_000, [100, 200], [150, 390]),
      round(50_000, 45_000, [100], [150]),
      round(50_000, 35_000, [100], [150]),
    ]);
    expect(targetLines({ summary })).toEqual([
      "- Zero-loss capacity of the default, 0.8× the anchor's or more: 0.80× (median; 0.70–0.90 over the rounds), met.",
      "- p99 of the default at 5000 spans/s, at most 2× the anchor's: 1.95× (390 ms against 200 ms, 4 probes), met.",
    ]);
  });

  it("not met, in bold", () => {
    const summary = summarizeRounds([
      round(50_000, 30_000, [100], [300]),
      round(50_000, 30_000, [100], [300]),
      round(50_000, 30_000, [100], [300]),
    ]);
    expect(targetLines({ summary }).map((line) => line.slice(line.lastIndexOf(",") + 2))).toEqual([
      "**not met**.",
      "**not met**.",
    ]);
  });
});

describe("a search that passed at the ceiling (--max)", () => {
  const rounds = [
    round(48_000, 40_000, [100], [150]),
    round(45_000, 40_000, [100], [150]),
    round(48_000, 39_000, [100], [150]),
  ];
  const record = benchRecord(
    parseBenchOptions({ record: true, max: "48200" }, 2),
    summarizeRounds(rounds),
    rounds,
    ["0.10 0.20 0.30"],
  );

  it("is found per configuration and round: the ceiling is --max rounded down to the search's step", () => {
    expect(roundsAtCeiling(record)).toEqual(new Map([["anchor", [1, 3]]]));
  });

  it("leaves the capacity target not proven when the anchor reached it (the ratio is an upper bound)", () => {
    expect(targetLines(record, [1, 3])[0]).toBe(
      "- Zero-loss capacity of the default, 0.8× the anchor's or more: 0.83× (median; 0.81–0.89 over the rounds), **not proven** (the anchor reached the search's ceiling in rounds 1, 3, so the ratio is an upper bound).",
    );
    expect(renderBench(record)).toContain(
      "At the search's ceiling (48000 spans/s, `--max`), where no trial failed, so the true maximum may be higher than the table says: anchor (rounds 1, 3).",
    );
  });
});

describe("the benchmark's block in the docs", () => {
  it("survives make lint's Prettier unchanged, so the docs test can compare it with the record", async () => {
    const rounds = [1, 2, 3].map(() => round(50_000, 40_000, [100, 200], [150, 390]));
    const record = benchRecord(parseBenchOptions({ record: true }, 2), summarizeRounds(rounds), rounds, [
      "0.10 0.20 0.30",
      "1.90 1.20 0.70",
    ]);
    const block = renderBench(record);
    const { start, end } = benchReadmeBlock;
    const text = `# Costs\n\n<!-- prettier-ignore-start -->\n${start}\n${block}\n${end}\n<!-- prettier-ignore-end -->\n`;
    const options = await prettier.resolveConfig("README.md");
    const formatted = await prettier.format(text, { ...options, filepath: "README.md" });
    expect(currentBlock(formatted, benchReadmeBlock)).toBe(block);
    expect(block).toContain("| TLS + basic | 40000 | 0.80 |");
  });
});
