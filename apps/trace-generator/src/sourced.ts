// A setting's text together with where it came from (a flag, a variable or the default), and parsing it
// with zod so that every problem starts with that source: users fix the flag or variable it names.
import type { z } from "zod";

export interface Sourced {
  readonly value: string;
  /** "--otlp-endpoint", "OTEL_EXPORTER_OTLP_ENDPOINT", "default", … */
  readonly source: string;
}

/**
 * A zod schema for one setting's text. With `expected`, a bad value is one problem "expected <expected>,
 * got <text>" (zod's own wording means nothing to someone who typed a flag); without it, each issue's
 * message is used as written, so a list with three bad items reports all three.
 */
export interface Parser<T> {
  readonly schema: z.ZodType<T>;
  readonly expected?: string;
}

/** The parsed value, or undefined after pushing the problems (never throws). */
export function parseSourced<T>(parser: Parser<T>, input: Sourced, problems: string[]): T | undefined {
  const result = parser.schema.safeParse(input.value);
  if (result.success) return result.data;
  if (parser.expected !== undefined)
    problems.push(`${input.source}: expected ${parser.expected}, got "${input.value}"`);
  else for (const issue of result.error.issues) problems.push(`${input.source}: ${issue.message}`);
  return undefined;
}
