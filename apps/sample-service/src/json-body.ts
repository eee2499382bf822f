// Reading a request's JSON body against a zod schema: every way it can be wrong (content type, syntax,
// shape) is a 4xx with a JSON explanation, and a shape error lists every problem with its path.
import type { Context } from "hono";
import type { z } from "zod";
import { badRequest } from "./errors.ts";

const problemsOf = (error: z.ZodError) =>
  error.issues.map((issue) => ({ path: issue.path.join(".") || "(body)", message: issue.message }));

export async function jsonBody<T>(c: Context, schema: z.ZodType<T>): Promise<T> {
  const type = c.req.header("content-type") ?? "";
  if (!/^application\/([a-z.+-]*\+)?json\b/i.test(type))
    throw badRequest(
      415,
      "unsupported_media_type",
      `content-type ${JSON.stringify(type)}; expected application/json`,
    );
  let body: unknown;
  try {
    body = await c.req.json();
  } catch (error) {
    throw badRequest(400, "invalid_json", `the body is not valid JSON: ${(error as Error).message}`);
  }
  const result = schema.safeParse(body);
  if (!result.success)
    throw badRequest(400, "invalid_body", "the body does not match the expected shape", {
      problems: problemsOf(result.error),
    });
  return result.data;
}
