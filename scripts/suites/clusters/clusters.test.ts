// The real-cluster suite: the project's make targets against two real kind clusters on this machine's
// Docker engine, in the order a workshop uses them, asserting on what they print and on the clusters'
// state. It needs a Docker engine; where none answers it prints one line and is skipped — except in CI
// (CI=true), where that is a failure, so CI can never go green without the clusters.
//
// Images: whatever `make up` would use here. In CI, .ci/run builds them from source first
// (`make images-offline`) and passes PIN_OVERRIDES; on a machine with a registry they are pulled.
import { afterAll, afterEach, beforeAll, beforeEach, describe } from "vitest";
import { exportDiagnostics } from "../../clusters/diagnostics.ts";
import { MINUTES, createContext } from "./context.ts";
import { projectClusters, make, unavailableBecause } from "./harness.ts";
import { upSteps } from "./steps/bring-up.ts";
import { docsSteps } from "./steps/docs.ts";
import { downSteps } from "./steps/down.ts";
import { offlineArchiveSteps } from "./steps/offline-archive.ts";
import { operateSteps } from "./steps/operate.ts";
import { resilienceSteps } from "./steps/resilience.ts";
import { queueBoundStep } from "./steps/queue-bound.ts";
import { gatewayLimitsStep } from "./steps/gateway-limits.ts";
import { gatewayReachStep } from "./steps/gateway-reach.ts";
import { authModeSteps } from "./steps/auth-modes.ts";
import { identitySteps } from "./steps/identity.ts";
import { fleetSteps } from "./steps/fleet.ts";
import { revokeEdgeSteps } from "./steps/fleet-revoke.ts";
import { monitoringSteps } from "./steps/monitoring.ts";
import { throughputSteps } from "./steps/throughput.ts";
import { upgradeSteps } from "./steps/upgrade.ts";

const unavailable = await unavailableBecause();
const mustRun = process.env.CI === "true";
if (unavailable && !mustRun) console.log(`[clusters] real-cluster suite skipped: ${unavailable}`);

describe.skipIf(unavailable !== undefined && !mustRun)("real clusters: make up, verify, down", () => {
  const context = createContext();

  beforeAll(async () => {
    if (unavailable) throw new Error(`the real-cluster suite must run in CI, but ${unavailable}`);
    const leftovers = await projectClusters().catch(() => []);
    if (leftovers.length > 0 && !mustRun)
      throw new Error(
        `kind clusters ${leftovers.join(", ")} exist; the suite creates its own: \`make down\` first`,
      );
    // In CI the first step is a newcomer's machine: the project's engine stopped and its data deleted, no
    // kind or kubectl at the pins on PATH (the machine's own kubectl is too old), no variables.
    if (mustRun) context.fresh = (await make("down", { PURGE: "1" })).exitCode === 0;
  }, 5 * MINUTES);

  // Each step builds on the one before, so after the first failure the rest would only fail for its
  // reason again. They are skipped, naming it, so that the first failure is the last thing printed (CI
  // shows a log's tail) and the suite still fails.
  beforeEach((test) => {
    if (context.firstFailure) test.skip(`skipped: an earlier step failed (${context.firstFailure})`);
  });

  afterEach(async (test) => {
    if (test.task.result?.state !== "fail") return;
    context.firstFailure ??= test.task.name.split(" ").slice(0, 6).join(" ");
    console.log(`[clusters] diagnostics: ${await exportDiagnostics(2, "(suite)", `suite-${Date.now()}`)}`);
  }, 5 * MINUTES);

  afterAll(async () => {
    await context.jaeger?.forward.stop();
    // Step 7 removes the clusters; when it was skipped, the diagnostics are already in .logs/.
    if (context.firstFailure) await make("down", { PURGE: "1" });
  }, 5 * MINUTES);

  upSteps(context);
  operateSteps(context);
  monitoringSteps();
  identitySteps(context);
  fleetSteps(context);
  revokeEdgeSteps(context);
  resilienceSteps(context);
  queueBoundStep(context);
  gatewayLimitsStep(context);
  gatewayReachStep();
  upgradeSteps(context);
  authModeSteps(context);
  // Late, when the offline tier that `make test` runs alongside has most likely finished: the one step
  // that loads the CPU on purpose.
  throughputSteps();
  offlineArchiveSteps(context);
  downSteps(context);
  docsSteps();
});
