// Kubernetes for the offline kind node image, and the two images kubeadm runs beside it, at the versions
// that kubeadm asks for (read from its source, so they are never written down twice).
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { versions } from "../../lib/versions.ts";
import { moduleDirOf } from "../go.ts";
import { parseGoMod, requireArgs, type Recipe } from "../recipe.ts";

const kubernetesVersion = () => `v${versions().OFFLINE_KUBERNETES_VERSION}`;

/** A string constant of kubeadm's constants.go (DefaultEtcdVersion, CoreDNSVersion). */
export async function kubeadmConstant(name: string): Promise<string> {
  const dir = await moduleDirOf(`k8s.io/kubernetes@${kubernetesVersion()}`);
  const text = readFileSync(join(dir, "cmd/kubeadm/app/constants/constants.go"), "utf8");
  const value = new RegExp(`^\\s*${name} = "(.*)"`, "m").exec(text)?.[1];
  if (value === undefined) throw new Error(`kubeadm ${kubernetesVersion()} defines no ${name}`);
  return value;
}

const BINARIES = [
  "kubeadm",
  "kubelet",
  "kubectl",
  "kube-apiserver",
  "kube-controller-manager",
  "kube-scheduler",
  "kube-proxy",
] as const;

/**
 * The module proxy serves k8s.io/kubernetes at OFFLINE_KUBERNETES_VERSION; its go.mod points the k8s.io
 * staging modules at folders inside its own repository (replace directives a dependent module ignores), so
 * a throwaway main module replaces each with the published v0.<minor>.<patch> release of the same code.
 * One build per binary: measured, one `go build` of all seven saves nothing on two cores, and this way the
 * progress line can say which one is building.
 */
function kubernetesRecipe(binaries: readonly string[]): Recipe {
  return {
    group: "cluster",
    binaries,
    key: () => versions().OFFLINE_KUBERNETES_VERSION,
    async build(out, go) {
      const version = kubernetesVersion();
      const [major, minor] = version.slice(1).split(".");
      const dir = await go.moduleDir(`k8s.io/kubernetes@${version}`);
      const work = join(out, "build");
      await go.throwawayModule(work, `k8s.io/kubernetes@${version}`);
      const staging = parseGoMod(readFileSync(join(dir, "go.mod"), "utf8")).replaces.filter((r) =>
        r.to.startsWith("./staging/"),
      );
      await go.go(
        ["mod", "edit", ...staging.map((r) => `-replace=${r.from}=${r.from}@v0.${version.slice(3)}`)],
        { cwd: work },
      );
      // kubeadm refuses to run when its own version is unknown, so the version goes in as Kubernetes'
      // hack/lib/version.sh would put it.
      const stamp = Object.entries({
        gitVersion: version,
        gitMajor: major,
        gitMinor: minor,
        gitTreeState: "clean",
      })
        .flatMap(([key, value]) => [
          `-X k8s.io/client-go/pkg/version.${key}=${value}`,
          `-X k8s.io/component-base/version.${key}=${value}`,
        ])
        .join(" ");
      for (const binary of binaries) {
        go.note(binary);
        await go.go(
          [
            "build",
            "-mod=mod",
            "-ldflags",
            `-s -w ${stamp}`,
            "-o",
            join(out, binary),
            `k8s.io/kubernetes/cmd/${binary}`,
          ],
          { cwd: work },
        );
      }
    },
  };
}

/** The offline node image's Kubernetes (and its kubectl, for a host that has none at the pin). */
export const kubernetes = kubernetesRecipe(BINARIES);

/** kubectl alone, for a host that needs kubectl but no offline node image (no release download reachable). */
export const kubectl = kubernetesRecipe(["kubectl"]);

const etcdVersion = async () => (await kubeadmConstant("DefaultEtcdVersion")).replace(/-\d+$/, "");

/**
 * etcd. go.etcd.io/etcd/server/v3 carries replace directives that point at sibling folders of its
 * repository, so a throwaway module takes the published siblings instead.
 */
export const etcd: Recipe = {
  group: "cluster",
  binaries: ["etcd"],
  key: etcdVersion,
  async build(out, go) {
    const version = `v${await etcdVersion()}`;
    const work = join(out, "build");
    await go.throwawayModule(work, `go.etcd.io/etcd/server/v3@${version}`);
    const siblings = ["api/v3", "client/pkg/v3", "client/v3", "pkg/v3"];
    await go.go(["mod", "edit", ...siblings.map((s) => `-require=go.etcd.io/etcd/${s}@${version}`)], {
      cwd: work,
    });
    await go.go(
      ["build", "-mod=mod", "-ldflags", "-s -w", "-o", join(out, "etcd"), "go.etcd.io/etcd/server/v3"],
      {
        cwd: work,
      },
    );
  },
};

/**
 * The CoreDNS plugins the node image's DNS needs: those of the Corefile kubeadm writes (errors, health,
 * ready, kubernetes, prometheus = the metrics plugin, forward, cache, loop, reload, loadbalance), and log
 * for debugging. The rest of CoreDNS's plugins (cloud DNS providers, etcd, dnstap, QUIC…) are most of its
 * build, and a kind cluster uses none of them.
 */
export const COREDNS_PLUGINS = Object.freeze([
  "cache",
  "errors",
  "forward",
  "health",
  "kubernetes",
  "loadbalance",
  "log",
  "loop",
  "metrics",
  "ready",
  "reload",
]);

/**
 * CoreDNS at the version kubeadm deploys, built as its README describes for a chosen set of plugins: a main
 * package that imports coremain and the plugins, in a throwaway module with CoreDNS's own requirements and
 * go.sum. The directive order stays CoreDNS's own (its plugin.cfg, compiled into dnsserver).
 */
export const coredns: Recipe = {
  group: "cluster",
  binaries: ["coredns"],
  key: async () => `${await kubeadmConstant("CoreDNSVersion")}-${COREDNS_PLUGINS.length}-plugins`,
  async build(out, go) {
    const spec = `github.com/coredns/coredns@${await kubeadmConstant("CoreDNSVersion")}`;
    const work = join(out, "build");
    const mod = parseGoMod(await go.throwawayLike(work, spec));
    await go.go(["mod", "edit", ...requireArgs(mod.requires)], { cwd: work });
    const imports = COREDNS_PLUGINS.map((p) => `\t_ "github.com/coredns/coredns/plugin/${p}"`);
    writeFileSync(
      join(work, "main.go"),
      `package main\n\nimport (\n\t"github.com/coredns/coredns/coremain"\n${imports.join("\n")}\n)\n\nfunc main() { coremain.Run() }\n`,
    );
    await go.go(["build", "-mod=mod", "-ldflags", "-s -w", "-o", join(out, "coredns"), "."], { cwd: work });
  },
};
