import { describe, expect, it } from "vitest";
import { TEST_CONFIG } from "../test-app.ts";
import { createApp } from "../app.ts";

const app = () => createApp({ config: TEST_CONFIG });

describe("probes", () => {
  it("answers /healthz and /readyz", async () => {
    const res = await app().request("/healthz");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "ok" });
    expect(await (await app().request("/readyz")).json()).toEqual({ status: "ready" });
  });

  it("reports not-ready while draining", async () => {
    const draining = createApp({ config: TEST_CONFIG, isDraining: () => true });
    const res = await draining.request("/readyz");
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ status: "draining" });
  });
});
