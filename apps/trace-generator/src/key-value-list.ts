// "k1=v1,k2=v2" lists, the OpenTelemetry format of OTEL_EXPORTER_OTLP_HEADERS and OTEL_RESOURCE_ATTRIBUTES
// (W3C-baggage-like, values percent-encoded), which --attribute and --otlp-header accept too.
import { z } from "zod";

export type Entries = readonly (readonly [string, string])[];

/** An HTTP token (RFC 9110): what a gRPC metadata key and an attribute name may be. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** Each bad item is its own issue, so one list reports all of its mistakes at once. Empty items are skipped. */
export const keyValueList: z.ZodType<Entries> = z.string().transform((text, ctx) => {
  const entries: [string, string][] = [];
  for (const raw of text.split(",")) {
    const item = raw.trim();
    if (item === "") continue;
    const eq = item.indexOf("=");
    const key = eq < 0 ? "" : item.slice(0, eq).trim();
    const rawValue = eq < 0 ? "" : item.slice(eq + 1).trim();
    if (eq <= 0 || !TOKEN.test(key) || rawValue === "") {
      ctx.addIssue({
        code: "custom",
        message: `expected key=value pairs separated by commas, got "${item}"`,
      });
      continue;
    }
    try {
      entries.push([key, decodeURIComponent(rawValue)]);
    } catch {
      ctx.addIssue({
        code: "custom",
        message: `"${key}" has a malformed percent-encoded value "${rawValue}"`,
      });
    }
  }
  return entries;
});
