// Test support for the app's tests: the app with a quiet, deterministic configuration (no upstream, no
// injected latency or failures, a small body limit), and what a test overrides. In-process only
// (app.request(), no socket, no instrumentation); the request helper serves fetch() as well.
import { createApp, type AppConfig } from "./app.ts";

export const TEST_CONFIG: AppConfig = Object.freeze({
  upstreamUrl: undefined,
  upstreamTimeoutMs: 1000,
  injectLatencyMs: 0,
  injectFailureRate: 0,
  maxBodyBytes: 1024,
});

/** The app with TEST_CONFIG and `overrides`; `random` decides injected failures (0.99: never). */
export function testApp(
  overrides: Partial<AppConfig> = {},
  random = () => 0.99,
): ReturnType<typeof createApp> {
  return createApp({ config: { ...TEST_CONFIG, ...overrides }, random });
}

/** A JSON POST; a string body is sent as it is, so that a test can send malformed JSON. */
export const postJson = (body: unknown, headers: Record<string, string> = {}): RequestInit => ({
  method: "POST",
  headers: { "content-type": "application/json", ...headers },
  body: typeof body === "string" ? body : JSON.stringify(body),
});
