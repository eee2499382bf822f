// The app's own spans: business steps as active child spans of the request's server span, and errors
// recorded on a span (exception event plus ERROR status) where they happen.
import { SpanStatusCode, trace, type Span } from "@opentelemetry/api";
import { SERVICE_VERSION } from "./version.ts";

const tracer = trace.getTracer("sample-service", SERVICE_VERSION);

export function recordFailure(span: Span | undefined, error: Error): void {
  span?.recordException(error);
  span?.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
}

/** Runs `work` in an active child span that records any thrown error and always ends. */
export async function inSpan<T>(
  name: string,
  attributes: Record<string, string | number | boolean>,
  work: (span: Span) => T | Promise<T>,
): Promise<T> {
  return tracer.startActiveSpan(name, { attributes }, async (span) => {
    try {
      return await work(span);
    } catch (error) {
      recordFailure(span, error as Error);
      throw error;
    } finally {
      span.end();
    }
  });
}
