import { defineConfig } from "vitest/config";

// One runner for the whole workspace: tests live beside the code they test (*.test.ts). Three tiers, named
// for what they cost (`make test` runs them in this order; scripts/commands/test.ts):
//   unit      seconds, in-process only: apps, packages and scripts, no real binaries and no process started
//   offline   real processes and binaries, no Docker: every *.integration.test.ts (our commands, the apps,
//             ESLint, hack/run under dash and posh), then the real collector, Jaeger, Traefik and
//             Prometheus built from Go modules: the contract tests of the manifests and the local
//             end-to-end suites
//   clusters  the real-cluster suite: one file, its steps in order, minutes each
// The name says the tier: a test file that starts a real process or server (beyond an in-process loopback
// listener) is named *.integration.test.ts, beside the code it tests.
const INTEGRATION = "**/*.integration.test.ts";
const OFFLINE = [
  INTEGRATION,
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
          // Worker threads start faster than forked processes, and no unit test needs a process of its own
          // (process.chdir, signals): those are integration tests.
          pool: "threads",
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: "offline",
          include: OFFLINE,
          // No `exclude` of its own: vitest applies the command line's --exclude only to a project without
          // one, and make test splits this tier with it (scripts/commands/test.ts).
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
