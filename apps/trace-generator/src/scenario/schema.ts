// The scenario file format, as a zod schema. Messages say what was expected; the loader adds the file,
// the key path and what was found. Shorthands (a bare duration, a bare attribute value, a bare repeat
// count) are normalised to their object form here so the rest of the code sees one shape.
import { z } from "zod";
import { DURATION_HINT, parseDuration } from "../duration.ts";

/** z.strictObject whose unknown-key message lists the keys that are allowed. */
function strict<Shape extends z.ZodRawShape>(shape: Shape, expected = "expected a mapping") {
  const allowed = Object.keys(shape)
    .filter((k) => k !== SHORTHAND)
    .join(", ");
  return z.strictObject(shape, {
    error: (issue) =>
      issue.code === "unrecognized_keys"
        ? `unknown key${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => `"${k}"`).join(", ")} (expected only: ${allowed})`
        : expected,
  });
}

/** Internal key a shorthand value is wrapped in; the loader leaves it out of key paths. */
export const SHORTHAND = "~";

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

const Duration = z.string({ error: `expected ${DURATION_HINT}` }).transform((text, ctx) => {
  const ms = parseDuration(text);
  if (ms === undefined) {
    ctx.addIssue({ code: "custom", message: `expected ${DURATION_HINT}`, input: text });
    return z.NEVER;
  }
  return ms;
});

const Probability = z
  .number({ error: "expected a probability between 0 and 1" })
  .min(0, {
    error: "expected a probability between 0 and 1",
  })
  .max(1, { error: "expected a probability between 0 and 1" });

export const Scalar = z.union([z.string(), z.number(), z.boolean()], {
  error: "expected a string, number or boolean",
});

/** `name: value`, or `{oneOf: [...]}`, or `{range: [min, max]}` (a uniform integer). */
const AttributeValue = z.preprocess(
  (value) => (isPlainObject(value) ? value : { value }),
  strict({
    value: Scalar.optional(),
    oneOf: z
      .array(Scalar, { error: "expected a list of values" })
      .min(1, { error: "expected at least one value" })
      .optional(),
    range: z
      .tuple([z.int({ error: "expected an integer" }), z.int({ error: "expected an integer" })], {
        error: "expected [min, max] integers",
      })
      .refine(([min, max]) => min <= max, { error: "expected [min, max] with min <= max" })
      .optional(),
  }).refine((v) => [v.value, v.oneOf, v.range].filter((x) => x !== undefined).length === 1, {
    error: "expected exactly one of: a value, oneOf, range",
  }),
);
export type AttributeValue = z.output<typeof AttributeValue>;

const Attributes = z.record(z.string().min(1), AttributeValue, {
  error: "expected a mapping of attribute names to values",
});

/** `20ms` (fixed), `{p50, p99}` (log-normal through both percentiles) or `{min, max}` (uniform). */
const Latency = z.preprocess(
  (value) => (typeof value === "string" ? { [SHORTHAND]: value } : value),
  strict(
    {
      [SHORTHAND]: Duration.optional(),
      p50: Duration.optional(),
      p99: Duration.optional(),
      min: Duration.optional(),
      max: Duration.optional(),
    },
    `expected ${DURATION_HINT}, or {p50, p99}, or {min, max}`,
  )
    .superRefine((l, ctx) => {
      const forms = [
        l[SHORTHAND] !== undefined,
        l.p50 !== undefined || l.p99 !== undefined,
        l.min !== undefined || l.max !== undefined,
      ];
      if (forms.filter(Boolean).length !== 1) {
        ctx.addIssue({ code: "custom", message: 'expected one form: "20ms", {p50, p99} or {min, max}' });
      } else if ((l.p50 === undefined) !== (l.p99 === undefined)) {
        ctx.addIssue({ code: "custom", message: "expected both p50 and p99" });
      } else if ((l.min === undefined) !== (l.max === undefined)) {
        ctx.addIssue({ code: "custom", message: "expected both min and max" });
      } else if (l.p50 !== undefined && l.p99 !== undefined && l.p99 < l.p50) {
        ctx.addIssue({ code: "custom", message: "expected p99 >= p50", path: ["p99"] });
      } else if (l.min !== undefined && l.max !== undefined && l.max < l.min) {
        ctx.addIssue({ code: "custom", message: "expected max >= min", path: ["max"] });
      }
    })
    .transform(({ [SHORTHAND]: fixed, ...rest }) => ({ fixed, ...rest })),
);
export type Latency = z.output<typeof Latency>;

export const REF_HINT = 'a reference "service:operation"';
const Ref = z
  .string({ error: `expected ${REF_HINT}` })
  .regex(/^[^:\s][^:]*:.+$/, { error: `expected ${REF_HINT}` });

const Repeat = z.preprocess(
  (value) => (typeof value === "number" ? { min: value, max: value } : value),
  strict({
    min: z.int({ error: "expected a whole number >= 1" }).min(1, { error: "expected a whole number >= 1" }),
    max: z.int({ error: "expected a whole number >= 1" }).min(1, { error: "expected a whole number >= 1" }),
  }).refine((r) => r.max >= r.min, { error: "expected max >= min", path: ["max"] }),
);

const Call = strict({
  to: Ref,
  probability: Probability.default(1),
  repeat: Repeat.default({ min: 1, max: 1 }),
  /** Repeats of this call run side by side instead of one after another. */
  parallel: z.boolean({ error: "expected true or false" }).default(false),
});

const Event = strict({
  name: z.string({ error: "expected an event name" }).min(1, { error: "expected an event name" }),
  probability: Probability.default(1),
  attributes: Attributes.default({}),
});

const HttpStep = strict({
  method: z.enum(["GET", "POST", "PUT", "PATCH", "DELETE"], {
    error: "expected GET, POST, PUT, PATCH or DELETE",
  }),
  path: z
    .string({ error: 'expected a path like "/api/orders"' })
    .regex(/^\//, { error: 'expected a path like "/api/orders"' }),
  /** Values for `{name}` placeholders in the path and in the body's strings. */
  params: Attributes.default({}),
  /** A JSON body (POST/PUT/PATCH); a string that is exactly "{name}" becomes the param's value, typed. */
  body: z.json({ error: "expected a JSON value (mapping, list or scalar)" }).optional(),
});
export type HttpStep = z.output<typeof HttpStep>;

const Operation = strict({
  kind: z
    .enum(["server", "client", "internal", "producer", "consumer"], {
      error: "expected server, client, internal, producer or consumer",
    })
    .optional(),
  latency: Latency.default({ fixed: 5 }),
  error: strict({
    probability: Probability,
    message: z.string({ error: "expected a message" }).default("error"),
    type: z.string({ error: "expected an exception type name" }).default("Error"),
  }).optional(),
  attributes: Attributes.default({}),
  events: z.array(Event, { error: "expected a list of events" }).default([]),
  calls: z.array(Call, { error: "expected a list of calls" }).default([]),
  http: HttpStep.optional(),
});
export type Operation = z.output<typeof Operation>;

const Service = strict({
  /** The generator's own service: its name comes from OTEL_SERVICE_NAME when that is set. */
  self: z.boolean({ error: "expected true or false" }).default(false),
  resource: z
    .record(z.string().min(1), Scalar, { error: "expected a mapping of resource attributes" })
    .default({}),
  operations: z
    .record(z.string().min(1), Operation, { error: "expected a mapping of operation names to operations" })
    .refine((ops) => Object.keys(ops).length > 0, { error: "expected at least one operation" }),
});

export const ScenarioSchema = strict({
  name: z.string({ error: "expected a name" }).optional(),
  description: z.string({ error: "expected a description" }).default(""),
  /** Bounds recursive call graphs (an operation may call itself: the blog's nested spans of random depth). */
  maxDepth: z
    .int({ error: "expected a whole number 1..64" })
    .min(1, { error: "expected a whole number 1..64" })
    .max(64, {
      error: "expected a whole number 1..64",
    })
    .default(12),
  entrypoints: z
    .array(
      strict({
        operation: Ref,
        weight: z
          .number({ error: "expected a weight > 0" })
          .positive({ error: "expected a weight > 0" })
          .default(1),
      }),
      { error: "expected a list of entrypoints" },
    )
    .min(1, { error: "expected at least one entrypoint" }),
  services: z
    .record(
      z.string().regex(/^[^:\s]+$/, { error: "expected a service name without spaces or colons" }),
      Service,
      {
        error: "expected a mapping of service names to services",
      },
    )
    .refine((services) => Object.keys(services).length > 0, { error: "expected at least one service" }),
});
export type ScenarioInput = z.output<typeof ScenarioSchema>;
