// Reading what `make up` left in the state folder, for the commands that need it afterwards (verify,
// send, status). Missing state is a user-facing "run make up first", not a stack trace.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { credentials, readPrivateFile, type Credentials } from "../lib/credentials.ts";
import { STATE_DIR, stateFiles } from "../lib/topology.ts";
import { Failure, exitCodes } from "./exit-codes.ts";

export interface ClientState {
  readonly caCertPem: string;
  readonly caCertFile: string;
  readonly credentials: Credentials;
}

/** The CA certificate and credentials a client of the gateway needs. */
export function readClientState(stateDir = STATE_DIR): ClientState {
  const needed = [stateFiles.caCert, stateFiles.username, stateFiles.password];
  const missing = needed.filter((name) => !existsSync(join(stateDir, name)));
  if (missing.length > 0)
    throw new Failure(
      `the state folder ${stateDir} lacks ${missing.join(", ")}; run \`make up\` first (it generates the CA and the credentials)`,
      exitCodes.notReady,
    );
  try {
    return Object.freeze({
      caCertPem: readPrivateFile(stateDir, stateFiles.caCert)!,
      caCertFile: join(stateDir, stateFiles.caCert),
      credentials: credentials(
        readPrivateFile(stateDir, stateFiles.username)!.trim(),
        readPrivateFile(stateDir, stateFiles.password)!.trim(),
      ),
    });
  } catch (error) {
    // A hand-edited or truncated file: say which folder and how to recover, without a stack trace.
    throw new Failure(
      `the state folder ${stateDir} is not usable (${(error as Error).message}); \`make regenerate-credentials\` writes new credentials`,
      exitCodes.notReady,
    );
  }
}
