// The middleware: injection through the composed app (it depends on the matched route), the body limit
// and the draining behaviour on their own. (Span naming needs the SDK: main.integration.test.ts checks it.)
import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { limitBody, nameServerSpan } from "./middleware.ts";
import { testApp } from "./test-app.ts";

const app = testApp;

describe("injection", () => {
  it("fails a request on demand with a 500 JSON body", async () => {
    const res = await app().request("/api/orders/ord-1001", { headers: { "x-inject-failure": "true" } });
    expect(res.status).toBe(500);
    expect(await res.json()).toMatchObject({ error: "injected_failure" });
  });

  it("fails at the configured rate, and a request can opt out", async () => {
    const always = app({ injectFailureRate: 0.5 }, () => 0.1);
    expect((await always.request("/api/orders/ord-1001")).status).toBe(500);
    expect((await always.request("/api/orders/ord-1001?injectFailure=false")).status).toBe(200);
    const never = app({ injectFailureRate: 0.5 }, () => 0.9);
    expect((await never.request("/api/orders/ord-1001")).status).toBe(200);
  });

  it("delays a request by env plus requested latency", async () => {
    const started = performance.now();
    const res = await app({ injectLatencyMs: 20 }).request("/api/orders/ord-1001?injectLatencyMs=30");
    expect(res.status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(45);
  });
});

describe("limitBody", () => {
  const limited = new Hono().use(limitBody(10)).post("/", async (c) => c.text(await c.req.text()));

  it("passes a body up to the limit, answers a larger one 413 in JSON", async () => {
    expect(await (await limited.request("/", { method: "POST", body: "0123456789" })).text()).toBe(
      "0123456789",
    );
    const res = await limited.request("/", { method: "POST", body: "0123456789!" });
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual({ error: "body_too_large", message: "the body exceeds 10 bytes" });
  });
});

describe("nameServerSpan", () => {
  it("closes each connection after its response while draining, and only then", async () => {
    let draining = false;
    const served = new Hono().use(nameServerSpan(() => draining)).get("/", (c) => c.text("ok"));
    expect((await served.request("/")).headers.get("connection")).toBeNull();
    draining = true;
    expect((await served.request("/")).headers.get("connection")).toBe("close");
  });
});
