// The parser: every row of the option table read from its flag or variable (or its default) with the
// row's own parser, plus the check for TRACEGEN_* variables no row declares. Problems are collected,
// never thrown, so the user sees all of them at once.
import type { Env, FlagValue } from "./option.ts";
import { OPTIONS } from "./options.ts";
import type { OptionKey, OptionValues } from "./options.ts";

export function readOptions(
  flags: Readonly<Record<OptionKey, FlagValue>>,
  env: Env,
  problems: string[],
): OptionValues {
  const values = Object.entries(OPTIONS).map(([key, option]) => [
    key,
    option.read(flags[key as OptionKey], env, problems),
  ]);
  return Object.fromEntries(values) as OptionValues;
}

/** A misspelt variable would otherwise be ignored without a word. */
export function unknownVariables(env: Env): string[] {
  const ours = Object.values(OPTIONS)
    .map((option) => option.env)
    .filter((name) => name.startsWith("TRACEGEN_"));
  return Object.keys(env)
    .filter((name) => name.startsWith("TRACEGEN_") && !ours.includes(name))
    .map((name) => `${name}: not a trace-generator variable (expected one of: ${ours.join(", ")})`);
}
