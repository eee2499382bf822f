// The Gateway API CRDs `make up` installs: the standard channel of the pinned sigs.k8s.io/gateway-api module,
// fetched as the module's zip from the Go module proxy (no Go needed) and checked against the module hash
// recorded in versions.env, or taken from an IMAGES_ARCHIVE (which carries them, for machines with no network
// at all). Never from a URL without a check. Cached by version.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { unzipSync } from "fflate";
import { execa } from "execa";
import { CACHE_DIR } from "../lib/cache.ts";
import { versions } from "../lib/versions.ts";

const MODULE = "sigs.k8s.io/gateway-api";

/** Where the CRDs of the pinned release are kept once fetched (and where an archive's copy goes). */
export function crdsFile(version = versions().GATEWAY_API_VERSION): string {
  return join(CACHE_DIR, "gateway-api", `v${version}`, "standard-install.yaml");
}

/** The name an image archive stores them under (make images-save). */
export const archiveEntry = (version = versions().GATEWAY_API_VERSION) =>
  `otel-e2r/gateway-api-v${version}-standard-install.yaml`;

/** A module path as the proxy protocol spells it: capitals become "!" + lower case. */
export function escapeModulePath(path: string): string {
  return path.replace(/[A-Z]/g, (c) => `!${c.toLowerCase()}`);
}

/** Go's "h1:" module hash (golang.org/x/mod/sumdb/dirhash Hash1) of a module zip's files. */
export function moduleHash(files: Readonly<Record<string, Uint8Array>>): string {
  const summary = Object.keys(files)
    .filter((name) => !name.endsWith("/"))
    .sort()
    .map((name) => `${createHash("sha256").update(files[name]!).digest("hex")}  ${name}\n`)
    .join("");
  return `h1:${createHash("sha256").update(summary).digest("base64")}`;
}

async function proxyBase(): Promise<string> {
  let setting = process.env.GOPROXY;
  if (setting === undefined) {
    const go = await execa("go", ["env", "GOPROXY"], { reject: false });
    setting = go.exitCode === 0 ? String(go.stdout).trim() : "";
  }
  const first = setting.split(/[,|]/).find((entry) => entry !== "" && entry !== "direct" && entry !== "off");
  return (first ?? "https://proxy.golang.org").replace(/\/$/, "");
}

/** The CRDs as one multi-document YAML, in the order of the module's config/crd kustomization. */
export function standardInstall(files: Readonly<Record<string, Uint8Array>>, prefix: string): string {
  const text = (name: string) => {
    const file = files[`${prefix}/config/crd/${name}`];
    if (file === undefined) throw new Error(`${MODULE} has no config/crd/${name}`);
    return Buffer.from(file).toString("utf8");
  };
  const names = [...text("kustomization.yaml").matchAll(/^\s+- (standard\/\S+\.yaml)$/gm)].map((m) => m[1]!);
  if (names.length === 0) throw new Error(`${MODULE}'s config/crd/kustomization.yaml lists no standard CRDs`);
  return names.map((name) => `---\n${text(name)}`).join("");
}

/** The pinned CRDs' file, fetched and checked first if needed; `note` says where they came from. */
export async function ensureGatewayApiCrds(note: (line: string) => void = () => {}): Promise<string> {
  const pins = versions();
  const file = crdsFile();
  if (existsSync(file)) return file;
  const spec = `${MODULE}@v${pins.GATEWAY_API_VERSION}`;
  const url = `${await proxyBase()}/${escapeModulePath(MODULE)}/@v/v${pins.GATEWAY_API_VERSION}.zip`;
  let zip: Uint8Array;
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(60_000) });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    zip = new Uint8Array(await response.arrayBuffer());
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
    throw new Error(
      `the Gateway API CRDs come from the Go module ${spec}, and ${url} could not be fetched (${cause}). With no network, bring them in an image archive: \`make images-save\` on a connected machine, then IMAGES_ARCHIVE=<file> make up here.`,
      { cause: error },
    );
  }
  const files = unzipSync(zip);
  const hash = moduleHash(files);
  if (hash !== pins.GATEWAY_API_MODULE_SUM)
    throw new Error(
      `${url} does not match the module hash pinned in versions.env (GATEWAY_API_MODULE_SUM=${pins.GATEWAY_API_MODULE_SUM}, got ${hash}); nothing was installed. A proxy may be serving something else.`,
    );
  writeAtomically(file, standardInstall(files, spec));
  note(`Gateway API v${pins.GATEWAY_API_VERSION} CRDs from the module ${spec} (hash checked)`);
  return file;
}

/** Keeps an archive's copy of the CRDs where ensureGatewayApiCrds looks first. */
export function keepArchivedCrds(text: string): void {
  if (!existsSync(crdsFile())) writeAtomically(crdsFile(), text);
}

export function readCrds(): string {
  return readFileSync(crdsFile(), "utf8");
}

function writeAtomically(file: string, text: string): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(`${file}.${process.pid}`, text);
  renameSync(`${file}.${process.pid}`, file);
}
