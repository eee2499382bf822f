// Is a TCP port free on this machine, and which one is? The one home of these checks: preflight (the
// gateway's host port), `make jaeger`, the local topology's port plan, and the tests that need a port
// nobody else uses.
import { createServer } from "node:net";

/** True when nothing listens on `port` on any of `hosts` (checked by binding it, exclusively). */
export async function portIsFree(
  port: number,
  hosts: readonly string[] = ["0.0.0.0", "127.0.0.1"],
): Promise<boolean> {
  for (const host of hosts) {
    const free = await new Promise<boolean>((resolve) => {
      const server = createServer();
      server.once("error", () => resolve(false));
      server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
    });
    if (!free) return false;
  }
  return true;
}

/** A loopback port that was free a moment ago (the kernel's choice). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
}
