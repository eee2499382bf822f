// Official release binaries, downloaded into the project's cache and used only when their published SHA-256
// matches: a mismatch is refused and nothing is kept. OTEL_E2R_RELEASE_MIRROR (e.g. http://127.0.0.1:8080)
// serves the same paths under <mirror>/<host>/<path>: for a caching proxy, and for the tests' loopback
// server.
import { createHash } from "node:crypto";
import { chmodSync, createWriteStream, mkdirSync, renameSync, rmSync } from "node:fs";
import { dirname } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import { Failure, exitCodes } from "../lib/exit-codes.ts";

export interface Release {
  /** What it is, in messages ("kind 0.33.0"). */
  readonly name: string;
  readonly url: string;
  readonly checksumUrl: string;
}

export function mirrored(url: string): string {
  const mirror = process.env.OTEL_E2R_RELEASE_MIRROR ?? "";
  if (mirror === "") return url;
  const parsed = new URL(url);
  return `${mirror.replace(/\/$/, "")}/${parsed.host}${parsed.pathname}`;
}

type Platform = { os: "linux" | "darwin"; arch: "amd64" | "arm64" };

export function releasePlatform(): Platform | undefined {
  const os = process.platform === "linux" || process.platform === "darwin" ? process.platform : undefined;
  const arch = process.arch === "x64" ? "amd64" : process.arch === "arm64" ? "arm64" : undefined;
  return os && arch ? { os, arch } : undefined;
}

/** kind's release asset and its `<sha256>  <file>` checksum file. */
export function kindRelease(version: string, { os, arch }: Platform): Release {
  const url = mirrored(
    `https://github.com/kubernetes-sigs/kind/releases/download/v${version}/kind-${os}-${arch}`,
  );
  return { name: `kind ${version}`, url, checksumUrl: `${url}.sha256sum` };
}

/** kubectl from dl.k8s.io and its bare-hash `.sha256` file. */
export function kubectlRelease(version: string, { os, arch }: Platform): Release {
  const url = mirrored(`https://dl.k8s.io/release/v${version}/bin/${os}/${arch}/kubectl`);
  return { name: `kubectl ${version}`, url, checksumUrl: `${url}.sha256` };
}

/** The first 64-hex word of a checksum file (both formats). */
export function parseChecksum(text: string): string | undefined {
  return /^\s*([0-9a-f]{64})\b/i.exec(text)?.[1]?.toLowerCase();
}

/** Why the release host cannot be reached, or undefined when it answers (any HTTP status). */
export async function unreachable(release: Release, timeoutMs = 8000): Promise<string | undefined> {
  try {
    await fetch(release.checksumUrl, { method: "HEAD", signal: AbortSignal.timeout(timeoutMs) });
    return undefined;
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    return `${new URL(release.url).host}: ${cause?.code ?? cause?.message ?? (error as Error).message}`;
  }
}

async function fetchOk(url: string, timeoutMs: number): Promise<Response> {
  const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  if (!response.ok || response.body === null) throw new Error(`${url} answered HTTP ${response.status}`);
  return response;
}

/** Downloads the release to `target` (mode 0755) if its SHA-256 is the published one; else nothing stays. */
export async function downloadVerified(release: Release, target: string): Promise<void> {
  const expected = parseChecksum(await (await fetchOk(release.checksumUrl, 30_000)).text());
  if (expected === undefined) throw new Error(`${release.checksumUrl} holds no SHA-256`);
  mkdirSync(dirname(target), { recursive: true });
  const partial = `${target}.download.${process.pid}`;
  const hash = createHash("sha256");
  try {
    const response = await fetchOk(release.url, 15 * 60_000);
    const body = Readable.fromWeb(response.body as WebReadableStream<Uint8Array>);
    body.on("data", (chunk: Buffer) => hash.update(chunk));
    await pipeline(body, createWriteStream(partial, { mode: 0o600 }));
    const actual = hash.digest("hex");
    if (actual !== expected)
      throw new Failure(
        `${release.name} from ${release.url} does not match its published checksum (expected sha256 ${expected}, got ${actual}); it was deleted. A proxy or mirror may be serving something else: check it, then run this again.`,
        exitCodes.checksumMismatch,
      );
    chmodSync(partial, 0o755);
    renameSync(partial, target);
  } finally {
    rmSync(partial, { force: true });
  }
}
