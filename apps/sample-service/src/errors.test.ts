import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { badRequest, handleError, notFound, ServiceFailure } from "./errors.ts";

const app = new Hono()
  .get("/bad", () => {
    throw badRequest(422, "too_odd", "odd input", { hint: 1 });
  })
  .get("/upstream", () => {
    throw new ServiceFailure("UpstreamError", "upstream_failed", 502, "upstream answered 500");
  })
  .get("/bug", () => {
    throw new TypeError("undefined is not a function");
  })
  .notFound(notFound)
  .onError(handleError);

describe("error mapping", () => {
  it("answers bad input with the response it carries", async () => {
    const res = await app.request("/bad");
    expect(res.status).toBe(422);
    expect(await res.json()).toEqual({ error: "too_odd", message: "odd input", hint: 1 });
  });

  it("answers a ServiceFailure with its status and code", async () => {
    const res = await app.request("/upstream");
    expect(res.status).toBe(502);
    expect(await res.json()).toEqual({ error: "upstream_failed", message: "upstream answered 500" });
  });

  it("answers anything else as a 500 internal_error with the message", async () => {
    const res = await app.request("/bug");
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({ error: "internal_error", message: "undefined is not a function" });
  });

  it("answers an unknown route with a JSON 404 naming method and path", async () => {
    const res = await app.request("/nope", { method: "PUT" });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: "not_found", message: "no route for PUT /nope" });
  });
});
