// ESLint flat config: typescript-eslint's type-aware recommended rules; formatting is Prettier's job.
import js from "@eslint/js";
import prettier from "eslint-config-prettier";
import tseslint from "typescript-eslint";

// A workspace package is reached through its name, so its package.json is the only way in: a relative path
// into its src/ resolves that code's imports from the other package's node_modules, so the importer leans
// on dependencies it never declared. The last two patterns catch packages/<name>/src reaching a sibling.
const BY_NAME = {
  group: ["**/packages/*/src", "**/packages/*/src/**", "../../*/src", "../../*/src/**"],
  message: "Import another workspace package by its name (@otel-e2r/…), never by a path into its src/.",
};

/** no-restricted-imports with these patterns and BY_NAME: a later block's options replace an earlier one's. */
function restrictImports(...patterns) {
  return { "no-restricted-imports": ["error", { patterns: [BY_NAME, ...patterns] }] };
}

export default tseslint.config(
  { ignores: ["**/node_modules/", "**/dist/", "coverage/", ".state/", ".cache/", ".logs/"] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": "error",
      "@typescript-eslint/no-floating-promises": "error",
      eqeqeq: ["error", "always"],
      "no-console": "off",
    },
  },
  // The layering, checked (scripts/lint/import-rules.integration.test.ts breaks each rule once): every package is
  // imported by its name; the apps import only the test kit and the PKI, never the scripts; the test kit
  // imports only the PKI; the PKI imports nothing of the project; the ground floor (scripts/lib) imports
  // only itself and packages by name; a command never imports another command.
  { files: ["**/*.ts"], rules: restrictImports() },
  {
    files: ["apps/**/*.ts"],
    rules: restrictImports({
      group: ["@otel-e2r/*", "!@otel-e2r/testkit", "!@otel-e2r/pki", "**/scripts/**"],
      message: "The apps may import only @otel-e2r/testkit and @otel-e2r/pki, never the scripts.",
    }),
  },
  {
    files: ["packages/testkit/**/*.ts"],
    rules: restrictImports({
      group: ["**/scripts/**", "**/apps/**", "@otel-e2r/*", "!@otel-e2r/pki"],
      message: "The test kit imports only @otel-e2r/pki of the project: neither the scripts nor the apps.",
    }),
  },
  {
    files: ["packages/pki/**/*.ts"],
    rules: restrictImports({
      group: ["**/scripts/**", "**/apps/**", "**/testkit/**", "@otel-e2r/*"],
      message: "The PKI stands alone: it imports neither the scripts, the apps nor the test kit.",
    }),
  },
  {
    files: ["scripts/lib/**/*.ts"],
    // An allow-list: a parent path is whatever folder grows next, so any of them is refused.
    rules: restrictImports({
      group: ["../*", "../**"],
      message:
        "scripts/lib is the ground floor: it imports only scripts/lib and packages by name (@otel-e2r/…).",
    }),
  },
  {
    files: ["scripts/commands/**/*.ts"],
    ignores: ["scripts/commands/**/*.test.ts"],
    rules: restrictImports({
      group: ["./*", "../commands/*"],
      message: "A command never imports another command: move what they share into a concept module.",
    }),
  },
  // Sizes (CONTRIBUTING.md): a file over 300 lines holds more than one concept, and a function over 80 more
  // than one step. A test file's describe callback is a list of cases, not a step, so tests keep only the
  // file limit.
  {
    files: ["**/*.ts"],
    rules: { "max-lines": ["error", { max: 300 }] },
  },
  {
    files: ["**/*.ts"],
    ignores: ["**/*.test.ts"],
    rules: {
      "max-lines-per-function": ["error", { max: 80, skipBlankLines: true, skipComments: true }],
    },
  },
  { files: ["**/*.js"], ...tseslint.configs.disableTypeChecked },
  prettier,
);
