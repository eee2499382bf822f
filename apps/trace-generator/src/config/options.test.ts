// The option table itself: each default is valid, and is exactly what --help shows for it.
import { describe, expect, it } from "vitest";
import { helpText } from "./command.ts";
import { longFlag } from "./option.ts";
import { OPTIONS } from "./options.ts";

describe("OPTIONS", () => {
  const help = helpText().split("\n");

  it.each(Object.entries(OPTIONS))("%s: its default parses, and --help shows it", (_key, option) => {
    const problems: string[] = [];
    option.read(undefined, {}, problems);
    expect(problems).toEqual([]);
    const line = help.find((l) => l.trimStart().startsWith(option.flags));
    expect(line, longFlag(option)).toBeDefined();
    const shown = option.default ?? option.unset;
    if (shown !== undefined) expect(line).toContain(`default: ${shown}`);
    else expect(line).not.toContain("default:");
    expect(line).toContain(`[env: ${option.env}]`);
  });

  it("every flag and every variable is declared once", () => {
    const rows = Object.values(OPTIONS);
    expect(new Set(rows.map(longFlag)).size).toBe(rows.length);
    expect(new Set(rows.map((o) => o.env)).size).toBe(rows.length);
  });
});
