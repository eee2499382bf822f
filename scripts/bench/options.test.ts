import { describe, expect, it } from "vitest";
import { Failure } from "../lib/exit-codes.ts";
import { CONFIGURATIONS } from "./configurations.ts";
import { parseBenchOptions } from "./options.ts";

describe("parseBenchOptions", () => {
  it("defaults: every configuration, 30 s trials, the search from 8000 spans/s, load on CPU 0", () => {
    const options = parseBenchOptions({}, 2);
    expect(options).toMatchObject({ seconds: 30, rate: undefined, start: 8000, refine: 4, probeLoops: 2 });
    expect(options).toMatchObject({ repeats: 3, latencyRate: undefined, record: false });
    expect(options.configurations.map((c) => c.id)).toEqual(CONFIGURATIONS.map((c) => c.id));
    expect([options.loadCpu, options.pipelineCpus]).toEqual(["0", "1"]);
    expect(parseBenchOptions({}, 8).pipelineCpus).toBe("1-7");
    expect(Object.isFrozen(options)).toBe(true);
  });

  it("selects configurations by name, in the table's order", () => {
    const options = parseBenchOptions({ configs: "tls-basic, plaintext" }, 2);
    expect(options.configurations.map((c) => c.id)).toEqual(["plaintext", "tls-basic"]);
  });

  it("records only what the docs may quote: 3 rounds or more, searched, with the anchor", () => {
    expect(parseBenchOptions({ record: true }, 2).record).toBe(true);
    expect(() =>
      parseBenchOptions(
        { record: true, repeats: "2", rate: "5000", configs: "tls", "probe-loops": "0", profile: true },
        2,
      ),
    ).toThrow(
      /--record needs --repeats 3 or more \(it is 2\)[^]*--record needs the search[^]*--record needs anchor among --configs[^]*--record needs tls-basic among --configs[^]*--record needs the latency trials[^]*--record leaves out --profile/,
    );
  });

  it("reports every bad value at once, named, with what was expected", () => {
    let failure: unknown;
    try {
      parseBenchOptions(
        {
          seconds: "1",
          configs: "tls,nope",
          rate: "fast",
          "probe-loops": "0",
          profile: true,
          repeats: "0",
        },
        1,
      );
    } catch (error) {
      failure = error;
    }
    expect(failure).toBeInstanceOf(Failure);
    const message = (failure as Failure).message;
    expect(message).toContain('--seconds is "1"; expected a whole number from 3 to 600');
    expect(message).toContain('--rate is "fast"');
    expect(message).toContain('--configs names "nope"; expected some of anchor, plaintext');
    expect(message).toContain("--profile profiles during the latency trial");
    expect(message).toContain('--repeats is "0"; expected a whole number from 1 to 10');
    expect(message).toContain("this machine has 1 CPU");
    expect((failure as Failure).exitCode).toBe(2);
  });
});
