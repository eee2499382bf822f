// What a running `make local` tells `make local-verify`: where the run's CA, certificates and credentials
// are, which auth mode it runs and which ports it uses. Written to the state folder (0600) while the topology runs, removed when it stops.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import type { LocalPipeline } from "./pipeline.ts";
import { AUTH_MODES } from "../lib/auth-modes.ts";
import { Failure, exitCodes } from "../lib/exit-codes.ts";
import { STATE_DIR, stateFiles } from "../lib/state.ts";

const sessionInfoSchema = z.object({
  pid: z.number().int(),
  base: z.number().int(),
  jaegerUrl: z.string(),
  gatewayAddress: z.string(),
  caCertFile: z.string(),
  clientCaCertFile: z.string(),
  clientCaKeyFile: z.string(),
  clientCertFile: z.string(),
  clientKeyFile: z.string(),
  usernameFile: z.string(),
  passwordFile: z.string(),
  auth: z.enum(AUTH_MODES),
});
export type SessionInfo = z.infer<typeof sessionInfoSchema>;

export function sessionInfo(pipeline: LocalPipeline): SessionInfo {
  return {
    pid: process.pid,
    base: pipeline.plan.base,
    jaegerUrl: pipeline.jaegerUrl,
    gatewayAddress: pipeline.gatewayAddress,
    caCertFile: pipeline.session.files.caCert,
    clientCaCertFile: pipeline.session.files.clientCaCert,
    clientCaKeyFile: pipeline.session.files.clientCaKey,
    clientCertFile: pipeline.session.files.clientCert,
    clientKeyFile: pipeline.session.files.clientKey,
    usernameFile: pipeline.session.files.username,
    passwordFile: pipeline.session.files.password,
    auth: pipeline.auth,
  };
}

/** Is a process with this pid still running? (signal 0 checks without sending anything) */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The running topology's session, or an error saying to start `make local` first. */
export function readSessionInfo(stateDir = STATE_DIR): SessionInfo {
  const file = join(stateDir, stateFiles.localSession);
  const notRunning = `the local topology is not running (no live ${file}); start it with \`make local\` in another terminal`;
  if (!existsSync(file)) throw new Failure(notRunning, exitCodes.notReady);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, "utf8"));
  } catch {
    json = undefined;
  }
  const parsed = sessionInfoSchema.safeParse(json);
  if (!parsed.success)
    throw new Failure(
      `${file} is not a local-topology session file; restart \`make local\``,
      exitCodes.notReady,
    );
  if (!alive(parsed.data.pid)) throw new Failure(notRunning, exitCodes.notReady);
  return parsed.data;
}
