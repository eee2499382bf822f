import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { jsonBody } from "./json-body.ts";

const echo = new Hono().post("/", async (c) => c.json(await jsonBody(c, z.strictObject({ a: z.number() }))));
const post = (body: string, type = "application/json") =>
  echo.request("/", { method: "POST", headers: { "content-type": type }, body });

describe("jsonBody", () => {
  it("returns the parsed body; any JSON media type will do", async () => {
    expect(await (await post('{"a":1}')).json()).toEqual({ a: 1 });
    expect(await (await post('{"a":2}', "application/vnd.api+json; charset=utf-8")).json()).toEqual({ a: 2 });
  });

  it("answers 415 for another media type, naming it", async () => {
    const res = await post('{"a":1}', "text/plain");
    expect(res.status).toBe(415);
    expect(await res.json()).toEqual({
      error: "unsupported_media_type",
      message: 'content-type "text/plain"; expected application/json',
    });
  });

  it("answers 400 invalid_json for broken syntax", async () => {
    const res = await post("{");
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: "invalid_json" });
  });

  it("answers 400 invalid_body listing each problem by path, (body) for the whole body", async () => {
    const wrongField = (await (await post('{"a":"x","b":1}')).json()) as { problems: { path: string }[] };
    expect(wrongField.problems.map((p) => p.path)).toEqual(["a", "(body)"]);
    const res = await post("5");
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: "invalid_body", problems: [{ path: "(body)" }] });
  });
});
