// The client's queries against the real Jaeger run in scripts/suites/local/*.test.ts (there is a Jaeger
// binary there); here: argument checking.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { createJaegerClient } from "./jaeger-client.ts";
import { freePort } from "./ports.ts";

describe("createJaegerClient", () => {
  it("names the bad URL", () => {
    expect(() => createJaegerClient("localhost 16686")).toThrow(
      'Jaeger URL "localhost 16686" is not a URL; expected e.g. http://127.0.0.1:16686',
    );
  });

  it("reports an unreachable Jaeger as an error naming the request", async () => {
    // A port nobody listens on: the connection is refused at once. (Not a well-known closed port such as 9:
    // fetch refuses those itself, "bad port", before any connection.)
    const port = await freePort();
    const client = createJaegerClient(`http://127.0.0.1:${port}`, { requestTimeoutMs: 2000 });
    await expect(client.services()).rejects.toThrow(
      `GET http://127.0.0.1:${port}/api/services failed: ECONNREFUSED`,
    );
  });

  it("reports a Jaeger that does not answer in time as an error naming the request and the wait", async () => {
    const silent = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = silent.address() as AddressInfo;
      const client = createJaegerClient(`http://127.0.0.1:${port}`, { requestTimeoutMs: 100 });
      await expect(client.getTrace("abc")).rejects.toThrow(
        `GET http://127.0.0.1:${port}/api/traces/abc failed: no answer within 100 ms`,
      );
    } finally {
      silent.closeAllConnections();
      silent.close();
    }
  });
});
