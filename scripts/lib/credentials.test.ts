import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync, chmodSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inspect } from "node:util";
import { encrypt } from "unixcrypt";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  SHA_CRYPT_ROUNDS,
  PASSWORD_BYTES,
  credentials,
  generateCredentials,
  htpasswdLine,
  htpasswdVerifies,
} from "./credentials.ts";
import { writePrivateFile, stateFiles, ensureCredentials } from "./state.ts";

const mode = (path: string) => statSync(path).mode & 0o777;

/** Shannon entropy in bits per byte of `bytes`. */
function entropyPerByte(bytes: Buffer): number {
  const counts = new Array<number>(256).fill(0);
  for (const byte of bytes) counts[byte]! += 1;
  return -counts
    .filter((count) => count > 0)
    .reduce((sum, count) => sum + (count / bytes.length) * Math.log2(count / bytes.length), 0);
}

describe("generated credentials", () => {
  it("carry at least 128 bits of randomness in the password", () => {
    const { password } = generateCredentials();
    expect(Buffer.from(password, "base64url")).toHaveLength(PASSWORD_BYTES);
    expect(PASSWORD_BYTES * 8).toBeGreaterThanOrEqual(128);
    expect(password).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it("never repeat and look uniformly random", () => {
    const samples = Array.from({ length: 500 }, () => generateCredentials());
    expect(new Set(samples.map((c) => c.password)).size).toBe(samples.length);
    expect(new Set(samples.map((c) => c.username)).size).toBe(samples.length);
    const pooled = Buffer.concat(samples.map((c) => Buffer.from(c.password, "base64url")));
    // 16 000 uniform bytes give ~7.99 bits/byte; a biased or repeating generator falls well short.
    expect(entropyPerByte(pooled)).toBeGreaterThan(7.95);
  });

  it("name their edge in the username, before a suffix that keeps a rotation's two usernames apart", () => {
    expect(generateCredentials().username).toMatch(/^edge-[0-9a-f]{12}$/);
    expect(generateCredentials("store-b").username).toMatch(/^store-b-[0-9a-f]{12}$/);
    for (const bad of ["Store", "store_b", "-b", "b-", "a--b", ""])
      expect(() => generateCredentials(bad), bad).toThrow(
        `edge name ${JSON.stringify(bad)} is not lowercase`,
      );
  });

  it("hide the password from console.log, inspect and JSON", () => {
    const creds = generateCredentials();
    expect(inspect(creds)).not.toContain(creds.password);
    expect(JSON.stringify(creds)).not.toContain(creds.password);
    expect(`${JSON.stringify({ creds })}`).toContain(creds.username);
    expect(Object.keys(creds)).toEqual(["username"]);
    expect(creds.password).toHaveLength(43);
  });

  it("reject unusable values without echoing the password", () => {
    expect(() => credentials("a:b", "short pass")).toThrow(/username "a:b"[\s\S]*16-72 bytes/);
    const error = (() => {
      try {
        credentials("ok", "this-is-a-long-but-bad:password");
      } catch (e) {
        return e as Error;
      }
      return new Error("expected a throw");
    })();
    expect(error.message).toMatch(/password must be/);
    expect(error.message).not.toContain("bad:password");
  });
});

describe("htpasswd", () => {
  const creds = generateCredentials();
  const line = htpasswdLine(creds);

  it("is a SHA-256-crypt line the collector's go-htpasswd accepts ($5$, the minimum rounds, a 16-character salt)", () => {
    const [user, hash] = line.split(":");
    expect(user).toBe(creds.username);
    expect(hash).toMatch(
      new RegExp(`^\\$5\\$rounds=${SHA_CRYPT_ROUNDS}\\$[./A-Za-z0-9]{16}\\$[./A-Za-z0-9]{43}$`),
    );
    expect(line).not.toContain(creds.password);
  });

  it("hashes as the SHA-crypt specification's own test vector says (what go-htpasswd computes)", () => {
    // Ulrich Drepper's "Unix crypt using SHA-256 and SHA-512", test vector 2.
    expect(encrypt("Hello world!", "$5$rounds=10000$saltstringsaltstring")).toBe(
      "$5$rounds=10000$saltstringsaltst$3xv.VbSHBb41AL9AvLeujZkZRBAwqFMz2.opqey6IcA",
    );
  });

  it("verifies the generated password and nothing else", () => {
    // Another user's line first, hashed at run time: the file is searched by user name.
    const other = `other:${encrypt("another password", "$5$rounds=1000$othersalt")}`;
    expect(htpasswdVerifies(`${other}\n${line}\n`, creds)).toBe(true);
    expect(htpasswdVerifies(line, credentials(creds.username, `${creds.password}x`))).toBe(false);
    expect(htpasswdVerifies(line, credentials("someone-else", creds.password))).toBe(false);
  });

  it("counts only its own format, so that make up writes an older release's line anew", () => {
    // Lines for the same password in other formats, made at run time: an older release's bcrypt-shaped
    // line, and SHA-crypt with other rounds. Neither is what htpasswdLine writes.
    const bcryptShaped = `${creds.username}:${["", "2y", "10", "x".repeat(53)].join("$")}`;
    const otherRounds = `${creds.username}:${encrypt(creds.password, "$5$rounds=5000$othersalt")}`;
    expect(htpasswdVerifies(bcryptShaped, creds)).toBe(false);
    expect(htpasswdVerifies(otherRounds, creds)).toBe(false);
  });
});

describe("the state folder", () => {
  let root: string;
  let dir: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), "otel-e2r-credentials-"));
    dir = join(root, "state");
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it("gets a 0700 folder and 0600 files that verify together", () => {
    const result = ensureCredentials({ stateDir: dir });
    expect(result.outcome).toBe("generated");
    expect(mode(dir)).toBe(0o700);
    for (const name of [stateFiles.username, stateFiles.password, stateFiles.htpasswd])
      expect(mode(join(dir, name)), name).toBe(0o600);
    expect(readFileSync(join(dir, stateFiles.password), "utf8")).toBe(result.credentials.password);
    expect(htpasswdVerifies(readFileSync(join(dir, stateFiles.htpasswd), "utf8"), result.credentials)).toBe(
      true,
    );
    // No temporary files are left behind.
    expect(readdirSync(dir).sort()).toEqual(
      [stateFiles.htpasswd, stateFiles.password, stateFiles.username].sort(),
    );
  });

  it("reuses what exists on a second run, writing nothing", () => {
    const first = ensureCredentials({ stateDir: dir });
    const before = Object.values(first.files).map((file) => statSync(file).mtimeMs);
    const second = ensureCredentials({ stateDir: dir });
    expect(second.outcome).toBe("reused");
    expect(second.credentials.password).toBe(first.credentials.password);
    expect(second.htpasswd).toBe(first.htpasswd);
    expect(Object.values(second.files).map((file) => statSync(file).mtimeMs)).toEqual(before);
  });

  it("regenerates only when asked", () => {
    const first = ensureCredentials({ stateDir: dir });
    const rotated = ensureCredentials({ stateDir: dir, regenerate: true });
    expect(rotated.outcome).toBe("generated");
    expect(rotated.credentials.password).not.toBe(first.credentials.password);
    expect(htpasswdVerifies(rotated.htpasswd, first.credentials)).toBe(false);
    expect(htpasswdVerifies(rotated.htpasswd, rotated.credentials)).toBe(true);
  });

  it("rewrites an htpasswd that no longer matches, keeping the password", () => {
    const first = ensureCredentials({ stateDir: dir });
    writeFileSync(join(dir, stateFiles.htpasswd), htpasswdLine(generateCredentials()));
    const again = ensureCredentials({ stateDir: dir });
    expect(again.outcome).toBe("rehashed");
    expect(again.credentials.password).toBe(first.credentials.password);
    expect(htpasswdVerifies(readFileSync(join(dir, stateFiles.htpasswd), "utf8"), first.credentials)).toBe(
      true,
    );
  });

  it("tightens loose permissions on an existing folder and files", () => {
    ensureCredentials({ stateDir: dir });
    chmodSync(dir, 0o755);
    chmodSync(join(dir, stateFiles.password), 0o644);
    ensureCredentials({ stateDir: dir });
    expect(mode(dir)).toBe(0o700);
    expect(mode(join(dir, stateFiles.password))).toBe(0o600);
  });

  it("names the files, not their contents, when they hold garbage", () => {
    ensureCredentials({ stateDir: dir });
    writeFileSync(join(dir, stateFiles.password), "tiny");
    expect(() => ensureCredentials({ stateDir: dir })).toThrow(
      new RegExp(`${stateFiles.password} hold unusable credentials.*regenerate-credentials`),
    );
  });

  it("refuses a state path that is a file", () => {
    writePrivateFile(root, "state", "not a folder");
    expect(() => ensureCredentials({ stateDir: dir })).toThrow(/exists but is not a directory/);
  });
});
