// The client's queries against the real Jaeger run in scripts/local/e2e/*.test.ts (there is a Jaeger
// binary there); here: argument checking and the polling helper's contract.
import { describe, expect, it } from "vitest";
import { createJaegerClient, pollUntil } from "./jaeger-client.ts";

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

describe("pollUntil", () => {
  it("returns the first defined result", async () => {
    let calls = 0;
    const value = await pollUntil(
      "the third call",
      () => Promise.resolve(++calls === 3 ? "ready" : undefined),
      {
        timeoutMs: 5000,
        intervalMs: 10,
      },
    );
    expect(value).toBe("ready");
    expect(calls).toBe(3);
  });

  it("times out with the description and the probe's last error", async () => {
    await expect(
      pollUntil("Jaeger to list sample-service", () => Promise.reject(new Error("ECONNREFUSED")), {
        timeoutMs: 100,
        intervalMs: 20,
      }),
    ).rejects.toThrow(
      /^timed out after 0\.1s waiting for Jaeger to list sample-service \(last error: ECONNREFUSED\)$/,
    );
  });
});
