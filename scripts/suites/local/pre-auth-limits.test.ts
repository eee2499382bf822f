// The gateway's limits before authentication (manifests/remote/gateway/limits.yaml and traefik.yaml),
// in the real Traefik with the real collectors: a client without credentials floods the gateway from
// its own loopback address with calls whose bodies never end. The gateway lets 32 calls of that source
// through and answers the rest with 429; it announces 32 streams per connection and 16 KiB of headers
// per call; and all the while the edge's traffic, from another address, arrives in full.
import { describe, expect, it } from "vitest";
import { spansOfRun } from "../../lib/jaeger-client.ts";
import { pollUntil } from "../../lib/poll.ts";
import {
  expectedOutcome,
  flood,
  FLOOD_SHAPE,
  observedLimits,
  type FloodTarget,
} from "../../testing/gateway-flood.ts";
import { figures, runGenerator, useLocalPipeline } from "./helpers.ts";

describe("the gateway's limits before authentication hold under a flood", () => {
  const local = useLocalPipeline(14, { sampleService: false });
  const target = (): FloodTarget => ({
    host: "localhost",
    port: local.pipeline.plan.gateway,
    ca: Buffer.from(local.pipeline.session.caPem),
    servername: "localhost",
    // The whole of 127/8 is loopback on Linux: the flood's address is not the edge collector's.
    localAddress: "127.0.0.2",
  });

  it("lets 32 unfinished calls of one source through, refuses the rest with 429, bounds streams and headers, and the edge's spans all arrive", async () => {
    const runId = `pre-auth-${Date.now()}`;
    const generator = runGenerator(local, {
      scenario: "blog",
      rate: 20,
      runId,
      args: ["--duration", "15s", "--seed", "7", "--stats-interval", "5s"],
    });
    const outcome = await flood(target(), FLOOD_SHAPE, async () => {
      await generator;
    });
    const summary = await generator;
    const found = await pollUntil(
      "every span of the edge's run in Jaeger",
      async () => {
        const count = await spansOfRun(local.pipeline.jaeger, "blog-generator", runId);
        return count >= summary.spans ? count : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 2000 },
    );
    figures("gateway flood (local)", {
      held: outcome.held,
      "429": outcome.tooMany,
      other: JSON.stringify(outcome.other),
      "max header list": String(outcome.maxHeaderListSize),
      "edge spans sent": summary.spans,
      "in Jaeger": found,
    });
    expect(observedLimits(outcome)).toEqual(expectedOutcome());
    expect([summary.dropped, found]).toEqual([0, summary.spans]);
  }, 120_000);
});
