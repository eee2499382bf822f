import { describe, expect, it } from "vitest";
import { createApp, type AppConfig } from "../app.ts";

const config: AppConfig = {
  upstreamUrl: undefined,
  upstreamTimeoutMs: 1000,
  injectLatencyMs: 0,
  injectFailureRate: 0,
  maxBodyBytes: 1024,
};
const app = () => createApp({ config });

describe("probes", () => {
  it("answers /healthz and /readyz", async () => {
    const res = await app().request("/healthz");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "ok" });
    expect(await (await app().request("/readyz")).json()).toEqual({ status: "ready" });
  });

  it("reports not-ready while draining", async () => {
    const draining = createApp({ config, isDraining: () => true });
    const res = await draining.request("/readyz");
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ status: "draining" });
  });
});
