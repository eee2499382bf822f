# etcd, at the version the pinned kubeadm asks for (its DefaultEtcdVersion, read from the Kubernetes
# module, so it is never written down twice). go.etcd.io/etcd/server/v3 carries replace directives that
# point at sibling folders of its repository, so a throwaway module takes the published siblings instead.
kubeadm_constant() { # name -> value of a string constant in kubeadm's constants.go
  local dir
  dir=$(module_dir "k8s.io/kubernetes@v$(pin OFFLINE_KUBERNETES_VERSION)")
  sed -n "s/^[[:space:]]*$1 = \"\(.*\)\"/\1/p" "$dir/cmd/kubeadm/app/constants/constants.go"
}
etcd_version() { local v; v=$(kubeadm_constant DefaultEtcdVersion); printf '%s' "${v%-*}"; }

recipe_key() { etcd_version; }

recipe_build() {
  local out=$1 version sibling
  version="v$(etcd_version)"
  throwaway_module "$out/build" "go.etcd.io/etcd/server/v3@$version"
  for sibling in api/v3 client/pkg/v3 client/v3 pkg/v3; do
    go mod edit -require "go.etcd.io/etcd/$sibling@$version"
  done
  go build -mod=mod -ldflags "-s -w" -o "$out/etcd" go.etcd.io/etcd/server/v3 || return 1
  cd "$out" && rm -rf "$out/build"
}
