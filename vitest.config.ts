import { defineConfig } from "vitest/config";

// One runner for the whole workspace: tests live beside the code they test (*.test.ts).
export default defineConfig({
  test: {
    include: ["apps/*/src/**/*.test.ts", "scripts/**/*.test.ts"],
    exclude: ["**/node_modules/**"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
