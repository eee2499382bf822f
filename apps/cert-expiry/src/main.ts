#!/usr/bin/env node
// cert-expiry: every interval, read the watched certificate files and POST how long each has left as OTLP
// JSON. The smallest honest stand-in for the contrib tlscheck receiver, which the Go module proxy does
// not serve for the pinned collector (docs/architecture.md, "Pipeline health"). It reads files, not
// handshakes, so it also sees a client certificate that no server ever presents.
// Exit codes: 0 after SIGTERM/SIGINT, 2 invalid flags or environment (all reported at once).
import { createServer } from "node:http";
import { readLifetimes } from "./certificates.ts";
import { parseConfig, USAGE, type Config } from "./config.ts";
import { exportRequest } from "./otlp-json.ts";

const log = (line: string): void => {
  process.stderr.write(`${new Date().toISOString()} cert-expiry: ${line}\n`);
};

/** One report; a failure is logged and the next interval tries again (the files or the receiver may be back). */
export async function reportOnce(config: Config, now = new Date()): Promise<string | undefined> {
  const { lifetimes, problems } = await readLifetimes(config.files);
  for (const problem of problems) log(`cannot read ${problem}`);
  const body = JSON.stringify(exportRequest(lifetimes, problems.length, config.resource, now));
  try {
    const response = await fetch(config.url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
      signal: AbortSignal.timeout(10_000),
    });
    if (!response.ok)
      return `${config.url.href} answered ${response.status}: ${(await response.text()).slice(0, 200)}`;
  } catch (error) {
    return `${config.url.href}: ${(error as Error).message}`;
  }
  return undefined;
}

async function main(): Promise<number> {
  const parsed = parseConfig(process.argv.slice(2), process.env);
  if (parsed.kind === "help") {
    process.stdout.write(USAGE);
    return 0;
  }
  if (parsed.kind === "invalid") {
    process.stderr.write(
      `cert-expiry: ${parsed.problems.length} problem(s) with the settings:\n` +
        parsed.problems.map((p) => `  - ${p}`).join("\n") +
        `\n${USAGE}`,
    );
    return 2;
  }
  const { config } = parsed;
  log(
    `watching ${config.files.map((f) => `${f.role}=${f.path}`).join(" ")}; reporting to ${config.url.href} every ${config.intervalMs / 1000}s`,
  );
  const stop = new AbortController();
  for (const signal of ["SIGTERM", "SIGINT"] as const) process.on(signal, () => stop.abort());
  // Healthy while the loop turns: a report that fails (the receiver is down) is not this process's fault,
  // and in a sidecar an unready container would take its collector's pod out of service.
  let lastTick = Date.now();
  const health =
    config.healthPort === undefined
      ? undefined
      : createServer((request, response) => {
          const alive = Date.now() - lastTick < 3 * config.intervalMs + 15_000;
          response.writeHead(request.url === "/healthz" ? (alive ? 200 : 503) : 404).end();
        })
          // A port in use or not allowed is a setting to fix, not a crash.
          .on("error", (error) => {
            log(`cannot serve --health-port ${config.healthPort}: ${error.message}`);
            process.exit(2);
          })
          .listen(config.healthPort);
  let failing = false;
  while (!stop.signal.aborted) {
    lastTick = Date.now();
    const problem = await reportOnce(config);
    // One line when reporting starts failing and one when it recovers, not one per interval.
    if (problem !== undefined && !failing) log(`report failed (retrying every interval): ${problem}`);
    if (problem === undefined && failing) log("reporting again");
    failing = problem !== undefined;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, config.intervalMs);
      stop.signal.addEventListener("abort", () => (clearTimeout(timer), resolve()), { once: true });
    });
  }
  health?.close();
  return 0;
}

if (import.meta.main)
  main().then(
    (code) => (process.exitCode = code),
    (error: unknown) => {
      log(`internal error: ${(error as Error).stack ?? String(error)}`);
      process.exitCode = 1;
    },
  );
