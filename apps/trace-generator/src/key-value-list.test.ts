import { describe, expect, it } from "vitest";
import { keyValueList } from "./key-value-list.ts";
import { parseSourced } from "./sourced.ts";

describe("keyValueList", () => {
  it("reads comma-separated pairs, trimmed and percent-decoded, skipping empty items", () => {
    expect(keyValueList.parse(" a=1 ,, Authorization=Basic%20ZWRn ,")).toEqual([
      ["a", "1"],
      ["Authorization", "Basic ZWRn"],
    ]);
  });

  it("reports each bad item, prefixed with the source, all at once", () => {
    const problems: string[] = [];
    const result = parseSourced(
      { schema: keyValueList },
      { value: "novalue,=x,k=,bad key=1,k=%ZZ,ok=1", source: "VAR" },
      problems,
    );
    expect(result).toBeUndefined();
    expect(problems).toEqual([
      'VAR: expected key=value pairs separated by commas, got "novalue"',
      'VAR: expected key=value pairs separated by commas, got "=x"',
      'VAR: expected key=value pairs separated by commas, got "k="',
      'VAR: expected key=value pairs separated by commas, got "bad key=1"',
      'VAR: "k" has a malformed percent-encoded value "%ZZ"',
    ]);
  });
});
