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
  /** Podman answers as `docker`: kind's Podman provider is not supported by this project. */
  podmanUnsupported: 18,
  /** Set-up: a Docker engine must be installed or started here, which needs root. */
  needsRoot: 20,
  /** Set-up: apt-get could not install a package the set-up needs (no mirror reachable, or it failed). */
  aptFailed: 21,
  /** Too little free disk: for the offline build, or on the edge node for a full persistent queue. */
  notEnoughDisk: 22,
  /** Set-up: Go is needed (to build a tool from modules) and is not installed. */
  goMissing: 23,
  /** Set-up: the installed Go is older than the builds need. */
  goTooOld: 24,
  /** Set-up: a downloaded release binary did not match its published checksum; nothing was kept. */
  checksumMismatch: 25,
  /** The state folder is on a filesystem that ignores file modes (WSL's /mnt/c): keys would be world-readable. */
  stateDirNotPrivate: 26,
  /** Interrupted (Ctrl-C; a SIGTERM exits 143): what was half-done is removed; a re-run continues. */
  interrupted: 130,
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
