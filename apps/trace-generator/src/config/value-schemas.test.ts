import { describe, expect, it } from "vitest";
import { z } from "zod";
import { duration, httpUrl, numberText } from "./value-schemas.ts";

describe("value schemas", () => {
  it("numberText reads what Number() reads, refusing only the empty text before its checks", () => {
    const whole = numberText(z.int().min(0));
    expect(["1e3", "0x10", "+5", " 7 "].map((t) => whole.parse(t))).toEqual([1000, 16, 5, 7]);
    for (const bad of ["", "1.5", "-1", "NaN", "9007199254740992"])
      expect(whole.safeParse(bad).success).toBe(false);
  });

  it("duration: units required; '0' allowed only where zero means off", () => {
    const zeroOk = duration({ allowZero: true });
    const positive = duration({ allowZero: false });
    expect(zeroOk.schema.parse("0")).toBe(0);
    expect(zeroOk.schema.parse("1.5s")).toBe(1500);
    expect(positive.schema.safeParse("0").success).toBe(false);
    expect(positive.schema.safeParse("0ms").success).toBe(false);
    expect(positive.schema.safeParse("5").success).toBe(false);
    expect(zeroOk.expected).toBe('a duration like "20ms", "1.5s" or "2m" (or 0)');
    expect(positive.expected).toBe('a duration like "20ms", "1.5s" or "2m"');
  });

  it("httpUrl: http and https only", () => {
    expect(httpUrl.parse("https://svc:8443/base").href).toBe("https://svc:8443/base");
    for (const bad of ["ftp://x", "not a url", ""]) expect(httpUrl.safeParse(bad).success).toBe(false);
  });
});
