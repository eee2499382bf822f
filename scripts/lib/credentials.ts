// Basic-auth credentials for the edge → remote hop: how they are made, checked and hashed. The password
// is random (256 bits), the remote side only ever sees its SHA-256-crypt hash (htpasswd), and nothing
// here prints or logs a secret. Where they are kept is scripts/lib/state.ts.
import { randomBytes } from "node:crypto";
import { inspect } from "node:util";
import { encrypt, verify } from "unixcrypt";
import { clusters } from "./topology.ts";

/** Bytes of randomness in a generated password (256 bits; the issue asks for at least 128). */
export const PASSWORD_BYTES = 32;
/** Bytes of randomness in a generated username's suffix; it is not a secret, only unguessable. */
const USERNAME_SUFFIX_BYTES = 6;
/**
 * SHA-256-crypt rounds, the format's minimum. The remote collector checks the hash on every export call;
 * bcrypt (cost 10) took 67–85 % of its CPU there. Stretching a hash makes guessing a person's password
 * slow; this password is 256 random bits that nobody chooses, which no number of rounds makes harder to
 * guess (docs/security.md, "Why the htpasswd hash is not bcrypt").
 */
export const SHA_CRYPT_ROUNDS = 1000;
/** Salt characters of the crypt alphabet (16, the format's maximum). */
const SALT_ALPHABET = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

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
    problems.push("the password must be 16-72 bytes without whitespace or ':'");
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

/** The HTTP Authorization header value for basic auth (RFC 7617), as a client sends it. */
export function basicAuthHeader(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`, "utf8").toString("base64")}`;
}

/**
 * Fresh random credentials for one edge: a 256-bit base64url password and the username
 * "<edge>-<12 hex digits>". The remote names the sender by the part before the suffix (its collector's
 * resource/sender); the suffix keeps a rotation's new username apart from the old one it overlaps with.
 */
export function generateCredentials(edge: string = clusters.edge.name): Credentials {
  if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(edge))
    throw new Error(
      `edge name ${JSON.stringify(edge)} is not lowercase letters and digits joined by single '-'`,
    );
  return credentials(
    `${edge}-${randomBytes(USERNAME_SUFFIX_BYTES).toString("hex")}`,
    randomBytes(PASSWORD_BYTES).toString("base64url"),
  );
}

/**
 * One htpasswd line `user:$5$rounds=1000$<salt>$<hash>` (SHA-256-crypt), which the collector's
 * basicauth reads with go-htpasswd.
 */
export function htpasswdLine(creds: Credentials): string {
  const salt = [...randomBytes(16)].map((byte) => SALT_ALPHABET[byte % SALT_ALPHABET.length]).join("");
  return `${creds.username}:${encrypt(creds.password, `$5$rounds=${SHA_CRYPT_ROUNDS}$${salt}`)}`;
}

/**
 * True when `htpasswd` (one or more lines) has a SHA-256-crypt line for `creds.username` whose hash
 * matches. A line in another format (bcrypt, from a state folder of an older release) does not count, so
 * `make up` writes the line anew.
 */
export function htpasswdVerifies(htpasswd: string, creds: Credentials): boolean {
  return htpasswd
    .split("\n")
    .map((line) => line.trim())
    .some((line) => {
      const colon = line.indexOf(":");
      const hash = line.slice(colon + 1);
      return (
        colon > 0 &&
        line.slice(0, colon) === creds.username &&
        hash.startsWith(`$5$rounds=${SHA_CRYPT_ROUNDS}$`) &&
        verify(creds.password, hash)
      );
    });
}
