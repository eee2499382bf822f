#!/usr/bin/env bash
# `make images-offline`: every image `make up` runs, built on this machine from source (Go modules, Debian
# packages, the npm registry's Node.js), for machines that reach no container registry, such as the
# project's CI. The result is cached by content: a second run takes seconds.
#
# It ends by writing an image overrides file: one `<pinned reference>=<local reference>` line per image
# (see manifests/versions/README.md). `PIN_OVERRIDES=<that file> make up` then runs these images instead of
# the pinned ones. versions.env itself is never edited: where an offline image cannot match its pin, the
# override says so (for example Kubernetes 1.37.2 for the pinned 1.37.0, and no digest).
#
#   hack/images/offline.sh            build everything, print the overrides file's path on stdout
#   hack/images/offline.sh rootfs     only the Debian root filesystems (tarballs in the cache): no engine
#                                     and no Go tool needed, so it can run while those are still coming
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
# shellcheck source=lib.sh
source lib.sh
# shellcheck source=rootfs.sh
source rootfs.sh
# shellcheck source=kind-node.sh
source kind-node.sh

OVERRIDES_FILE="$IMAGES_CACHE/offline.env"

go_binaries() {
  step "Go binaries: Kubernetes, etcd, CoreDNS, containerd, crictl, the storage provisioner, pause, the collector, Jaeger, Traefik, Prometheus"
  load_tool_dirs kubernetes etcd coredns containerd crictl local-path-provisioner pause otelcol jaeger traefik prometheus
  step_done
}

# Node.js from the npm registry's node-linux-<arch> package (the toolchain's copy), on Debian slim, with
# the official image's unprivileged user "node" (1000:1000) that the app images run as.
node_image() { # -> ref
  local rootfs version node context ref
  rootfs=$(rootfs_image slim) || exit 1
  version=$(pin NODE_VERSION)
  # Exactly the pin, from the npm registry (the toolchain's cached copy), whatever Node runs this script.
  toolchain_npm_install_cached "$CACHE_DIR/node/$version" "$(toolchain_node_platform_package)@$version"
  node=$("$CACHE_DIR/node/$version/node_modules/.bin/node" -p process.execPath)
  [[ "$("$node" -p process.versions.node)" == "$version" ]] ||
    fail "the cached Node.js is not $version (it is needed for the Node.js image)"
  ref="$OFFLINE_REGISTRY/node:$version-$(pin DEBIAN_SUITE)-$(content_key "$rootfs" "$(declare -f node_image)")"
  context=$(mktemp -d)
  cp "$node" "$context/node"
  build_image "$ref" "$context" "FROM $rootfs
COPY node /usr/local/bin/node
RUN groupadd --gid 1000 node && useradd --uid 1000 --gid node --shell /bin/bash --create-home node
ENV NODE_VERSION=$version
CMD [\"node\"]"
  rm -rf "$context"
  printf '%s\n' "$ref"
}

# The images the pinned names stand for: same binaries as upstream's, same users and entry points as the
# manifests expect of them.
workload_images() {
  step "Workload images: Node.js base, collector, Jaeger, Traefik, Prometheus"
  NODE_REF=$(node_image) || exit 1
  OTELCOL_REF="$OFFLINE_REGISTRY/otelcol:$(tool_key otelcol)"
  static_image "$OTELCOL_REF" "$(tool_dir otelcol)/otelcol" 'USER 10001:10001
ENTRYPOINT ["/usr/local/bin/otelcol"]'
  JAEGER_REF="$OFFLINE_REGISTRY/jaeger:$(tool_key jaeger)"
  static_image "$JAEGER_REF" "$(tool_dir jaeger)/jaeger" 'USER 10001:10001
VOLUME /tmp
ENTRYPOINT ["/usr/local/bin/jaeger"]'
  TRAEFIK_REF="$OFFLINE_REGISTRY/traefik:$(tool_key traefik)"
  static_image "$TRAEFIK_REF" "$(tool_dir traefik)/traefik" 'USER 65532:65532
ENTRYPOINT ["/usr/local/bin/traefik"]'
  # The official image's user (nobody); the manifest passes every flag, so no default config is needed.
  PROMETHEUS_REF="$OFFLINE_REGISTRY/prometheus:$(tool_key prometheus)"
  static_image "$PROMETHEUS_REF" "$(tool_dir prometheus)/prometheus" 'USER 65534:65534
ENTRYPOINT ["/usr/local/bin/prometheus"]'
  step_done
}

# The images inside the node: under the names kubeadm asks for (built from exactly those releases), and
# under the project's registry name where the content is the project's own (pause, the storage helper).
control_plane_images() {
  local k8s version etcd coredns binary slim context
  step "Node images: the control plane, kube-proxy, etcd, CoreDNS, pause, the storage provisioner"
  k8s=$(tool_dir kubernetes) version="v$(pin OFFLINE_KUBERNETES_VERSION)"
  # CoreDNS's key is <version>-<n>-plugins (kubeadm's plugins only); its image carries the version.
  etcd=$(tool_key etcd) coredns=$(tool_key coredns)
  coredns=${coredns%%-*}
  NODE_PRELOAD=()
  for binary in kube-apiserver kube-controller-manager kube-scheduler; do
    static_image "registry.k8s.io/$binary:$version" "$k8s/$binary" ''
    NODE_PRELOAD+=("registry.k8s.io/$binary:$version")
  done
  static_image "registry.k8s.io/etcd:$etcd-0" "$(tool_dir etcd)/etcd" ''
  static_image "registry.k8s.io/coredns/coredns:$coredns" "$(tool_dir coredns)/coredns" 'USER 65532:65532
ENTRYPOINT ["/usr/local/bin/coredns"]'
  PAUSE_REF="$OFFLINE_REGISTRY/pause:$(tool_key pause)"
  static_image "$PAUSE_REF" "$(tool_dir pause)/pause" 'USER 65535:65535
ENTRYPOINT ["/usr/local/bin/pause"]'
  PROVISIONER_REF="$OFFLINE_REGISTRY/local-path-provisioner:$(tool_key local-path-provisioner)"
  static_image "$PROVISIONER_REF" "$(tool_dir local-path-provisioner)/local-path-provisioner" ''
  NODE_PRELOAD+=("registry.k8s.io/etcd:$etcd-0" "registry.k8s.io/coredns/coredns:$coredns" "$PAUSE_REF" "$PROVISIONER_REF")
  # kube-proxy runs nft (the clusters use kube-proxy's nftables mode); the storage helper runs sh, mkdir
  # and rm. Both get them from the slim Debian root filesystem.
  slim=$(rootfs_image slim) || exit 1
  context=$(mktemp -d) && cp "$k8s/kube-proxy" "$context/"
  build_image "registry.k8s.io/kube-proxy:$version" "$context" "FROM $slim
COPY kube-proxy /usr/local/bin/kube-proxy"
  rm -rf "$context"
  HELPER_REF="$OFFLINE_REGISTRY/local-path-helper:$(pin DEBIAN_SUITE)-$(content_key "$slim")"
  image_exists "$HELPER_REF" || docker tag "$slim" "$HELPER_REF"
  NODE_PRELOAD+=("registry.k8s.io/kube-proxy:$version" "$HELPER_REF")
  step_done
}

node_image_step() {
  local base storage
  step "kind node image: kind's base image from its own files, Kubernetes $(pin OFFLINE_KUBERNETES_VERSION), ${#NODE_PRELOAD[@]} preloaded images"
  base=$(kind_base_image "$PAUSE_REF") || exit 1
  storage=$(mktemp)
  storage_manifest "$PROVISIONER_REF" "$HELPER_REF" >"$storage"
  KIND_NODE_REF="$OFFLINE_REGISTRY/kind-node:v$(pin OFFLINE_KUBERNETES_VERSION)-$(content_key "$base" \
    "${NODE_PRELOAD[@]}" "$(tool_key kubernetes)" "$(tool_key coredns)" "$(cat "$storage")" "$(declare -f kind_node_image)")"
  kind_node_image "$base" "$KIND_NODE_REF" "$storage" "${NODE_PRELOAD[@]}"
  rm -f "$storage"
  step_done
}

write_overrides() {
  step "Overrides file: the images above in place of the pinned ones"
  mkdir -p "$IMAGES_CACHE"
  cat >"$OVERRIDES_FILE.tmp" <<OVERRIDES
# Written by hack/images/offline.sh ($(date -u +%Y-%m-%dT%H:%M:%SZ)): the images built on this machine
# for the pins in manifests/versions/versions.env. Use: PIN_OVERRIDES=$OVERRIDES_FILE make up
# Differences from the pins: Kubernetes $(pin OFFLINE_KUBERNETES_VERSION) (the module proxy has no
# $(pin KIND_NODE_IMAGE | sed 's/.*:\(v[0-9.]*\).*/\1/')), no digests, and the binaries built from Go modules.
$(pin KIND_NODE_IMAGE)=$KIND_NODE_REF
$(pin NODE_IMAGE)=$NODE_REF
$(pin OTELCOL_IMAGE):$(pin OTELCOL_VERSION)=$OTELCOL_REF
$(pin JAEGER_IMAGE):$(pin JAEGER_VERSION)=$JAEGER_REF
$(pin TRAEFIK_IMAGE):$(pin TRAEFIK_VERSION)=$TRAEFIK_REF
$(pin PROMETHEUS_IMAGE):$(pin PROMETHEUS_VERSION)=$PROMETHEUS_REF
OVERRIDES
  mv "$OVERRIDES_FILE.tmp" "$OVERRIDES_FILE"
  step_done "$OVERRIDES_FILE"
}

main() {
  local start=$SECONDS
  if [[ "${1:-}" == rootfs && $# -eq 1 ]]; then
    rootfs_tarballs
    say "root filesystems ready in $((SECONDS - start))s"
    return
  fi
  [[ $# -eq 0 ]] || fail "usage: $0 [rootfs]"
  command -v docker >/dev/null && docker info >/dev/null 2>&1 ||
    fail "no Docker engine answers; make up starts one on Debian (or start yours) and run this again"
  steps_begin 5
  go_binaries
  workload_images
  control_plane_images
  node_image_step
  write_overrides
  say "offline images ready in $((SECONDS - start))s"
  printf '%s\n' "$OVERRIDES_FILE"
}

main "$@"
