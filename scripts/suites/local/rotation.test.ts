// 11. Rotation without loss, on loopback (AUTH=both, so that every kind is observable: the password and the
// client certificate are both checked, and TLS ends at the remote collector as well as at Traefik). For each
// kind, under steady load at a fixed rate: the rotation runs phase by phase (scripts/rotation/rotate.ts, the
// code `make rotate` runs), every span sent reaches Jaeger, the edge collector neither refused nor failed
// an export, and the old credential or certificate is refused afterwards.
import { describe, expect, it } from "vitest";
import { spansOfRun } from "../../lib/jaeger-client.ts";
import { pollUntil } from "../../lib/poll.ts";
import { ROTATION_KINDS, type RotationKind } from "../../rotation/kinds.ts";
import { rotate } from "../../rotation/rotate.ts";
import { rotationProbes } from "../../rotation/probes.ts";
import { localRollout } from "../../local/rollout.ts";
import { figures, runGenerator, scrapeMetrics, spansInJaeger, useLocalPipeline } from "./helpers.ts";

const SERVICE = "blog-generator";
const RATE = 20;
/**
 * Seconds of load per kind: the rotation's own time here (server and credentials under 1 s, client 13 s, ca
 * 26 s) plus the wait for the first spans and a margin. The test checks that the rotation ended while the
 * load still ran, so a slower machine fails loudly instead of rotating after the load.
 */
const LOAD_SECONDS: Readonly<Record<RotationKind, number>> = {
  server: 20,
  credentials: 20,
  client: 30,
  ca: 45,
};

describe("local pipeline (AUTH=both): every rotation under load loses nothing", () => {
  const local = useLocalPipeline(12, { sampleService: false, auth: "both" }, 2000);

  it.each(ROTATION_KINDS.map((kind): [RotationKind] => [kind]))(
    "WHAT=%s",
    async (kind) => {
      const runId = `rotate-${kind}-${Date.now()}`;
      const loadEnds = Date.now() + LOAD_SECONDS[kind] * 1000;
      const generator = runGenerator(local, {
        scenario: "blog",
        rate: RATE,
        runId,
        args: ["--duration", `${LOAD_SECONDS[kind]}s`, "--seed", "77", "--stats-interval", "0"],
      });
      await pollUntil(
        "the run's first spans in Jaeger",
        async () => ((await spansOfRun(local.pipeline.jaeger, SERVICE, runId)) > 0 ? true : undefined),
        { timeoutMs: 30_000 },
      );
      const phases: string[] = [];
      const result = await rotate(kind, {
        dir: local.pipeline.session.dir,
        rollout: localRollout(local.pipeline),
        probes: rotationProbes({
          address: local.pipeline.gatewayAddress,
          mode: "both",
          dir: local.pipeline.session.dir,
        }),
        note: (line) => phases.push(line),
        until: async (what, check) =>
          void (await pollUntil(what, async () => ((await check()) ? true : undefined), {
            timeoutMs: 60_000,
            intervalMs: 500,
          })),
      });
      expect(Date.now(), "the rotation ended while the load still ran").toBeLessThan(loadEnds - 1000);
      const summary = await generator;
      const found = await spansInJaeger(local, { service: SERVICE, runId, expected: summary.spans }, 90_000);
      const edge = await scrapeMetrics(local.pipeline.plan.edgeMetrics);
      figures(`rotation ${kind}`, {
        "spans sent": summary.spans,
        "spans in Jaeger": found,
        "rotation s": result.seconds.toFixed(1),
        "edge refused": edge.get("otelcol_receiver_refused_spans") ?? 0,
        "edge export failed": edge.get("otelcol_exporter_send_failed_spans") ?? 0,
        retired: result.retired,
      });
      console.log(phases.join("\n"));
      expect(summary.dropped, local.output.dump()).toBe(0);
      expect(found, local.output.dump()).toBe(summary.spans);
      // Counted since the edge collector last started (after the rollout when the rotation restarted it).
      expect(edge.get("otelcol_receiver_refused_spans") ?? 0).toBe(0);
      expect(edge.get("otelcol_exporter_send_failed_spans") ?? 0).toBe(0);
      expect(result.retired).toMatch(/refused|no longer served/);
    },
    180_000,
  );
});
