// The reading rules every option shares, and the --help line derived from a row.
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { handedOn, helpLine, list, optional, toggle, value } from "./option.ts";

const row = { flags: "-n, --number <n>", env: "NUMBER", description: "a number" };
const number = { schema: z.string().regex(/^\d+$/).transform(Number), expected: "digits" };

function read<T>(
  option: { read(flag: unknown, env: object, problems: string[]): T },
  flag: unknown,
  env = {},
) {
  const problems: string[] = [];
  return { value: option.read(flag, env, problems), problems };
}

describe("value", () => {
  const option = value({ ...row, ...number, default: "7" });

  it("reads the flag's text first, then the trimmed variable, then the default", () => {
    expect(read(option, "1", { NUMBER: "2" }).value).toBe(1);
    expect(read(option, undefined, { NUMBER: " 2 " }).value).toBe(2);
    expect(read(option, undefined, { NUMBER: "  " }).value).toBe(7);
  });

  it("reports a bad value with its source and lets the default stand in", () => {
    expect(read(option, "x")).toEqual({ value: 7, problems: ['--number: expected digits, got "x"'] });
    expect(read(option, undefined, { NUMBER: "y" }).problems).toEqual(['NUMBER: expected digits, got "y"']);
  });
});

describe("optional, list and toggle", () => {
  it("optional: undefined when unset", () => {
    expect(read(optional({ ...row, ...number }), undefined)).toEqual({ value: undefined, problems: [] });
  });

  it("list: every flag parsed on its own and quoted in problems; the variable only without flags", () => {
    const option = list({ ...row, schema: z.string().transform((t) => t.split("+")) });
    expect(read(option, ["a+b", "c"], { NUMBER: "z" }).value).toEqual(["a", "b", "c"]);
    expect(read(option, undefined, { NUMBER: "z" }).value).toEqual(["z"]);
    const strict = list({
      ...row,
      schema: z
        .string()
        .regex(/^a/)
        .transform((t) => [t]),
      expected: "a…",
    });
    expect(read(strict, ["ab", "b"]).problems).toEqual(['--number "b": expected a…, got "b"']);
  });

  it("toggle: the flag, else the variable as true/false/1/0 in any case", () => {
    const option = toggle(row);
    expect(read(option, true, { NUMBER: "nonsense" })).toEqual({ value: true, problems: [] });
    expect(read(option, undefined, { NUMBER: "TRUE" }).value).toBe(true);
    expect(read(option, undefined, { NUMBER: "0" }).value).toBe(false);
    expect(read(option, undefined, { NUMBER: "yes" })).toEqual({
      value: false,
      problems: ['NUMBER: expected true or false, got "yes"'],
    });
  });

  it("handedOn: passes the flag through and never reads the variable", () => {
    expect(read(handedOn("value", row), "x", { NUMBER: "y" }).value).toBe("x");
    expect(read(handedOn("value", row), undefined, { NUMBER: "y" }).value).toBeUndefined();
    expect(read(handedOn("list", row), ["a"]).value).toEqual(["a"]);
    expect(read(handedOn("switch", row), true).value).toBe(true);
  });
});

describe("helpLine", () => {
  it("appends repeatable, then (note; env hint; default), then the variable", () => {
    expect(helpLine(value({ ...row, ...number, default: "7" }))).toBe("a number (default: 7) [env: NUMBER]");
    expect(helpLine(list({ ...row, ...number, envHint: "a list", schema: z.array(z.string()) }))).toBe(
      "a number; repeatable (env: a list) [env: NUMBER]",
    );
    expect(helpLine(toggle(row))).toBe("a number (env: true/false) [env: NUMBER]");
    expect(helpLine(optional({ ...row, ...number, note: "why", unset: "none" }))).toBe(
      "a number (why; default: none) [env: NUMBER]",
    );
    expect(helpLine(optional({ ...row, ...number }))).toBe("a number [env: NUMBER]");
  });
});
