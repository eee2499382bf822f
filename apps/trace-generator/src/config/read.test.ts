import { describe, expect, it } from "vitest";
import { readOptions, unknownVariables } from "./read.ts";
import { OPTIONS } from "./options.ts";
import type { OptionKey } from "./options.ts";

const noFlags = Object.fromEntries(Object.keys(OPTIONS).map((key) => [key, undefined])) as Record<
  OptionKey,
  undefined
>;

describe("readOptions", () => {
  it("reads every row, collecting the problems of all of them", () => {
    const problems: string[] = [];
    const values = readOptions({ ...noFlags, rate: "x", workers: "2" }, { TRACEGEN_COUNT: "-1" }, problems);
    expect(values).toMatchObject({
      rate: 10,
      workers: 2,
      count: 0,
      scenario: "shop",
      otlpEndpoint: undefined,
    });
    expect(problems).toEqual([
      '--rate: expected a number of units per second >= 0, got "x"',
      'TRACEGEN_COUNT: expected a whole number >= 0, got "-1"',
    ]);
  });
});

describe("unknownVariables", () => {
  it("flags TRACEGEN_* variables no option declares, and nothing else", () => {
    const found = unknownVariables({ TRACEGEN_RAT: "5", TRACEGEN_RATE: "5", OTEL_FOO: "1", PATH: "/bin" });
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(
      /^TRACEGEN_RAT: not a trace-generator variable \(expected one of: TRACEGEN_SCENARIO, /,
    );
  });
});
