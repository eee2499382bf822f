// The tools whose modules build as released: one `go install` (or `go build` of the module itself) each.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT } from "../../lib/topology.ts";
import { type VersionKey, versions } from "../../lib/versions.ts";
import { goInstall, sha256, type Recipe } from "../recipe.ts";

const pin = versions;
const strip = ["-ldflags", "-s -w"] as const;

/** One binary, named as its package's last path element, `go install`ed from its module at the pin. */
function installed(
  group: Recipe["group"],
  version: VersionKey,
  pkg: string,
  flags: readonly string[],
): Recipe {
  return {
    group,
    binaries: [pkg.slice(pkg.lastIndexOf("/") + 1)],
    key: () => pin()[version],
    build: (out, go) => goInstall(go, out, [`${pkg}@v${pin()[version]}`], flags),
  };
}

/** kind itself, for machines that have none at the pin and no release download (the project's CI). */
export const kind = installed("cluster", "KIND_VERSION", "sigs.k8s.io/kind", []);

/** An independent OTLP client for cross-checks and benchmarks. */
export const telemetrygen = installed(
  "local",
  "TELEMETRYGEN_VERSION",
  "github.com/open-telemetry/opentelemetry-collector-contrib/cmd/telemetrygen",
  [],
);

/** Offline schema validation for the contract tests. */
export const kubectlValidate = installed(
  "contract",
  "KUBECTL_VALIDATE_VERSION",
  "sigs.k8s.io/kubectl-validate",
  [],
);

/**
 * kube-linter's module path is golang.stackrox.io/kube-linter, a vanity host the module proxy does not
 * serve here (403); the proxy serves the same release under its repository path. `go install` refuses that
 * path (go.mod declares the vanity one), so the downloaded module is built as the main module instead: its
 * go.sum pins every dependency, and -mod=readonly keeps it that way.
 */
export const kubeLinter: Recipe = {
  group: "contract",
  binaries: ["kube-linter"],
  key: () => pin().KUBE_LINTER_VERSION,
  async build(out, go) {
    const version = `v${pin().KUBE_LINTER_VERSION}`;
    const dir = await go.moduleDir(`github.com/stackrox/kube-linter@${version}`);
    const flags = `-X golang.stackrox.io/kube-linter/internal/version.version=${version}`;
    await go.go(
      ["build", "-mod=readonly", "-ldflags", flags, "-o", join(out, "kube-linter"), "./cmd/kube-linter"],
      { cwd: dir },
    );
  },
};

/** crictl, the CRI client kind's node image carries for debugging (`docker exec <node> crictl ps`). */
export const crictl = installed("cluster", "CRI_TOOLS_VERSION", "sigs.k8s.io/cri-tools/cmd/crictl", strip);

/** The storage provisioner kind installs as the default StorageClass. */
export const localPathProvisioner = installed(
  "cluster",
  "LOCAL_PATH_PROVISIONER_VERSION",
  "github.com/rancher/local-path-provisioner",
  strip,
);

/**
 * containerd 2.x for the offline node image (Debian's 1.6 lacks `ctr info`, which kind's tooling uses, and
 * the kubelet drops its containerd 1.x fallback in 1.38). Snapshotters that need cgo or kernel features a
 * kind node lacks are left out, as kind's own base image does.
 */
export const containerd: Recipe = {
  group: "cluster",
  binaries: ["containerd", "ctr", "containerd-shim-runc-v2"],
  key: () => pin().CONTAINERD_VERSION,
  build: (out, go) =>
    goInstall(
      go,
      out,
      ["containerd", "ctr", "containerd-shim-runc-v2"].map(
        (cmd) => `github.com/containerd/containerd/v2/cmd/${cmd}@v${pin().CONTAINERD_VERSION}`,
      ),
      ["-tags", "no_btrfs no_devmapper no_zfs", ...strip],
    ),
};

/**
 * Prometheus and promtool. Prometheus 3 tags its Go module v0.3MM.P for release 3.MM.P, with no replace
 * directives, so `go install` builds it as released, less service discovery (`remove_all_sd`: the cloud
 * SDKs are most of the build, and this Prometheus scrapes nothing, everything is pushed to it) and the web
 * UI's compiled assets (the `builtinassets` tag needs an npm build first). The version string is set as its
 * release build sets it.
 */
export const prometheus: Recipe = {
  group: "local",
  binaries: ["prometheus", "promtool"],
  key: () => `${pin().PROMETHEUS_VERSION}-module-${pin().PROMETHEUS_MODULE_VERSION}`,
  build(out, go) {
    const module = "github.com/prometheus/prometheus";
    const version = `v${pin().PROMETHEUS_MODULE_VERSION}`;
    const ldflags = `-s -w -X github.com/prometheus/common/version.Version=${pin().PROMETHEUS_VERSION.replace(/^v/, "")} -X github.com/prometheus/common/version.Branch=HEAD`;
    return goInstall(
      go,
      out,
      [`${module}/cmd/prometheus@${version}`, `${module}/cmd/promtool@${version}`],
      ["-tags", "remove_all_sd", "-ldflags", ldflags],
    );
  },
};

const PAUSE_SOURCE = join(REPO_ROOT, "hack", "images", "pause", "main.go");

/**
 * The pod sandbox ("pause") process. Kubernetes' own is C; this one is the project's Go equivalent: it
 * holds the pod's namespaces, reaps zombies and exits on SIGINT/SIGTERM.
 */
export const pause: Recipe = {
  group: "cluster",
  binaries: ["pause"],
  key: () => sha256(readFileSync(PAUSE_SOURCE)).slice(0, 12),
  build: async (out, go) =>
    void (await go.go(["build", "-ldflags", "-s -w", "-o", join(out, "pause"), "main.go"], {
      cwd: join(REPO_ROOT, "hack", "images", "pause"),
    })),
};
