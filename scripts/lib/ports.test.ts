import { createServer } from "node:net";
import { describe, expect, it } from "vitest";
import { freePort, portIsFree } from "./ports.ts";

describe("ports", () => {
  it("sees a port as taken while something listens on it, and free after", async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as { port: number }).port;
    expect(await portIsFree(port)).toBe(false);
    await new Promise<void>((resolve) => server.close(() => resolve()));
    expect(await portIsFree(port)).toBe(true);
  });
  it("hands out a port nothing listens on", async () => {
    expect(await portIsFree(await freePort(), ["127.0.0.1"])).toBe(true);
  });
});
