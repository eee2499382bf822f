// The client's queries against the real Jaeger run in scripts/suites/local/*.test.ts (there is a Jaeger
// binary there); here: argument checking.
import { describe, expect, it } from "vitest";
import { createJaegerClient } from "./jaeger-client.ts";

describe("createJaegerClient", () => {
  it("names the bad URL", () => {
    expect(() => createJaegerClient("localhost 16686")).toThrow(
      'Jaeger URL "localhost 16686" is not a URL; expected e.g. http://127.0.0.1:16686',
    );
  });

  it("reports an unreachable Jaeger as an error naming the request", async () => {
    // Port 9 (discard) is closed on loopback here: the fetch fails fast.
    const client = createJaegerClient("http://127.0.0.1:9", { requestTimeoutMs: 2000 });
    await expect(client.services()).rejects.toThrow();
  });
});
