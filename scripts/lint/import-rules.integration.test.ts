// The layering rules in eslint.config.js, each broken once on purpose: ESLint must report the break, and
// must accept the same file when it keeps to the rule. (A rule that never fires would pass `make lint`
// forever without protecting anything.)
import { rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { ESLint } from "eslint";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../lib/topology.ts";

const eslint = new ESLint({ cwd: REPO_ROOT });
const BY_NAME = "Import another workspace package by its name (@otel-e2r/…), never by a path into its src/.";

/**
 * The no-restricted-imports messages ESLint gives `code` in a file beside `path` (written for the check and
 * removed after: the type-aware parser only lints files its TypeScript project contains).
 */
async function restricted(path: string, code: string): Promise<string[]> {
  const file = join(REPO_ROOT, dirname(path), `import-rule-check-${process.pid}.ts`);
  writeFileSync(file, code);
  try {
    const [result] = await eslint.lintFiles([file]);
    const fatal = (result?.messages ?? []).filter((m) => m.fatal);
    if (fatal.length > 0) throw new Error(fatal.map((m) => m.message).join("\n"));
    return (result?.messages ?? []).filter((m) => m.ruleId === "no-restricted-imports").map((m) => m.message);
  } finally {
    rmSync(file, { force: true });
  }
}

describe("the import rules", () => {
  it.each([
    {
      who: "an app importing the scripts package",
      path: "apps/sample-service/src/violation.ts",
      bad: 'import { clusters } from "@otel-e2r/scripts/lib/topology.ts";\nexport const c = clusters;\n',
      good: 'import { startOtlpReceiver } from "@otel-e2r/testkit/otlp-receiver.ts";\nexport const s = startOtlpReceiver;\n',
      message: "The apps may import only @otel-e2r/testkit and @otel-e2r/pki, never the scripts.",
    },
    {
      who: "an app importing a script by path",
      path: "apps/trace-generator/src/violation.ts",
      bad: 'import { clusters } from "../../../scripts/lib/topology.ts";\nexport const c = clusters;\n',
      good: 'import { parseConfig } from "./config.ts";\nexport const p = parseConfig;\n',
      message: "The apps may import only @otel-e2r/testkit and @otel-e2r/pki, never the scripts.",
    },
    {
      who: "a command importing another command",
      path: "scripts/commands/violation.ts",
      bad: 'import { parsePort } from "./jaeger.ts";\nexport const p = parsePort;\n',
      good: 'import { parseHostPort } from "../cli/values.ts";\nexport const p = parseHostPort;\n',
      message: "A command never imports another command: move what they share into a concept module.",
    },
    {
      who: "the ground floor importing what is built on it",
      path: "scripts/lib/violation.ts",
      bad: 'import { say } from "../cli/ui.ts";\nexport const s = say;\n',
      good: 'import { pollUntil } from "./poll.ts";\nexport const p = pollUntil;\n',
      message:
        "scripts/lib is the ground floor: it imports only scripts/lib and packages by name (@otel-e2r/…).",
    },
    {
      who: "the ground floor importing a folder beside it (an allow-list, not a list of the floors above)",
      path: "scripts/lib/violation.ts",
      bad: 'import type { CheckRow } from "../verify/types.ts";\nexport type R = CheckRow;\n',
      good: 'import { z } from "zod";\nexport const s = z.string();\n',
      message:
        "scripts/lib is the ground floor: it imports only scripts/lib and packages by name (@otel-e2r/…).",
    },
    {
      who: "the test kit importing the scripts",
      path: "packages/testkit/src/violation.ts",
      bad: 'import { clusters } from "../../../scripts/lib/topology.ts";\nexport const c = clusters;\n',
      good: 'import { createCa } from "@otel-e2r/pki/ca.ts";\nexport const c = createCa;\n',
      message: "The test kit imports only @otel-e2r/pki of the project: neither the scripts nor the apps.",
    },
    {
      who: "the PKI importing the test kit",
      path: "packages/pki/src/violation.ts",
      bad: 'import { startOtlpReceiver } from "@otel-e2r/testkit/otlp-receiver.ts";\nexport const s = startOtlpReceiver;\n',
      good: 'import { createCa } from "./ca.ts";\nexport const c = createCa;\n',
      message: "The PKI stands alone: it imports neither the scripts, the apps nor the test kit.",
    },
    {
      who: "a script importing a package by a path into its src/",
      path: "scripts/clusters/violation.ts",
      bad: 'import { createCa } from "../../packages/pki/src/ca.ts";\nexport const c = createCa;\n',
      good: 'import { createCa } from "@otel-e2r/pki/ca.ts";\nexport const c = createCa;\n',
      message: BY_NAME,
    },
    {
      who: "a package importing a sibling package by a path into its src/",
      path: "packages/testkit/src/violation.ts",
      bad: 'import { createCa } from "../../pki/src/ca.ts";\nexport const c = createCa;\n',
      good: 'import { createCa } from "@otel-e2r/pki/ca.ts";\nexport const c = createCa;\n',
      message: BY_NAME,
    },
  ])(
    "reports $who, and accepts the same file keeping to the rule",
    async ({ path, bad, good, message }) => {
      expect(
        (await restricted(path, bad)).map((m) =>
          m.replace(/^'[^']+' import is restricted from being used by a pattern\. /, ""),
        ),
      ).toEqual([message]);
      expect(await restricted(path, good)).toEqual([]);
    },
    60_000,
  );
});
