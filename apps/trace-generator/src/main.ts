#!/usr/bin/env node
// trace-generator: parse flags and environment, run, print the summary, exit with a meaningful code.
// 0 done (also after SIGTERM/SIGINT), 1 export errors with --fail-on-export-error or an internal error,
// 2 invalid flags, environment or scenario (reported all at once; nothing was sent).
import { writeFileSync } from "node:fs";
import { parseConfig } from "./config.ts";
import { formatDuration } from "./duration.ts";
import { run } from "./runner.ts";

const log = (line: string): void => {
  process.stderr.write(`${new Date().toISOString()} trace-generator: ${line}\n`);
};

async function main(): Promise<number> {
  const parsed = parseConfig(process.argv.slice(2), process.env);
  if (parsed.kind === "exit") {
    process.stdout.write(parsed.output);
    return parsed.code;
  }
  if (parsed.kind === "invalid") {
    const n = parsed.problems.length;
    process.stderr.write(
      `trace-generator: ${n} problem${n > 1 ? "s" : ""} with the settings; nothing was sent:\n` +
        parsed.problems.map((p) => `  - ${p}`).join("\n") +
        "\nRun with --help for every flag and its environment variable.\n",
    );
    return 2;
  }
  const { config } = parsed;
  if (config.check) {
    const s = config.scenario;
    process.stdout.write(
      `ok: scenario ${s.name} (${s.source}), ${s.services.length} services, ${s.entrypoints.length} entrypoints` +
        `${s.hasHttpSteps ? `, HTTP calls to ${config.targetUrl.origin}` : ""}; exporting to ${config.otlp.destination}` +
        ` (${config.otlp.tls ? "TLS" : "plaintext"}); rate ${config.rate === 0 ? "unthrottled" : `${config.rate} ${config.rateUnit}/s`}\n`,
    );
    return 0;
  }

  const stop = new AbortController();
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals): void => {
    signals++;
    if (signals > 1) {
      log(`second ${signal}: exiting now without flushing`);
      process.exit(130);
    }
    log(
      `${signal} received: stopping; flushing for at most ${formatDuration(config.shutdownTimeoutMs)} (send it again to exit at once)`,
    );
    stop.abort();
  };
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);

  const summary = await run({ config, log, signal: stop.signal });
  const json = JSON.stringify(summary);
  process.stdout.write(`${json}\n`);
  if (config.summaryJson !== undefined) {
    try {
      writeFileSync(config.summaryJson, `${json}\n`);
    } catch (error) {
      // The summary is already on stdout; say plainly why the file is missing instead of a stack trace.
      log(`could not write --summary-json ${config.summaryJson}: ${(error as Error).message}`);
      return 1;
    }
  }
  if (config.failOnExportError && (summary.dropped > 0 || summary.failedExports > 0)) {
    log(
      `exiting 1: --fail-on-export-error and ${summary.failedExports} failed exports, ${summary.dropped} dropped spans`,
    );
    return 1;
  }
  return 0;
}

main().then(
  (code) => {
    // gRPC channels and keep-alive sockets may still hold the loop; the summary is out, so leave now.
    process.exitCode = code;
    setTimeout(() => process.exit(code), 100).unref();
  },
  (error: unknown) => {
    process.stderr.write(
      `trace-generator: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  },
);
