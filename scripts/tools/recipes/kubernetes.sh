# The Kubernetes binaries of the offline kind node image (kubeadm, kubelet, kubectl and the control plane),
# and the host's kubectl where none is installed. The module proxy serves k8s.io/kubernetes at
# OFFLINE_KUBERNETES_VERSION; its go.mod points the 33 k8s.io staging modules at folders inside its own
# repository (replace directives a dependent module ignores), so a throwaway main module replaces each
# with the published v0.<minor>.<patch> release of the same code.
RECIPE_BINARIES=(kubeadm kubelet kubectl kube-apiserver kube-controller-manager kube-scheduler kube-proxy)

recipe_key() { pin OFFLINE_KUBERNETES_VERSION; }

recipe_build() {
  local out=$1 version major minor dir staging ldflags=() key value binary
  version="v$(pin OFFLINE_KUBERNETES_VERSION)"
  IFS=. read -r major minor _ <<<"${version#v}"
  dir=$(module_dir "k8s.io/kubernetes@$version")
  throwaway_module "$out/build" "k8s.io/kubernetes@$version"
  for staging in $(sed -n 's|^[[:space:]]*\(k8s.io/[^ ]*\) => ./staging/.*|\1|p' "$dir/go.mod"); do
    go mod edit -replace "$staging=$staging@v0.${version#v1.}"
  done
  # kubeadm refuses to run when its own version is unknown, so the version goes in as the project's
  # hack/lib/version.sh would put it.
  for key in gitVersion=$version gitMajor=$major gitMinor=$minor gitTreeState=clean; do
    value=${key#*=}
    ldflags+=("-X k8s.io/client-go/pkg/version.${key%%=*}=$value" "-X k8s.io/component-base/version.${key%%=*}=$value")
  done
  for binary in "${RECIPE_BINARIES[@]}"; do
    log "  kubernetes: $binary"
    go build -mod=mod -ldflags "-s -w ${ldflags[*]}" -o "$out/$binary" "k8s.io/kubernetes/cmd/$binary" || return 1
  done
  cd "$out" && rm -rf "$out/build"
}
