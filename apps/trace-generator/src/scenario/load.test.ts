import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { builtinScenarios, loadScenario, parseScenario, ScenarioError } from "./load.ts";

const FIXTURES = fileURLToPath(new URL("./fixtures/", import.meta.url));

function problemsOf(file: string): string[] {
  try {
    loadScenario(`invalid/${file}`, FIXTURES);
  } catch (error) {
    if (error instanceof ScenarioError) return [...error.problems];
    throw error;
  }
  throw new Error(`${file} was accepted`);
}

describe("built-in scenarios", () => {
  it("ships shop, blog and sample-service, and each one validates", () => {
    expect(builtinScenarios()).toEqual(expect.arrayContaining(["shop", "blog", "sample-service"]));
    for (const name of builtinScenarios()) expect(loadScenario(name).name).toBe(name);
  });

  it("shop is frontend -> checkout -> payment / inventory -> database", () => {
    const shop = loadScenario("shop");
    const edges = new Set(
      shop.services.flatMap((s) =>
        [...s.operations.values()].flatMap((op) =>
          op.calls.map((c) => `${s.name}->${c.target.service.name}`),
        ),
      ),
    );
    for (const edge of [
      "frontend->checkout",
      "checkout->payment",
      "checkout->inventory",
      "inventory->database",
    ]) {
      expect(edges).toContain(edge);
    }
    expect(shop.hasHttpSteps).toBe(false);
  });

  it("sample-service makes real HTTP calls as the generator itself", () => {
    const scenario = loadScenario("sample-service");
    expect(scenario.hasHttpSteps).toBe(true);
    expect(scenario.services.filter((s) => s.self).map((s) => s.name)).toEqual(["trace-generator"]);
  });
});

describe("a valid file", () => {
  it("gets defaults: server kind unset, 5ms latency, probability 1, name from the file", () => {
    const scenario = loadScenario("valid-minimal.yaml", FIXTURES);
    expect(scenario.name).toBe("valid-minimal");
    const op = scenario.entrypoints[0]?.operation;
    expect(op?.latency).toEqual({ fixed: 5 });
    expect(op?.kind).toBeUndefined();
    expect(scenario.maxDepth).toBe(12);
  });
});

// One fixture per kind of mistake: each message names the file, the key path and what was expected.
describe("invalid files", () => {
  it.each([
    [
      "bad-duration.yaml",
      'bad-duration.yaml: services.checkout.operations.PlaceOrder.latency.p50: expected a duration like "20ms", "1.5s" or "2m", got "fast"',
    ],
    [
      "bare-number-duration.yaml",
      'bare-number-duration.yaml: services.api.operations.get.latency: expected a duration like "20ms", "1.5s" or "2m", or {p50, p99}, or {min, max}, got 20',
    ],
    [
      "unknown-key.yaml",
      'unknown-key.yaml: services.api.operations.get: unknown key "latncy" (expected only: kind, latency, error, attributes, events, calls, http)',
    ],
    [
      "missing-entrypoints.yaml",
      "missing-entrypoints.yaml: entrypoints: expected a list of entrypoints, got nothing",
    ],
    [
      "unknown-reference.yaml",
      'unknown-reference.yaml: services.api.operations.get.calls[0].to: expected a reference "service:operation" that exists (api:get), got "db:query"',
    ],
    [
      "malformed-reference.yaml",
      'malformed-reference.yaml: entrypoints[0].operation: expected a reference "service:operation", got "api get"',
    ],
    [
      "probability-out-of-range.yaml",
      "probability-out-of-range.yaml: services.api.operations.get.error.probability: expected a probability between 0 and 1, got 1.5",
    ],
    [
      "attribute-two-forms.yaml",
      "attribute-two-forms.yaml: services.api.operations.get.attributes.region: expected exactly one of: a value, oneOf, range",
    ],
    [
      "latency-half-percentiles.yaml",
      "latency-half-percentiles.yaml: services.api.operations.get.latency: expected both p50 and p99",
    ],
    [
      "http-with-calls.yaml",
      "http-with-calls.yaml: services.gen.operations.call.calls: expected no calls on an operation with an http step",
    ],
    [
      "bad-http-method.yaml",
      'bad-http-method.yaml: services.gen.operations.call.http.method: expected GET, POST, PUT, PATCH or DELETE, got "FETCH"',
    ],
    [
      // .txt: Prettier (run over the whole repo) cannot format a file that is broken on purpose.
      "not-yaml.txt",
      "not-yaml.txt:4:1: not valid YAML: Flow sequence in block collection must be sufficiently indented",
    ],
    ["wrong-type.yaml", 'wrong-type.yaml: entrypoints: expected a list of entrypoints, got "api:get"'],
  ])("%s", (file, expected) => {
    const problems = problemsOf(file);
    expect(
      problems.some((p) => p.startsWith(`invalid/${expected}`)),
      problems.join("\n"),
    ).toBe(true);
  });

  it("reports every problem in a file at once, schema and references together", () => {
    const problems = problemsOf("many-mistakes.yaml").map((p) =>
      p.replace("invalid/many-mistakes.yaml: ", ""),
    );
    expect(problems).toEqual([
      "maxDepth: expected a whole number 1..64, got 0",
      "entrypoints[0].weight: expected a weight > 0, got -1",
      'services.api.operations.get.kind: expected server, client, internal, producer or consumer, got "serverless"',
      "services.api.operations.get.latency.max: expected max >= min",
      "services.api.operations.get.calls[0].repeat.min: expected a whole number >= 1, got 0",
      "services.api.operations.get.calls[0].repeat.max: expected a whole number >= 1, got 0",
      'entrypoints[0].operation: expected a reference "service:operation" that exists (api:get), got "api:missing"',
    ]);
  });

  it("names a missing file or unknown built-in and lists the built-ins", () => {
    expect(() => loadScenario("no-such-scenario")).toThrow(
      /scenario "no-such-scenario": expected a built-in name \(.*shop.*\) or a readable YAML file/,
    );
  });

  it("quotes keys that are not identifiers in the path", () => {
    const text =
      'entrypoints: [{operation: "web:GET /"}]\nservices: {web: {operations: {"GET /": {latency: slow}}}}\n';
    expect(() => parseScenario(text, "inline.yaml")).toThrow(
      'inline.yaml: services.web.operations["GET /"].latency: expected a duration',
    );
  });
});
