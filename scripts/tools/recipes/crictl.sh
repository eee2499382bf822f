# crictl, the CRI client kind's node image carries for debugging (`docker exec <node> crictl ps`).
recipe_key() { pin CRI_TOOLS_VERSION; }
recipe_build() { GOBIN="$1" go install -ldflags "-s -w" "sigs.k8s.io/cri-tools/cmd/crictl@v$(pin CRI_TOOLS_VERSION)"; }
