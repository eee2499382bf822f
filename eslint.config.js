// ESLint flat config: typescript-eslint's type-aware recommended rules; formatting is Prettier's job.
import js from "@eslint/js";
import prettier from "eslint-config-prettier";
import tseslint from "typescript-eslint";

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
  // The layering, checked (scripts/lint/import-rules.test.ts breaks each rule once): the apps import only
  // the test kit, never the scripts; the test kit imports neither; the ground floor (scripts/lib) imports
  // nothing above it; a command never imports another command.
  {
    files: ["apps/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["@otel-e2r/scripts", "@otel-e2r/scripts/*", "**/scripts/**"],
              message: "The apps may import only @otel-e2r/testkit, never the scripts.",
            },
          ],
        },
      ],
    },
  },
  {
    files: ["packages/testkit/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["**/scripts/**", "**/apps/**", "@otel-e2r/scripts*"],
              message: "The test kit stands alone: it imports neither the scripts nor the apps.",
            },
          ],
        },
      ],
    },
  },
  {
    files: ["scripts/lib/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: [
                "**/commands/**",
                "**/cli/**",
                "**/clusters/**",
                "**/kube/**",
                "**/local/**",
                "**/suites/**",
                "**/contract/**",
              ],
              message: "scripts/lib is the ground floor: it imports nothing built on it.",
            },
          ],
        },
      ],
    },
  },
  {
    files: ["scripts/commands/**/*.ts"],
    ignores: ["scripts/commands/**/*.test.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["./*", "../commands/*"],
              message: "A command never imports another command: move what they share into a concept module.",
            },
          ],
        },
      ],
    },
  },
  { files: ["**/*.js"], ...tseslint.configs.disableTypeChecked },
  prettier,
);
