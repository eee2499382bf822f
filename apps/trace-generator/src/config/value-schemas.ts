// The zod schemas for the generator's own option values. Numbers are read as JavaScript's Number()
// reads them (" 5", "1e3" and "0x10" have always been accepted), so switching to zod changed nothing a
// user could type.
import { z } from "zod";
import { DURATION_HINT, parseDuration } from "../duration.ts";
import type { Parser } from "../sourced.ts";

export const text = z.string();

/** Number() of the text, then `number`'s checks; only the empty text is refused before conversion. */
export const numberText = (number: z.ZodType<number, number>): z.ZodType<number> =>
  z.string().min(1).transform(Number).pipe(number);

/** Milliseconds. With `allowZero`, "0" (no unit) means "off" or "no limit". */
export function duration({ allowZero }: { readonly allowZero: boolean }): Parser<number> {
  return {
    schema: z.string().transform((text, ctx) => {
      if (allowZero && text === "0") return 0;
      const ms = parseDuration(text);
      if (ms !== undefined && (allowZero || ms > 0)) return ms;
      ctx.addIssue({ code: "custom", message: "not a duration" });
      return z.NEVER;
    }),
    expected: `${DURATION_HINT}${allowZero ? " (or 0)" : ""}`,
  };
}

/** Whatever new URL() accepts, with an http: or https: scheme. */
export const httpUrl: z.ZodType<URL> = z.string().transform((text, ctx) => {
  try {
    const url = new URL(text);
    if (url.protocol === "http:" || url.protocol === "https:") return url;
  } catch {
    // Reported below, like a wrong scheme.
  }
  ctx.addIssue({ code: "custom", message: "not an http(s) URL" });
  return z.NEVER;
});
