import { describe, expect, it } from "vitest";
import { pollUntil } from "./poll.ts";

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
