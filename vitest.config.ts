import { defineConfig } from "vitest/config";

// One runner for the whole workspace: tests live beside the code they test (*.test.ts). Three tiers, named
// for what they cost (`make test` runs them in this order; scripts/commands/test.ts):
//   unit      seconds, no Go-built binaries: apps, packages and scripts, files side by side
//   offline   the real collector, Jaeger, Traefik and Prometheus without Docker: the contract tests of the
//             manifests and the local end-to-end suites
//   clusters  the real-cluster suite: one file, its steps in order, minutes each
const OFFLINE = [
  "scripts/contract/**/*.test.ts",
  "scripts/suites/local/**/*.test.ts",
  "scripts/gobuild/**/*.test.ts",
];
const CLUSTERS = "scripts/suites/clusters/**/*.test.ts";

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          include: ["apps/*/src/**/*.test.ts", "packages/*/src/**/*.test.ts", "scripts/**/*.test.ts"],
          exclude: ["**/node_modules/**", ...OFFLINE, CLUSTERS],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: "offline",
          include: OFFLINE,
          testTimeout: 60_000,
          hookTimeout: 10 * 60_000,
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
