// The pipeline's own span counters, read from Prometheus, where the collectors and Jaeger push them (the
// benchmark sets their push interval to 1 s): what Jaeger stored, and what any hop refused or failed to
// send. A trial reads them before and after its load; the differences are its figures.
import type { PrometheusClient } from "../lib/prometheus-client.ts";
import { EDGE_COLLECTOR_JOB } from "../lib/pipeline-health.ts";

export interface SpanCounters {
  /** Spans Jaeger's storage exporter wrote to its store. */
  readonly stored: number;
  /** Spans the edge's receivers accepted (the load and the probes). */
  readonly edgeAccepted: number;
  /** Spans refused by any receiver (edge, remote, Jaeger): memory limiter, bad credentials, limits. */
  readonly refused: number;
  /** Spans an exporter gave up on or could not queue (edge, remote, Jaeger). */
  readonly failed: number;
}

export const COUNTER_QUERIES = Object.freeze({
  stored: 'sum(otelcol_exporter_sent_spans_total{job="jaeger"})',
  edgeAccepted: `sum(otelcol_receiver_accepted_spans_total{job="${EDGE_COLLECTOR_JOB}"})`,
  refused: "sum(otelcol_receiver_refused_spans_total)",
  // Two queries: "a + b" is empty while one side has no series yet.
  sendFailed: "sum(otelcol_exporter_send_failed_spans_total)",
  enqueueFailed: "sum(otelcol_exporter_enqueue_failed_spans_total)",
});

/** The counters now; a series nobody has reported yet counts 0. */
export async function readCounters(prometheus: PrometheusClient): Promise<SpanCounters> {
  const value = async (expr: string) => (await prometheus.query(expr))[0]?.value ?? 0;
  const [stored, edgeAccepted, refused, sendFailed, enqueueFailed] = await Promise.all(
    [
      COUNTER_QUERIES.stored,
      COUNTER_QUERIES.edgeAccepted,
      COUNTER_QUERIES.refused,
      COUNTER_QUERIES.sendFailed,
      COUNTER_QUERIES.enqueueFailed,
    ].map(value),
  );
  return Object.freeze({
    stored: stored!,
    edgeAccepted: edgeAccepted!,
    refused: refused!,
    failed: sendFailed! + enqueueFailed!,
  });
}

export function difference(after: SpanCounters, before: SpanCounters): SpanCounters {
  return Object.freeze({
    stored: after.stored - before.stored,
    edgeAccepted: after.edgeAccepted - before.edgeAccepted,
    refused: after.refused - before.refused,
    failed: after.failed - before.failed,
  });
}
