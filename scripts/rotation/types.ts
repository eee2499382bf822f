// What a rotation needs from where it runs: the clusters' Secrets and rollouts, or the local topology's
// files and processes (scripts/clusters/rollout.ts, scripts/local/rollout.ts), and probes of the running
// gateway (probes.ts).
import type { Credentials } from "../lib/credentials.ts";
import type { RotationKind } from "./kinds.ts";

export interface Rollout {
  /** Makes the folder's current files the ones `side` reads (Secrets; locally the files themselves). */
  publish(side: "edge" | "remote"): Promise<void>;
  /** Restarts a collector that reads a file only at start (rolling in the clusters). */
  restart(side: "edge" | "remote"): Promise<void>;
  /** Resolves when the edge collector can see these state files' current content. */
  edgeSees(names: readonly string[]): Promise<void>;
}

/** Observations of the running gateway a phase waits for (probes.ts). */
export interface RotationProbes {
  /**
   * The serial number a fresh TLS handshake is served, for each server the mode uses: the gateway's
   * listener, and in AUTH=mtls|both the remote collector's receiver behind the passthrough.
   */
  servedSerials(): Promise<Partial<Record<"gateway" | "collector", string>>>;
  /** Does the remote accept a fresh client presenting this certificate? undefined: the mode sends none. */
  clientAccepted(pair: { certPem: string; keyPem: string }): Promise<boolean | undefined>;
  /** Does the remote accept these credentials? undefined: the mode checks none. */
  credentialsAccepted(creds: Credentials): Promise<boolean | undefined>;
}

export interface RotationContext {
  readonly dir: string;
  /**
   * How long a collector may keep a certificate it loaded before it re-reads the file (the configs'
   * `reload_interval: 10s`); a phase that retires an issuer waits this long after the new files are seen.
   */
  readonly reloadIntervalMs?: number;
  readonly rollout: Rollout;
  readonly probes: RotationProbes;
  readonly note: (line: string) => void;
  /** Polls until `check` is true or fails with `what` (scripts/lib/poll.ts). */
  readonly until: (what: string, check: () => Promise<boolean>) => Promise<void>;
}

export interface RotationResult {
  readonly kind: RotationKind;
  readonly seconds: number;
  /** How the old credential or certificate was shown to be retired, or why the mode cannot show it. */
  readonly retired: string;
}
