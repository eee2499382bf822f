// Basic-auth credentials for the edge → remote hop and the private state folder they live in. The
// password is random (256 bits), the remote side only ever sees its bcrypt hash (htpasswd), and nothing
// here prints or logs a secret: messages name files, never their contents.
import { randomBytes } from "node:crypto";
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { inspect } from "node:util";
import bcrypt from "bcryptjs";
import { STATE_DIR, stateFiles } from "./topology.ts";

/** Bytes of randomness in a generated password (256 bits; the issue asks for at least 128). */
export const PASSWORD_BYTES = 32;
/** Bytes of randomness in a generated username's suffix; it is not a secret, only unguessable. */
const USERNAME_SUFFIX_BYTES = 6;
/**
 * bcrypt cost. The collector's basicauth extension checks the hash on every export RPC, so each step
 * up doubles the gateway's CPU per batch; 10 is bcrypt's long-standing default and the issue's floor.
 */
export const BCRYPT_COST = 10;

export interface Credentials {
  readonly username: string;
  readonly password: string;
}

const REDACTED = "<redacted>";

/** Credentials whose password stays hidden from console.log, util.inspect and JSON.stringify. */
export function credentials(username: string, password: string): Credentials {
  const problems: string[] = [];
  if (!/^[A-Za-z0-9._-]{1,64}$/.test(username))
    problems.push(`username ${JSON.stringify(username)} is not 1-64 characters of A-Z a-z 0-9 . _ -`);
  // Length only: describing the bad password would leak it.
  if (Buffer.byteLength(password) < 16 || Buffer.byteLength(password) > 72 || /[\s:]/.test(password))
    problems.push("the password must be 16-72 bytes (bcrypt's limit) without whitespace or ':'");
  if (problems.length > 0) throw new Error(`invalid credentials:\n  - ${problems.join("\n  - ")}`);
  const shown = { username, password: REDACTED };
  return Object.freeze(
    Object.defineProperties(
      { username, password },
      {
        password: { value: password, enumerable: false },
        toJSON: { value: () => shown, enumerable: false },
        [inspect.custom]: { value: () => shown, enumerable: false },
      },
    ),
  );
}

/** Fresh random credentials: a 256-bit base64url password and an unguessable username. */
/** The HTTP Authorization header value for basic auth (RFC 7617), as a client sends it. */
export function basicAuthHeader(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`, "utf8").toString("base64")}`;
}

export function generateCredentials(): Credentials {
  return credentials(
    `edge-${randomBytes(USERNAME_SUFFIX_BYTES).toString("hex")}`,
    randomBytes(PASSWORD_BYTES).toString("base64url"),
  );
}

/**
 * One htpasswd line `user:$2y$…`. The collector's basicauth reads htpasswd with go-htpasswd, which only
 * recognises the `$2y$`/`$2a$` bcrypt prefixes, while bcryptjs writes `$2b$`; the algorithm is identical.
 */
export function htpasswdLine(creds: Credentials, cost = BCRYPT_COST): string {
  if (!Number.isInteger(cost) || cost < 10 || cost > 15)
    throw new Error(`bcrypt cost ${cost} is out of range; expected a whole number from 10 to 15`);
  const salt = bcrypt.genSaltSync(cost).replace(/^\$2b\$/, "$2y$");
  return `${creds.username}:${bcrypt.hashSync(creds.password, salt)}`;
}

/** True when `htpasswd` (one or more lines) has a line for `creds.username` whose hash matches. */
export function htpasswdVerifies(htpasswd: string, creds: Credentials): boolean {
  return htpasswd
    .split("\n")
    .map((line) => line.trim())
    .some((line) => {
      const colon = line.indexOf(":");
      return (
        colon > 0 &&
        line.slice(0, colon) === creds.username &&
        bcrypt.compareSync(creds.password, line.slice(colon + 1))
      );
    });
}

// ---- the private state folder -------------------------------------------------------------------

/** Creates the state folder (0700) if needed and tightens it if it exists with looser permissions. */
export function ensurePrivateDir(dir = STATE_DIR): string {
  if (existsSync(dir) && !lstatSync(dir).isDirectory())
    throw new Error(`the state folder ${dir} exists but is not a directory; move it away and run again`);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
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

export interface EnsureCredentialsOptions {
  stateDir?: string;
  /** Make new credentials even when valid ones exist (the explicit rotation target). */
  regenerate?: boolean;
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
    creds = generateCredentials();
    // No trailing newline: the edge collector's username_file/password_file are read verbatim.
    writePrivateFile(dir, stateFiles.username, creds.username);
    writePrivateFile(dir, stateFiles.password, creds.password);
    outcome = "generated";
  }
  const htpasswd = `${htpasswdLine(creds)}\n`;
  writePrivateFile(dir, stateFiles.htpasswd, htpasswd);
  return Object.freeze({ credentials: creds, htpasswd, outcome, files });
}
