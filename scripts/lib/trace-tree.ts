// A trace from Jaeger's API as a tree for the terminal (`make traces`): every span with its service,
// operation and duration, its HTTP status and error flag, and, wherever the service changes, the resource
// attributes the labs talk about (the edge's Kubernetes metadata and the cluster name). For machines whose
// Jaeger has no UI (built from Go modules), and for anyone who prefers a terminal.
import {
  processTags,
  serviceOf,
  spanTags,
  type JaegerSpan,
  type JaegerTrace,
  type TagValue,
} from "./jaeger-client.ts";

/** Resource attributes shown where a service starts, in this order. */
export const RESOURCE_KEYS = [
  "k8s.cluster.name",
  "k8s.namespace.name",
  "k8s.deployment.name",
  "k8s.pod.name",
  "k8s.node.name",
] as const;

/** Span attributes shown on a span's own line. */
const SPAN_KEYS = ["http.request.method", "http.route", "http.response.status_code", "error"] as const;

export function milliseconds(microseconds: number): string {
  const ms = microseconds / 1000;
  return ms >= 100 ? `${ms.toFixed(0)} ms` : `${ms.toFixed(1)} ms`;
}

const pairs = (tags: Record<string, TagValue>, keys: readonly string[]) =>
  keys
    .filter((key) => tags[key] !== undefined && tags[key] !== null)
    .map((key) => `${key}=${String(tags[key])}`);

function children(trace: JaegerTrace): Map<string | undefined, JaegerSpan[]> {
  const ids = new Set(trace.spans.map((span) => span.spanID));
  const byParent = new Map<string | undefined, JaegerSpan[]>();
  for (const span of trace.spans) {
    const parent = span.references.find((ref) => ref.refType === "CHILD_OF" && ids.has(ref.spanID))?.spanID;
    byParent.set(parent, [...(byParent.get(parent) ?? []), span]);
  }
  for (const list of byParent.values()) list.sort((a, b) => a.startTime - b.startTime);
  return byParent;
}

/** The trace's header line and its span tree. */
export function renderTrace(trace: JaegerTrace): string {
  const byParent = children(trace);
  const services = new Set(trace.spans.map((span) => serviceOf(trace, span)));
  const start = Math.min(...trace.spans.map((s) => s.startTime));
  const end = Math.max(...trace.spans.map((s) => s.startTime + s.duration));
  const lines = [
    `trace ${trace.traceID}  ${trace.spans.length} span${trace.spans.length === 1 ? "" : "s"}, ${services.size} service${services.size === 1 ? "" : "s"}, ${milliseconds(end - start)}, ${new Date(start / 1000).toISOString().replace("T", " ").slice(0, 19)} UTC`,
  ];
  const walk = (span: JaegerSpan, prefix: string, last: boolean, parentService: string | undefined) => {
    const service = serviceOf(trace, span);
    const own = pairs(spanTags(span), SPAN_KEYS);
    lines.push(
      `${prefix}${last ? "└─" : "├─"} ${service}  ${span.operationName}  ${milliseconds(span.duration)}${own.length > 0 ? `  ${own.join(" ")}` : ""}`,
    );
    const inner = `${prefix}${last ? "   " : "│  "}`;
    if (service !== parentService) {
      const resource = pairs(processTags(trace, span), RESOURCE_KEYS);
      if (resource.length > 0) lines.push(`${inner}   ${resource.join(" ")}`);
    }
    const kids = byParent.get(span.spanID) ?? [];
    kids.forEach((kid, i) => walk(kid, inner, i === kids.length - 1, service));
  };
  const roots = byParent.get(undefined) ?? [];
  roots.forEach((root, i) => walk(root, "", i === roots.length - 1, undefined));
  return lines.join("\n");
}
