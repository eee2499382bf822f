// Basic-auth credentials for the edge → remote hop: how they are made, checked and hashed. The password
// is random (256 bits), the remote side only ever sees its bcrypt hash (htpasswd), and nothing here
// prints or logs a secret. Where they are kept is scripts/lib/state.ts.
import { randomBytes } from "node:crypto";
import { inspect } from "node:util";
import bcrypt from "bcryptjs";

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
