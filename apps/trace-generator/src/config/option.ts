// How one option is declared and read. A row of config/options.ts names its flag, variable, default,
// help and parser; this module turns such a row into its --help line and into the reading rules every
// option shares: a flag wins over its variable, a blank variable counts as unset, and a default is text
// parsed like user input, so the default --help shows is the one used.
import { z } from "zod";
import { parseSourced } from "../sourced.ts";
import type { Parser, Sourced } from "../sourced.ts";

export type Env = Readonly<Record<string, string | undefined>>;

/** What commander hands over for a flag: its text, the texts of a repeated flag, or true for a switch. */
export type FlagValue = string | readonly string[] | boolean | undefined;

/** "value": one text; "list": a repeatable flag; "switch": a flag without a value. */
export type Arity = "value" | "list" | "switch";

export interface OptionHelp {
  /** Commander syntax, e.g. "-r, --rate <number>". */
  readonly flags: string;
  readonly env: string;
  readonly description: string;
  /** --help: context placed before the default in the parenthesis. */
  readonly note?: string;
  /** --help: how the variable's text differs from the flag's. */
  readonly envHint?: string;
  /** --help: what an unset option means when that is not a text the parser reads (e.g. "random"). */
  readonly unset?: string;
}

export interface Option<T> extends OptionHelp {
  readonly arity: Arity;
  /** Read when neither the flag nor the variable is given, exactly like a flag's text. */
  readonly default?: string;
  read(flag: FlagValue, env: Env, problems: string[]): T;
}

export function longFlag(option: OptionHelp): string {
  return option.flags.split(" ").find((f) => f.startsWith("--")) as string;
}

/** The help text commander prints for the option: every default comes from the row's `default`. */
export function helpLine(option: Option<unknown>): string {
  const envHint = option.envHint ?? (option.arity === "switch" ? "true/false" : undefined);
  const shownDefault = option.default ?? option.unset;
  const notes = [
    option.note,
    envHint === undefined ? undefined : `env: ${envHint}`,
    shownDefault === undefined ? undefined : `default: ${shownDefault}`,
  ].filter((note) => note !== undefined);
  const repeatable = option.arity === "list" ? "; repeatable" : "";
  const parenthesis = notes.length > 0 ? ` (${notes.join("; ")})` : "";
  return `${option.description}${repeatable}${parenthesis} [env: ${option.env}]`;
}

/** The flag's text as given (not trimmed: the shell already split it), else the variable's, trimmed. */
function given(option: OptionHelp, flag: FlagValue, env: Env): Sourced | undefined {
  if (typeof flag === "string") return { value: flag, source: longFlag(option) };
  const text = env[option.env]?.trim();
  return text === undefined || text === "" ? undefined : { value: text, source: option.env };
}

/** An option that always has a value. A bad one is reported and the default stands in, so later checks
 * (such as --batch-size against --max-queue-size) still have a number to compare. */
export function value<T>(row: OptionHelp & Parser<T> & { readonly default: string }): Option<T> {
  return {
    ...row,
    arity: "value",
    read(flag, env, problems) {
      const input = given(row, flag, env);
      const parsed = input === undefined ? undefined : parseSourced(row, input, problems);
      return parsed ?? (parseSourced(row, { value: row.default, source: "default" }, problems) as T);
    },
  };
}

export function optional<T>(row: OptionHelp & Parser<T>): Option<T | undefined> {
  return {
    ...row,
    arity: "value",
    read(flag, env, problems) {
      const input = given(row, flag, env);
      return input === undefined ? undefined : parseSourced(row, input, problems);
    },
  };
}

/** A repeatable flag: each occurrence is parsed on its own (problems quote it); the variable is read only
 * when the flag is absent. */
export function list<T>(row: OptionHelp & Parser<readonly T[]>): Option<readonly T[]> {
  return {
    ...row,
    arity: "list",
    read(flag, env, problems) {
      const fromEnv = given(row, undefined, env);
      const inputs: Sourced[] =
        typeof flag === "object"
          ? flag.map((text) => ({ value: text, source: `${longFlag(row)} "${text}"` }))
          : fromEnv === undefined
            ? []
            : [fromEnv];
      return inputs.flatMap((input) => parseSourced(row, input, problems) ?? []);
    },
  };
}

const TRUE_OR_FALSE: Parser<boolean> = {
  schema: z
    .string()
    .regex(/^(true|1|false|0)$/i)
    .transform((text) => /^(true|1)$/i.test(text)),
  expected: "true or false",
};

/** A flag without a value; its variable says true or false. */
export function toggle(row: OptionHelp): Option<boolean> {
  return {
    ...row,
    arity: "switch",
    read(flag, env, problems) {
      if (flag === true) return true;
      const input = given(row, undefined, env);
      return (input === undefined ? undefined : parseSourced(TRUE_OR_FALSE, input, problems)) ?? false;
    },
  };
}

type Handed = { value: string; list: readonly string[]; switch: true };

/**
 * An option whose variable another module reads: the flag's value is handed on untouched. The OTLP
 * options are these, because the OTLP specification's rules (OTEL_EXPORTER_OTLP_TRACES_* first, headers
 * merged across variables) live with the exporter settings. `default` is only shown here; that module
 * applies it, from the same constant.
 */
export function handedOn<A extends Arity>(
  arity: A,
  row: OptionHelp & { readonly default?: string },
): Option<Handed[A] | undefined> {
  return {
    ...row,
    arity,
    read(flag) {
      const matches =
        arity === "value" ? typeof flag === "string" : arity === "list" ? typeof flag === "object" : flag;
      return (matches ? flag : undefined) as Handed[A] | undefined;
    },
  };
}
