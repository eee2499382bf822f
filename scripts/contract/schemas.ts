// The schemas the manifests are validated against, all from the Go module proxy at the pinned versions
// and cached outside the repository (the Go module cache, plus one re-laid-out copy of the Kubernetes
// OpenAPI files):
// - Kubernetes: api/openapi-spec/v3 of k8s.io/kubernetes at the version of KIND_NODE_IMAGE (kubectl-validate
//   v0.0.4 embeds schemas only up to 1.30), re-laid out as kubectl-validate's --local-schemas expects
//   (api/v1.json, apis/<group>/<version>.json);
// - Gateway API: config/crd/standard of sigs.k8s.io/gateway-api at GATEWAY_API_VERSION, the CRDs bootstrap
//   installs;
// and Traefik's source at TRAEFIK_VERSION, for what its Gateway API provider reads (RBAC) and the Gateway API
// release it is built against.
import { cpSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { CACHE_DIR } from "../lib/cache.ts";
import { kubernetesVersionOf, versions } from "../lib/versions.ts";
import { moduleDirOf } from "../gobuild/go.ts";

export interface Schemas {
  readonly kubernetesVersion: string;
  /** For --local-schemas. */
  readonly openApiDir: string;
  /** For --local-crds. */
  readonly crdDirs: readonly string[];
  /** github.com/traefik/traefik/v3 at TRAEFIK_VERSION, in the module cache. */
  readonly traefikModuleDir: string;
}

/** Copies k8s.io/kubernetes' api/openapi-spec/v3 into the layout --local-schemas reads, once per version. */
function layOutOpenApi(source: string, target: string): void {
  if (existsSync(join(target, "api", "v1.json"))) return;
  const staging = `${target}.tmp-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  for (const file of readdirSync(source)) {
    // api__v1_openapi.json → api/v1.json; apis__apps__v1_openapi.json → apis/apps/v1.json. Group-level
    // discovery files (apis__apps_openapi.json) hold no schemas and are skipped.
    const core = /^api__([a-z0-9]+)_openapi\.json$/.exec(file);
    const grouped = /^apis__([^_]+)__([a-z0-9]+)_openapi\.json$/.exec(file);
    if (!core && !grouped) continue;
    const dir = core ? join(staging, "api") : join(staging, "apis", grouped?.[1] as string);
    const version = (core?.[1] ?? grouped?.[2]) as string;
    mkdirSync(dir, { recursive: true });
    cpSync(join(source, file), join(dir, `${version}.json`));
  }
  mkdirSync(join(target, ".."), { recursive: true });
  try {
    renameSync(staging, target);
  } catch (error) {
    // Another test process laid it out first.
    rmSync(staging, { recursive: true, force: true });
    if (!existsSync(join(target, "api", "v1.json"))) throw error;
  }
}

let cached: Promise<Schemas> | undefined;

export function schemas(): Promise<Schemas> {
  cached ??= (async () => {
    const pins = versions();
    const kubernetesVersion = kubernetesVersionOf(pins.KIND_NODE_IMAGE);
    const [kubernetes, gatewayApi, traefik] = await Promise.all([
      moduleDirOf(`k8s.io/kubernetes@v${kubernetesVersion}`),
      moduleDirOf(`sigs.k8s.io/gateway-api@v${pins.GATEWAY_API_VERSION}`),
      moduleDirOf(`github.com/traefik/traefik/v3@v${pins.TRAEFIK_VERSION}`),
    ]);
    const openApiDir = join(CACHE_DIR, "contract-schemas", `kubernetes-v${kubernetesVersion}`);
    layOutOpenApi(join(kubernetes, "api", "openapi-spec", "v3"), openApiDir);
    return Object.freeze({
      kubernetesVersion,
      openApiDir,
      crdDirs: Object.freeze([join(gatewayApi, "config", "crd", "standard")]),
      traefikModuleDir: traefik,
    });
  })();
  return cached;
}
