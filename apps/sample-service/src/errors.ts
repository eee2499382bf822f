// How failures become answers. Bad input is an HTTPException carrying its 4xx JSON response; a failure
// the service really has (injected or upstream) is a ServiceFailure: 5xx JSON and the server span in
// ERROR. Anything else is an internal_error 500. Unknown routes get a JSON 404.
import { trace } from "@opentelemetry/api";
import type { Context, ErrorHandler, NotFoundHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { recordFailure } from "./spans.ts";

/** A failure the service really has (injected or upstream), as opposed to bad input: 5xx, span ERROR. */
export class ServiceFailure extends Error {
  override readonly name: string;
  readonly status: 500 | 502;
  /** The JSON body's `error`. (Not `code`: the SDK would record that as exception.type instead of the name.) */
  readonly errorCode: string;
  constructor(name: string, errorCode: string, status: 500 | 502, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = name;
    this.errorCode = errorCode;
    this.status = status;
  }
}

/** Bad input: thrown from anywhere, answered as is (no error span: the service did nothing wrong). */
export function badRequest(status: ContentfulStatusCode, code: string, message: string, extra: object = {}) {
  return new HTTPException(status, {
    res: Response.json({ error: code, message, ...extra }, { status }),
  });
}

export const handleError: ErrorHandler = (error, c) => {
  if (error instanceof HTTPException) return error.getResponse();
  const failure =
    error instanceof ServiceFailure
      ? error
      : new ServiceFailure("UnexpectedError", "internal_error", 500, error.message, { cause: error });
  // The server span (from the http instrumentation) gets the exception too, not only the child span.
  recordFailure(trace.getActiveSpan(), failure);
  return c.json({ error: failure.errorCode, message: failure.message }, failure.status);
};

export const notFound: NotFoundHandler = (c: Context) =>
  c.json({ error: "not_found", message: `no route for ${c.req.method} ${c.req.path}` }, 404);
