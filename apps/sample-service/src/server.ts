// Serving with a graceful stop: on stop(), /readyz turns 503, the listener closes (no new connections),
// idle keep-alive connections are closed, and in-flight requests finish — all within a deadline.
import type { AddressInfo } from "node:net";
import { serve, type ServerType } from "@hono/node-server";
import type { Hono } from "hono";

export interface RunningServer {
  readonly port: number;
  readonly draining: () => boolean;
  /** Resolves true when every in-flight request finished before `timeoutMs`, false if some were cut. */
  stop(timeoutMs: number): Promise<boolean>;
}

export function startServer(
  createApp: (isDraining: () => boolean) => Hono,
  where: { host: string; port: number },
): Promise<RunningServer> {
  let draining = false;
  const app = createApp(() => draining);
  return new Promise((resolve, reject) => {
    const server: ServerType = serve(
      { fetch: app.fetch, hostname: where.host, port: where.port },
      (info: AddressInfo) =>
        resolve({
          port: info.port,
          draining: () => draining,
          stop(timeoutMs) {
            draining = true;
            return new Promise<boolean>((done) => {
              const deadline = setTimeout(() => {
                if ("closeAllConnections" in server) server.closeAllConnections();
                done(false);
              }, timeoutMs);
              server.close(() => {
                clearTimeout(deadline);
                done(true);
              });
              // Keep-alive connections with no request in flight would hold close() open until they time out.
              if ("closeIdleConnections" in server) server.closeIdleConnections();
            });
          },
        }),
    );
    server.once("error", (error: NodeJS.ErrnoException) =>
      reject(new Error(`cannot listen on ${where.host}:${where.port}: ${error.code ?? error.message}`)),
    );
  });
}
