// Every exit code the bootstrap commands use, documented in scripts/commands/README.md. Preflight
// failures each have their own code so CI and the tests can tell them apart; when several preflight
// checks fail at once, all are reported and the exit code is the lowest of theirs.
export const exitCodes = Object.freeze({
  ok: 0,
  /** A step failed after preflight (the message names it; logs are exported to .logs/). */
  stepFailed: 1,
  /** Bad command-line usage: unknown flag, missing or malformed value. */
  usage: 2,
  /** `make verify` ran, and at least one check failed. */
  verifyFailed: 3,
  /** Something the command needs is not there (e.g. the clusters for `make status`, state for `make send`). */
  notReady: 4,
  dockerMissing: 10,
  dockerUnreachable: 11,
  kindMissing: 12,
  kindTooOld: 13,
  kubectlMissing: 14,
  kubectlTooOld: 15,
  portTaken: 16,
  notEnoughMemory: 17,
});

export type ExitCode = (typeof exitCodes)[keyof typeof exitCodes];

/** An expected failure: printed as its message (no stack trace) and exiting with its code. */
export class Failure extends Error {
  readonly exitCode: ExitCode;
  constructor(message: string, exitCode: ExitCode) {
    super(message);
    this.name = "Failure";
    this.exitCode = exitCode;
  }
}
