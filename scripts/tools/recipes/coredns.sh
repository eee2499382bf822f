# CoreDNS, at the version the pinned kubeadm deploys (its CoreDNSVersion, read from the Kubernetes module).
# shellcheck source=etcd.sh
source "$(dirname "${BASH_SOURCE[0]}")/etcd.sh"
recipe_key() { kubeadm_constant CoreDNSVersion; }
recipe_build() { GOBIN="$1" go install -ldflags "-s -w" "github.com/coredns/coredns@$(recipe_key)"; }
