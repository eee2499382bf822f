// `make local-verify`: make verify's checks (scripts/local/verify.ts) against the topology a `make local` in
// another terminal is running. Prints a pass/fail table; exit 0 only if every row passes.
import { runWithoutOptions, stepFailure } from "../cli/command.ts";
import { say } from "../cli/ui.ts";
import { exitCodes } from "../lib/exit-codes.ts";
import { readSessionInfo } from "../local/session-file.ts";
import { localGatewayTarget, verifyLocal } from "../local/verify.ts";
import { formatRows } from "../verify/pipeline-checks.ts";

async function main(): Promise<void> {
  const info = readSessionInfo();
  const started = performance.now();
  const rows = await verifyLocal({ jaegerUrl: info.jaegerUrl, gateway: localGatewayTarget(info) });
  const failed = rows.filter((row) => !row.ok).length;
  say(`${formatRows(rows)}\n`);
  say(
    `${failed === 0 ? "all" : `${failed} of`} ${rows.length} checks ${failed === 0 ? "passed" : "FAILED"} in ${((performance.now() - started) / 1000).toFixed(1)}s (AUTH=${info.auth}, Jaeger ${info.jaegerUrl}, gateway ${info.gatewayAddress})`,
  );
  process.exitCode = failed === 0 ? exitCodes.ok : exitCodes.verifyFailed;
}

if (import.meta.main)
  runWithoutOptions(
    "local-verify",
    "Runs make verify's checks against the running make local (in a second terminal).",
    () => main().catch(stepFailure),
  );
