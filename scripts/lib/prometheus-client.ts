// A typed client for the parts of Prometheus's HTTP API the project reads: instant queries, the alerts and
// the metric names. Shared by `make status` (through a port-forward), `make local` and the tests.
//
//   createPrometheusClient(baseUrl, { requestTimeoutMs? }) → PrometheusClient
//     .query(expr)        GET /api/v1/query?query=…           → { labels, value }[] (a vector; a scalar as one)
//     .alerts()           GET /api/v1/alerts                  → { name, state, labels, annotations }[]
//     .metricNames()      GET /api/v1/label/__name__/values   → string[]
//
// Responses are validated with zod; an error answer ("bad_data") throws with Prometheus's own message.
import { z } from "zod";

const sampleSchema = z.tuple([z.number(), z.string()]);
const vectorSchema = z.object({
  resultType: z.enum(["vector", "scalar"]),
  result: z.union([
    z.array(z.object({ metric: z.record(z.string(), z.string()), value: sampleSchema })),
    sampleSchema,
  ]),
});
const alertSchema = z.object({
  labels: z.record(z.string(), z.string()),
  annotations: z.record(z.string(), z.string()),
  state: z.enum(["pending", "firing", "inactive"]),
  value: z.string(),
});
const envelope = <T extends z.ZodType>(data: T) =>
  z.object({ status: z.enum(["success", "error"]), data: data.optional(), error: z.string().optional() });

export interface Sample {
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

export interface Alert {
  readonly name: string;
  readonly state: "pending" | "firing" | "inactive";
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
}

export interface PrometheusClient {
  readonly baseUrl: string;
  query(expr: string): Promise<Sample[]>;
  alerts(): Promise<Alert[]>;
  metricNames(): Promise<string[]>;
}

export function createPrometheusClient(
  baseUrl: string,
  options: { requestTimeoutMs?: number } = {},
): PrometheusClient {
  const timeout = options.requestTimeoutMs ?? 5000;
  async function get<T extends z.ZodType>(path: string, data: T): Promise<z.infer<T>> {
    const response = await fetch(new URL(path, baseUrl), { signal: AbortSignal.timeout(timeout) });
    if (!(response.headers.get("content-type") ?? "").includes("json"))
      throw new Error(`${baseUrl} answered ${response.status} to ${path} with no JSON: is it Prometheus?`);
    const parsed = envelope(data).safeParse(await response.json());
    if (!parsed.success)
      throw new Error(
        `${baseUrl} answered ${path} in an unexpected shape: ${parsed.error.issues[0]?.message}`,
      );
    const body = parsed.data;
    if (body.status === "error" || body.data === undefined)
      throw new Error(`Prometheus answered ${response.status} to ${path}: ${body.error ?? "no data"}`);
    return body.data;
  }
  return Object.freeze({
    baseUrl,
    async query(expr: string) {
      const data = await get(`/api/v1/query?query=${encodeURIComponent(expr)}`, vectorSchema);
      if (data.resultType === "scalar") {
        const [, value] = data.result as [number, string];
        return [{ labels: {}, value: Number(value) }];
      }
      return (data.result as { metric: Record<string, string>; value: [number, string] }[]).map((r) => ({
        labels: r.metric,
        value: Number(r.value[1]),
      }));
    },
    async alerts() {
      const data = await get("/api/v1/alerts", z.object({ alerts: z.array(alertSchema) }));
      return data.alerts.map((a) => ({
        name: a.labels.alertname ?? "",
        state: a.state,
        labels: a.labels,
        annotations: a.annotations,
      }));
    },
    async metricNames() {
      return get("/api/v1/label/__name__/values", z.array(z.string()));
    },
  });
}
