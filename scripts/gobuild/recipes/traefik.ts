// Traefik v3, the remote cluster's Gateway API implementation. Its go.mod carries replace directives, so it
// is built from a throwaway main module that repeats them, starts from Traefik's own go.sum and takes its
// requirements as ours (as jaeger.ts does). Three things in its build list are not on the module proxy, so
// the recipe writes small substitutes at build time; none touches the Kubernetes providers, TLS, the
// HTTP/2 and gRPC proxy, the file provider or ping:
//   1. github.com/traefik/traefik/dynamic/ext, a nested module of Traefik's repository that its module zip
//      leaves out: two empty structs.
//   2. github.com/containous/go-http-auth, Traefik's fork of github.com/abbot/go-http-auth: upstream plus
//      the one method Traefik calls that upstream lacks. Only the basicAuth/digestAuth middlewares use it.
//   3. lego's DNS providers whose SDK the proxy refuses: dropped from lego's provider switch, so choosing one
//      is an error. Only ACME DNS-01 challenges use them, and the project runs no ACME.
import { chmodSync, cpSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { versions } from "../../lib/versions.ts";
import { GoCommandFailed, type GoSession } from "../go.ts";
import { parseGoMod, replaceArgs, requireArgs, sha256, type Recipe } from "../recipe.ts";
import { DYNAMIC_EXT, HTTP_AUTH_STALE } from "./traefik-substitutes.ts";

const MODULE = "github.com/traefik/traefik/v3";

/** lego DNS providers left out, each with the module the proxy refuses (403) for it. */
const DROPPED_DNS_PROVIDERS: readonly (readonly [string, string])[] = [
  ["alidns", "github.com/go-acme/alidns-20150109/v5"],
  ["aliesa", "github.com/go-acme/esa-20240910/v3"],
  ["azion", "github.com/aziontech/azionapi-go-sdk"],
  ["dnsimple", "github.com/dnsimple/dnsimple-go/v9"],
  ["edgedns", "github.com/akamai/AkamaiOPEN-edgegrid-golang/v13"],
  ["edgeone", "github.com/go-acme/tencentedgdeone"],
  ["huaweicloud", "github.com/huaweicloud/huaweicloud-sdk-go-v3"],
  ["oraclecloud", "github.com/nrdcg/oci-go-sdk/common/v1065"],
  ["oraclecloud", "github.com/nrdcg/oci-go-sdk/dns/v1065"],
  ["regfish", "github.com/regfish/regfish-dnsapi-go"],
  ["sakuracloud", "github.com/sacloud/sacloud-sdk-go"],
  ["tencentcloud", "github.com/go-acme/tencentclouddnspod"],
  ["ucloud", "github.com/ucloud/ucloud-sdk-go"],
  ["yandexcloud", "github.com/yandex-cloud/go-sdk/services/dns"],
];

/** The newest upstream go-http-auth the proxy has; it already has CheckSecret, which v0.4.0 lacks. */
const HTTP_AUTH = "github.com/abbot/go-http-auth@v0.4.1-0.20220112235402-e1cee1c72f2f";

/** Relative to the build folder, so the binary's build info names no temporary path. */
const SUBSTITUTES = "./substitutes";

/** Bump when the build's steps change in a way the substitutes below do not show. */
const RECIPE_REVISION = 1;

export const traefik: Recipe = {
  group: "local",
  binaries: ["traefik"],
  // The substitutes are in the key, so changing one rebuilds.
  key: () =>
    `${versions().TRAEFIK_VERSION}-recipe-${sha256(
      JSON.stringify([RECIPE_REVISION, DROPPED_DNS_PROVIDERS, HTTP_AUTH, DYNAMIC_EXT, HTTP_AUTH_STALE]),
    ).slice(0, 8)}`,
  async build(out, go) {
    const version = `v${versions().TRAEFIK_VERSION}`;
    const work = join(out, "build");
    const mod = parseGoMod(await go.throwawayLike(work, `${MODULE}@${version}`));

    const replaces = await Promise.all(mod.replaces.map((r) => substituted(r, work, go)));
    const lego = mod.requires.find(([path]) => path === "github.com/go-acme/lego/v5");
    if (!lego) throw new GoCommandFailed("Traefik's go.mod no longer requires github.com/go-acme/lego/v5");
    await legoWithoutDroppedProviders(join(work, SUBSTITUTES, "lego"), lego[1], go);
    replaces.push({ from: "github.com/go-acme/lego/v5", to: `${SUBSTITUTES}/lego` });
    // Traefik's requirements become ours, less the refused SDKs and lego v4 (only a test of Traefik's
    // imports it, and its go.mod would bring the refused SDKs back into the module graph).
    const skip = new Set([
      ...DROPPED_DNS_PROVIDERS.map(([, module]) => module),
      "github.com/go-acme/lego/v4",
    ]);
    await go.go(
      [
        "mod",
        "edit",
        ...replaceArgs(replaces),
        ...mod.excludes.map(([path, v]) => `-exclude=${path}@${v}`),
        ...requireArgs(mod.requires.filter(([path]) => !skip.has(path))),
      ],
      { cwd: work },
    );
    go.note(
      `substituted dynamic/ext (empty types), containous/go-http-auth (upstream + RequireAuthStale), lego/v5 without DNS providers ${[...new Set(DROPPED_DNS_PROVIDERS.map(([p]) => p))].join(",")}`,
    );
    // The version as Traefik's release build sets it (.goreleaser.yml.tmpl), with the module's publication
    // time as build date so the build is reproducible.
    const date = (
      await go.go(["list", "-m", "-f", '{{.Time.Format "2006-01-02T15:04:05Z"}}', `${MODULE}@${version}`])
    ).trim();
    const ldflags = `-s -w -X ${MODULE}/pkg/version.Version=${version.slice(1)} -X ${MODULE}/pkg/version.Codename=langres -X ${MODULE}/pkg/version.BuildDate=${date}`;
    await go.go(
      ["build", "-mod=mod", "-ldflags", ldflags, "-o", join(out, "traefik"), `${MODULE}/cmd/traefik`],
      {
        cwd: work,
      },
    );
  },
};

/**
 * One of Traefik's replace directives, with the recipe's own substitute where the target is a folder of
 * Traefik's repository (dynamic/ext) or a module the proxy refuses (Traefik's go-http-auth fork).
 */
async function substituted(
  replace: ReturnType<typeof parseGoMod>["replaces"][number],
  work: string,
  go: GoSession,
): Promise<ReturnType<typeof parseGoMod>["replaces"][number]> {
  if (replace.from === "github.com/traefik/traefik/dynamic/ext") {
    writeModule(join(work, SUBSTITUTES, "dynamic-ext"), DYNAMIC_EXT);
    return { from: replace.from, to: `${SUBSTITUTES}/dynamic-ext` };
  }
  if (replace.from === "github.com/abbot/go-http-auth") {
    const target = join(work, SUBSTITUTES, "go-http-auth");
    cpSync(await go.moduleDir(HTTP_AUTH), target, { recursive: true });
    makeWritable(target);
    writeFileSync(join(target, "zz_e2r_stale.go"), HTTP_AUTH_STALE);
    return { from: replace.from, to: `${SUBSTITUTES}/go-http-auth` };
  }
  if (replace.toVersion !== undefined) return replace;
  throw new GoCommandFailed(
    `Traefik's go.mod replaces ${replace.from} with a folder (${replace.to}) this recipe does not know`,
  );
}

function writeModule(dir: string, files: Readonly<Record<string, string>>): void {
  mkdirSync(dir, { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
}

/** The module cache is read-only; a copy the recipe edits must not be. */
function makeWritable(dir: string): void {
  chmodSync(dir, 0o755);
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true }))
    chmodSync(join(entry.parentPath, entry.name), entry.isDirectory() ? 0o755 : 0o644);
}

/**
 * A writable copy of lego whose generated provider switch answers "not in this build" for the dropped
 * providers, and whose go.mod no longer requires their SDKs.
 */
async function legoWithoutDroppedProviders(target: string, version: string, go: GoSession): Promise<void> {
  cpSync(await go.moduleDir(`github.com/go-acme/lego/v5@${version}`), target, { recursive: true });
  makeWritable(target);
  const switchFile = join(target, "providers/dns/zz_gen_dns_providers.go");
  let text = readFileSync(switchFile, "utf8");
  for (const [provider, module] of DROPPED_DNS_PROVIDERS) {
    await go.go(["mod", "edit", `-droprequire=${module}`], { cwd: target });
    text = text
      .split("\n")
      .filter((line) => line.trim() !== `"github.com/go-acme/lego/v5/providers/dns/${provider}"`)
      .map((line) =>
        line.trim() === `return ${provider}.NewDNSProvider()`
          ? line.replace(
              `${provider}.NewDNSProvider()`,
              'nil, fmt.Errorf("DNS provider %s is not in this build of Traefik", name)',
            )
          : line,
      )
      .join("\n");
    if (text.includes(`providers/dns/${provider}"`) || new RegExp(`\\s${provider}\\.`).test(text))
      throw new GoCommandFailed(
        `lego ${version}: the provider switch still uses ${provider} (its generated file changed shape)`,
      );
  }
  writeFileSync(switchFile, text);
}
