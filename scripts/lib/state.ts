// The state folder's one owner: where it is, what is in it, and every read and write of it. Generated at
// `make up` (CA, gateway certificate and key, basic-auth credentials, htpasswd), git-ignored, the folder
// 0700 and every file 0600, nothing ever printed. Missing or broken state is a user-facing "run make up
// first", not a stack trace.
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import {
  credentials,
  generateCredentials,
  htpasswdLine,
  htpasswdVerifies,
  type Credentials,
} from "./credentials.ts";
import { parseAuthMode, DEFAULT_AUTH_MODE, type AuthMode } from "./auth-modes.ts";
import { Failure, exitCodes } from "./exit-codes.ts";
import { REPO_ROOT } from "./topology.ts";

/** Generated CA, certificates and credentials live here (git-ignored, files 0600, never printed). */
export const STATE_DIR = process.env.OTEL_E2R_STATE_DIR ?? `${REPO_ROOT}.state`;

/** Files in STATE_DIR (all 0600). */
export const stateFiles = Object.freeze({
  caCert: "ca.crt",
  caKey: "ca.key",
  serverCert: "gateway.crt",
  serverKey: "gateway.key",
  /** The remote collector's own server certificate (AUTH=mtls|both), which the gateway never holds. */
  collectorCert: "remote-collector.crt",
  collectorKey: "remote-collector.key",
  /** The edge's client certificate and key (AUTH=mtls|both), issued by the client CA below. */
  clientCert: "edge-client.crt",
  clientKey: "edge-client.key",
  /** The issuing CA for client certificates (signed by the CA): the remote collector trusts only it. */
  clientCaCert: "client-ca.crt",
  clientCaKey: "client-ca.key",
  /** During `make rotate WHAT=ca|client` only: the CA being replaced, still trusted until the last phase. */
  previousCaCert: "ca.previous.crt",
  previousClientCaCert: "client-ca.previous.crt",
  /** What each side trusts: the current CA, plus the previous one during a rotation. */
  caBundle: "ca-bundle.crt",
  clientCaBundle: "client-ca-bundle.crt",
  /** The auth mode `make up` last deployed (AUTH=basic|mtls|both), so that re-runs keep it. */
  authMode: "auth-mode",
  /** How many edge clusters `make up` last deployed (EDGES=n), so that re-runs keep them. */
  edgeCount: "edge-count",
  /** A folder per edge after the first (edges/edge-2/…): its credential and client certificate (fleet.ts). */
  edgesDir: "edges",
  /** In an edge's folder: `make revoke` refused it (when, as text); the remote no longer accepts it. */
  revoked: "revoked",
  username: "username",
  password: "password",
  htpasswd: "htpasswd",
  /** Written by a running `make local` for `make local-verify`, removed when it stops. */
  localSession: "local-session.json",
});

/**
 * Creates the state folder (0700) if needed and tightens it if it exists with looser permissions. A folder
 * that stays open after chmod is on a filesystem that ignores modes (WSL's /mnt/c, some network shares):
 * nothing secret is written there.
 */
export function ensurePrivateDir(dir = STATE_DIR): string {
  if (existsSync(dir) && !lstatSync(dir).isDirectory())
    throw new Error(`the state folder ${dir} exists but is not a directory; move it away and run again`);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  const mode = statSync(dir).mode & 0o777;
  if (mode !== 0o700)
    throw new Failure(
      `the state folder ${dir} is on a filesystem that ignores file permissions (after chmod 700 it is ${mode.toString(8)}), so the keys and credentials written there would be readable by every user. On Windows, clone the project inside WSL's own filesystem (for example ~/otel-edge-to-remote), not under /mnt/c; or set OTEL_E2R_STATE_DIR to a folder on a Linux filesystem.`,
      exitCodes.stateDirNotPrivate,
    );
  return dir;
}

/** Writes a file readable by its owner only (0600), atomically: a crash never leaves half a key. */
export function writePrivateFile(dir: string, name: string, content: string): string {
  ensurePrivateDir(dir);
  const path = join(dir, name);
  const temporary = join(dir, `.${name}.${process.pid}.tmp`);
  try {
    writeFileSync(temporary, content, { mode: 0o600, flag: "wx" });
    chmodSync(temporary, 0o600);
    renameSync(temporary, path);
  } finally {
    rmSync(temporary, { force: true });
  }
  return path;
}

/** Reads a state file, tightening its mode to 0600 on the way; undefined when it does not exist. */
export function readPrivateFile(dir: string, name: string): string | undefined {
  const path = join(dir, name);
  if (!existsSync(path)) return undefined;
  chmodSync(path, 0o600);
  return readFileSync(path, "utf8");
}

/** Removes the state folder, refusing one that holds anything bootstrap did not put there. */
export function purgeStateDir(dir: string): boolean {
  if (!existsSync(dir)) return false;
  const ours = new Set<string>(Object.values(stateFiles));
  const foreign = readdirSync(dir).filter((name) => !ours.has(name) && !/^\..*\.tmp$/.test(name));
  if (foreign.length > 0)
    throw new Failure(
      `refusing to delete ${dir}: it holds files bootstrap did not create (${foreign.join(", ")}); remove them yourself`,
      exitCodes.notReady,
    );
  rmSync(dir, { recursive: true, force: true });
  return true;
}

export interface EnsureCredentialsOptions {
  stateDir?: string;
  /** Make new credentials even when valid ones exist (the explicit rotation target). */
  regenerate?: boolean;
  /** The edge whose credential this is: new usernames start with its name (default: the first edge). */
  edge?: string;
}

export interface EnsuredCredentials {
  readonly credentials: Credentials;
  /** The htpasswd file's content (one line), as the remote Secret carries it. */
  readonly htpasswd: string;
  /** What happened: "reused" (nothing written), "rehashed" (htpasswd rewritten), "generated". */
  readonly outcome: "reused" | "rehashed" | "generated";
  readonly files: Readonly<{ username: string; password: string; htpasswd: string }>;
}

/**
 * The credentials in the state folder: reused when present (so re-running bootstrap changes nothing),
 * generated when missing or when `regenerate` is set. An htpasswd that no longer matches is rewritten.
 */
export function ensureCredentials(options: EnsureCredentialsOptions = {}): EnsuredCredentials {
  const dir = ensurePrivateDir(options.stateDir ?? STATE_DIR);
  const files = Object.freeze({
    username: join(dir, stateFiles.username),
    password: join(dir, stateFiles.password),
    htpasswd: join(dir, stateFiles.htpasswd),
  });
  const username = options.regenerate ? undefined : readPrivateFile(dir, stateFiles.username)?.trim();
  const password = options.regenerate ? undefined : readPrivateFile(dir, stateFiles.password)?.trim();

  let creds: Credentials;
  let outcome: EnsuredCredentials["outcome"];
  if (username !== undefined && password !== undefined) {
    try {
      creds = credentials(username, password);
    } catch (error) {
      throw new Error(
        `${files.username} / ${files.password} hold unusable credentials (${(error as Error).message.replace(/\n\s*/g, " ")}); run the regenerate-credentials target to replace them`,
        // credentials() never puts the password in its message, so the cause is safe to keep.
        { cause: error },
      );
    }
    const existing = readPrivateFile(dir, stateFiles.htpasswd);
    if (existing !== undefined && htpasswdVerifies(existing, creds))
      return Object.freeze({ credentials: creds, htpasswd: existing, outcome: "reused", files });
    outcome = "rehashed";
  } else {
    creds = generateCredentials(options.edge);
    // No trailing newline: the edge collector's username_file/password_file are read verbatim.
    writePrivateFile(dir, stateFiles.username, creds.username);
    writePrivateFile(dir, stateFiles.password, creds.password);
    outcome = "generated";
  }
  const htpasswd = `${htpasswdLine(creds)}\n`;
  writePrivateFile(dir, stateFiles.htpasswd, htpasswd);
  return Object.freeze({ credentials: creds, htpasswd, outcome, files });
}

/**
 * The auth mode to deploy: AUTH when given (then remembered), else the one the state folder remembers,
 * else the default. A bad AUTH, or a hand-edited state file, is a usage error naming the value.
 */
export function chooseAuthMode(
  requested: string | undefined,
  stateDir = STATE_DIR,
): { readonly mode: AuthMode; readonly from: "AUTH" | "state folder" | "default" } {
  if (requested !== undefined && requested.trim() !== "")
    return { mode: parseAuthMode(requested), from: "AUTH" };
  const stored = readPrivateFile(stateDir, stateFiles.authMode);
  if (stored === undefined) return { mode: DEFAULT_AUTH_MODE, from: "default" };
  return { mode: parseAuthMode(stored, join(stateDir, stateFiles.authMode)), from: "state folder" };
}

/** The auth mode the state folder remembers (the default when it remembers none). */
export const deployedAuthMode = (stateDir = STATE_DIR): AuthMode => chooseAuthMode(undefined, stateDir).mode;

export function rememberAuthMode(mode: AuthMode, stateDir = STATE_DIR): void {
  writePrivateFile(stateDir, stateFiles.authMode, `${mode}\n`);
}

export interface ClientState {
  readonly caCertPem: string;
  readonly caCertFile: string;
  readonly credentials: Credentials;
  /** The edge's client certificate and key, when `make up` has made them. */
  readonly clientCertPem?: string;
  readonly clientKeyPem?: string;
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
  // The bundle (the CA, and mid-rotation the previous one) is what a client should trust; a state folder
  // from before bundles existed has only the CA.
  const trust = existsSync(join(stateDir, stateFiles.caBundle)) ? stateFiles.caBundle : stateFiles.caCert;
  try {
    return Object.freeze({
      caCertPem: readPrivateFile(stateDir, trust)!,
      caCertFile: join(stateDir, trust),
      credentials: credentials(
        readPrivateFile(stateDir, stateFiles.username)!.trim(),
        readPrivateFile(stateDir, stateFiles.password)!.trim(),
      ),
      clientCertPem: readPrivateFile(stateDir, stateFiles.clientCert),
      clientKeyPem: readPrivateFile(stateDir, stateFiles.clientKey),
    });
  } catch (error) {
    // A hand-edited or truncated file: say which folder and how to recover, without a stack trace.
    throw new Failure(
      `the state folder ${stateDir} is not usable (${(error as Error).message}); \`make regenerate-credentials\` writes new credentials`,
      exitCodes.notReady,
    );
  }
}
