import { defineConfig } from "vitest/config";

// One runner for the whole workspace: tests live beside the code they test (*.test.ts). Two projects:
// "unit" (apps, scripts, contract and local end-to-end tests; files run side by side) and "clusters"
// (the real-cluster suite: one file, its steps in order, minutes each).
const CLUSTERS = "scripts/suites/clusters/**/*.test.ts";

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          include: ["apps/*/src/**/*.test.ts", "packages/*/src/**/*.test.ts", "scripts/**/*.test.ts"],
          exclude: ["**/node_modules/**", CLUSTERS],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: "clusters",
          include: [CLUSTERS],
          fileParallelism: false,
          testTimeout: 45 * 60_000,
          hookTimeout: 10 * 60_000,
        },
      },
    ],
  },
});
