// The inventory client against a real local HTTP server standing in for the upstream instance.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ServiceFailure } from "./errors.ts";
import { reserveInventory } from "./upstream.ts";

const received: unknown[] = [];
const routes: Record<string, (req: IncomingMessage, res: ServerResponse, body: string) => void> = {
  "/ok": (_req, res, body) => {
    received.push(JSON.parse(body));
    res.setHeader("content-type", "application/json").end(JSON.stringify({ reservationId: "up-7" }));
  },
  "/409": (_req, res) => {
    res.statusCode = 409;
    res.end(JSON.stringify({ error: "out_of_stock", message: "out of stock: SKU-1" }));
  },
  "/not-json": (_req, res) => res.end("hello"),
};
const server = createServer((req, res) => {
  let body = "";
  req.on("data", (chunk: Buffer) => (body += chunk.toString()));
  req.on("end", () => routes[req.url ?? ""]?.(req, res, body));
});
let base = "";
beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

const reservation = { orderId: "ord-1001", items: [{ sku: "SKU-1", quantity: 2, unitPrice: 9.5 }] };
const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => expect.unreachable("expected a ServiceFailure"),
    (error: unknown) => error as ServiceFailure,
  );

describe("reserveInventory", () => {
  it("reserves locally without an upstream", async () => {
    expect(await reserveInventory({ upstreamUrl: undefined, upstreamTimeoutMs: 100 }, reservation)).toEqual({
      reservationId: "local-1001",
    });
  });

  it("posts only order id, SKUs and quantities, and returns the upstream's reservation id", async () => {
    const result = await reserveInventory(
      { upstreamUrl: `${base}/ok`, upstreamTimeoutMs: 2000 },
      reservation,
    );
    expect(result).toEqual({ reservationId: "up-7" });
    expect(received.at(-1)).toEqual({ orderId: "ord-1001", items: [{ sku: "SKU-1", quantity: 2 }] });
  });

  it("turns an upstream's refusal into a 502 upstream_failed with its message", async () => {
    const error = await failure(
      reserveInventory({ upstreamUrl: `${base}/409`, upstreamTimeoutMs: 2000 }, reservation),
    );
    expect(error).toBeInstanceOf(ServiceFailure);
    expect(error).toMatchObject({ name: "UpstreamError", errorCode: "upstream_failed", status: 502 });
    expect(error.message).toBe(`upstream ${base}/409 answered 409: out of stock: SKU-1`);
    const notJson = await failure(
      reserveInventory({ upstreamUrl: `${base}/not-json`, upstreamTimeoutMs: 2000 }, reservation),
    );
    expect(notJson.message).toBe(`upstream ${base}/not-json answered 200`);
  });

  it("turns no answer (refused, or past the timeout) into a 502 upstream_unreachable", async () => {
    const refused = await failure(
      reserveInventory({ upstreamUrl: "http://127.0.0.1:9/reserve", upstreamTimeoutMs: 2000 }, reservation),
    );
    expect(refused).toMatchObject({ errorCode: "upstream_unreachable", status: 502 });
    expect(refused.cause).toBeInstanceOf(Error);
    // "/silent" has no handler: the request is never answered.
    const late = await failure(
      reserveInventory({ upstreamUrl: `${base}/silent`, upstreamTimeoutMs: 50 }, reservation),
    );
    expect(late.errorCode).toBe("upstream_unreachable");
  });
});
