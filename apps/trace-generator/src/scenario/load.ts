// Reads a scenario (a built-in name or a YAML file), validates it and links the call graph. Every problem
// is reported at once as "file: key.path: expected …, got …".
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { basename, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseDocument } from "yaml";
import type { z } from "zod";
import { REF_HINT, ScenarioSchema, SHORTHAND } from "./schema.ts";
import type { AttributeValue, HttpStep, Latency, Operation, ScenarioInput } from "./schema.ts";

export const BUILTIN_DIR = fileURLToPath(new URL("../../scenarios/", import.meta.url));

export type OperationKind = NonNullable<Operation["kind"]>;

export interface ScenarioCall {
  readonly target: ScenarioOperation;
  readonly probability: number;
  readonly repeat: { readonly min: number; readonly max: number };
  readonly parallel: boolean;
}

export interface ScenarioOperation {
  readonly service: ScenarioService;
  readonly name: string;
  /** Unset: server when entered from another service (or as an entrypoint), internal otherwise. */
  readonly kind: OperationKind | undefined;
  readonly latency: Latency;
  readonly error:
    { readonly probability: number; readonly message: string; readonly type: string } | undefined;
  readonly attributes: readonly (readonly [string, AttributeValue])[];
  readonly events: readonly {
    readonly name: string;
    readonly probability: number;
    readonly attributes: readonly (readonly [string, AttributeValue])[];
  }[];
  readonly calls: readonly ScenarioCall[];
  readonly http: HttpStep | undefined;
}

export interface ScenarioService {
  readonly name: string;
  readonly self: boolean;
  readonly resource: Readonly<Record<string, string | number | boolean>>;
  readonly operations: ReadonlyMap<string, ScenarioOperation>;
}

export interface Scenario {
  readonly name: string;
  readonly description: string;
  /** Where it came from: "built-in shop" or a file path. */
  readonly source: string;
  readonly maxDepth: number;
  readonly entrypoints: readonly { readonly operation: ScenarioOperation; readonly weight: number }[];
  readonly services: readonly ScenarioService[];
  /** Some operation makes a real HTTP call: traces run in real time instead of being simulated. */
  readonly hasHttpSteps: boolean;
}

/** A user mistake in a scenario: every problem, one per line, ready to print. */
export class ScenarioError extends Error {
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(problems.join("\n"));
    this.name = "ScenarioError";
    this.problems = problems;
  }
}

export function builtinScenarios(): string[] {
  return readdirSync(BUILTIN_DIR)
    .filter((f) => f.endsWith(".yaml"))
    .map((f) => f.slice(0, -".yaml".length))
    .sort();
}

/** A built-in name ("shop") or a path to a YAML file. */
export function loadScenario(nameOrPath: string, cwd = process.cwd()): Scenario {
  const builtin = /^[a-z0-9-]+$/.test(nameOrPath) ? resolve(BUILTIN_DIR, `${nameOrPath}.yaml`) : undefined;
  if (builtin !== undefined && existsSync(builtin)) {
    return parseScenario(readFileSync(builtin, "utf8"), `${nameOrPath}.yaml`, `built-in ${nameOrPath}`);
  }
  const file = resolve(cwd, nameOrPath);
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    throw new ScenarioError([
      `scenario "${nameOrPath}": expected a built-in name (${builtinScenarios().join(", ")}) or a readable YAML file, found neither`,
    ]);
  }
  return parseScenario(text, nameOrPath, file);
}

/** Parses and validates scenario YAML; `label` names the file in messages. */
export function parseScenario(text: string, label: string, source = label): Scenario {
  const doc = parseDocument(text, { prettyErrors: true });
  if (doc.errors.length > 0) {
    throw new ScenarioError(
      doc.errors.map((e) => {
        const pos = e.linePos?.[0];
        return `${label}${pos ? `:${pos.line}:${pos.col}` : ""}: not valid YAML: ${(e.message.split("\n")[0] ?? "").replace(/ at line \d+, column \d+:?$/, "")}`;
      }),
    );
  }
  const raw: unknown = doc.toJS();
  const result = ScenarioSchema.safeParse(raw, { reportInput: true });
  const problems = result.success ? [] : result.error.issues.map((issue) => formatIssue(label, issue));
  problems.push(...referenceProblems(raw).map((p) => `${label}: ${p}`));
  if (!result.success || problems.length > 0) throw new ScenarioError(problems);
  return link(result.data, basename(label).replace(/\.ya?ml$/, ""), source);
}

const IDENTIFIER = /^[A-Za-z_$][\w$-]*$/;

export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const key of path) {
    if (key === SHORTHAND) continue;
    if (typeof key === "number") out += `[${key}]`;
    else if (IDENTIFIER.test(String(key))) out += out === "" ? String(key) : `.${String(key)}`;
    else out += `[${JSON.stringify(String(key))}]`;
  }
  return out === "" ? "(top level)" : out;
}

function describe(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  return JSON.stringify(value);
}

function formatIssue(label: string, issue: z.core.$ZodIssue): string {
  let message = issue.message;
  if (issue.code === "invalid_type" && message.startsWith("Invalid input"))
    message = `expected ${issue.expected}`;
  // A missing key arrives as an invalid_type whose input is undefined.
  // A refinement of a whole mapping has nothing short to show; a wrong type or a bad scalar does.
  const structured = typeof issue.input === "object" && issue.input !== null && issue.code !== "invalid_type";
  const got = issue.code === "unrecognized_keys" || structured ? "" : `, got ${describe(issue.input)}`;
  return `${label}: ${formatPath(issue.path)}: ${message}${got}`;
}

const asRecord = (value: unknown): Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

/**
 * Cross-references, checked on the raw document so they are reported together with the schema's problems:
 * every "service:operation" must exist, an HTTP step is a leaf, at most one service is the generator itself.
 */
function referenceProblems(raw: unknown): string[] {
  const problems: string[] = [];
  const doc = asRecord(raw);
  const services = asRecord(doc.services);
  const known = new Set<string>();
  for (const [service, body] of Object.entries(services)) {
    for (const op of Object.keys(asRecord(asRecord(body).operations))) known.add(`${service}:${op}`);
  }
  const check = (ref: unknown, path: PropertyKey[]): void => {
    if (typeof ref !== "string" || !ref.includes(":") || known.has(ref)) return;
    const sample = [...known].slice(0, 6).join(", ");
    problems.push(
      `${formatPath(path)}: expected ${REF_HINT} that exists (${sample}${known.size > 6 ? ", …" : ""}), got "${ref}"`,
    );
  };
  asArray(doc.entrypoints).forEach((e, i) => check(asRecord(e).operation, ["entrypoints", i, "operation"]));
  const selves: string[] = [];
  for (const [service, body] of Object.entries(services)) {
    if (asRecord(body).self === true) selves.push(service);
    for (const [op, opBody] of Object.entries(asRecord(asRecord(body).operations))) {
      const calls = asArray(asRecord(opBody).calls);
      calls.forEach((c, i) =>
        check(asRecord(c).to, ["services", service, "operations", op, "calls", i, "to"]),
      );
      if (asRecord(opBody).http !== undefined && calls.length > 0) {
        problems.push(
          `${formatPath(["services", service, "operations", op, "calls"])}: expected no calls on an operation with an http step (the real service makes its own), got ${calls.length}`,
        );
      }
    }
  }
  if (selves.length > 1)
    problems.push(`services: expected at most one service with self: true, got ${selves.join(", ")}`);
  return problems;
}

function link(input: ScenarioInput, fallbackName: string, source: string): Scenario {
  const operations = new Map<string, ScenarioOperation & { calls: ScenarioCall[] }>();
  const services: ScenarioService[] = Object.entries(input.services).map(([name, svc]) => {
    const ops = new Map<string, ScenarioOperation>();
    const service: ScenarioService = {
      name,
      self: svc.self,
      resource: Object.freeze({ ...svc.resource }),
      operations: ops,
    };
    for (const [opName, op] of Object.entries(svc.operations)) {
      const linked = {
        service,
        name: opName,
        kind: op.kind,
        latency: op.latency,
        error: op.error,
        attributes: Object.entries(op.attributes),
        events: op.events.map((e) => ({ ...e, attributes: Object.entries(e.attributes) })),
        calls: [] as ScenarioCall[],
        http: op.http,
      };
      ops.set(opName, linked);
      operations.set(`${name}:${opName}`, linked);
    }
    return service;
  });
  const resolveRef = (ref: string): ScenarioOperation => {
    const op = operations.get(ref);
    if (!op) throw new Error(`unresolved reference ${ref} after validation`); // referenceProblems rules this out
    return op;
  };
  for (const [service, svc] of Object.entries(input.services)) {
    for (const [opName, op] of Object.entries(svc.operations)) {
      const linked = operations.get(`${service}:${opName}`);
      linked?.calls.push(
        ...op.calls.map((c) => ({
          target: resolveRef(c.to),
          probability: c.probability,
          repeat: c.repeat,
          parallel: c.parallel,
        })),
      );
    }
  }
  return Object.freeze({
    name: input.name ?? fallbackName,
    description: input.description,
    source,
    maxDepth: input.maxDepth,
    entrypoints: input.entrypoints.map((e) => ({ operation: resolveRef(e.operation), weight: e.weight })),
    services,
    hasHttpSteps: [...operations.values()].some((op) => op.http !== undefined),
  });
}
