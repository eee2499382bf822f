// Step 6e of the real-cluster suite: the gateway's limits before authentication, on the real NodePort.
// A client without credentials floods it from this machine (through the kind port mapping, so from the
// Docker network's gateway address) with calls whose bodies never end, while a pod in the edge cluster
// sends steady load through the edge collector, whose calls come from the edge node's address. The
// Service keeps the clients' addresses (externalTrafficPolicy: Local), so the flood meets the per-source
// bound on its own and the edge loses nothing.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { expect, it } from "vitest";
import { stateFiles } from "../../../lib/state.ts";
import { gateway } from "../../../lib/topology.ts";
import { expectedOutcome, flood, FLOOD_SHAPE, observedLimits } from "../../../testing/gateway-flood.ts";
import { MINUTES, type SuiteContext } from "../context.ts";
import { SUITE_STATE_DIR } from "../harness.ts";
import { noSpanLost } from "./resilience.ts";

/** The step's checks, on their own so that they can run against clusters that are already up. */
export function gatewayLimitsHold(context: SuiteContext): Promise<void> {
  return noSpanLost(
    context,
    {
      name: "gateway-flood",
      rate: 20,
      duration: "30s",
      flowingMs: 5_000,
      figure: "gateway flooded without credentials under load",
    },
    async () => {
      const target = {
        host: "localhost",
        port: gateway.hostPort,
        ca: readFileSync(join(SUITE_STATE_DIR, stateFiles.caCert)),
        servername: "localhost",
      };
      // The held calls stay open for a while of the load: the edge must get through beside them.
      const outcome = await flood(target, FLOOD_SHAPE, () => delay(10_000));
      expect(observedLimits(outcome)).toEqual(expectedOutcome());
      return { held: outcome.held, "429": outcome.tooMany };
    },
  );
}

export function gatewayLimitsStep(context: SuiteContext): void {
  it(
    "6e. a flood without credentials meets the gateway's limits before authentication (calls in flight per source, streams, headers) while the edge's load arrives in full",
    () => gatewayLimitsHold(context),
    10 * MINUTES,
  );
}
