# containerd 2.x for the offline kind node image (Debian's 1.6 lacks `ctr info`, which kind's tooling
# uses, and the kubelet drops its containerd 1.x fallback in 1.38). Snapshotters that need cgo or kernel
# features a kind node lacks are left out, as kind's own base image does.
RECIPE_BINARIES=(containerd ctr containerd-shim-runc-v2)
recipe_key() { pin CONTAINERD_VERSION; }
recipe_build() {
  local cmd
  for cmd in "${RECIPE_BINARIES[@]}"; do
    GOBIN="$1" go install -tags "no_btrfs no_devmapper no_zfs" -ldflags "-s -w" \
      "github.com/containerd/containerd/v2/cmd/$cmd@v$(pin CONTAINERD_VERSION)" || return 1
  done
}
