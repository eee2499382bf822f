// Test support for the app's tests: the app with a quiet, deterministic configuration (no upstream, no
// injected latency or failures, a small body limit), and what a test overrides. In-process only
// (app.request(), no socket, no instrumentation).
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
