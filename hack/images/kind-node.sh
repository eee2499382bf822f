#!/usr/bin/env bash
# The offline kind node image: kind's base image rebuilt from its own files (read from the kind module at
# the pinned version, at build time) on a debootstrapped Debian, then Kubernetes and every image kubeadm
# and kind need, preloaded into the node's containerd. This is what `kind build node-image` does, minus
# its one step that cannot work offline: it always pulls kindnetd, kind's default CNI, which no registry
# or module proxy here serves. The image therefore brings a bridge CNI instead, rendered by containerd
# from the node's pod CIDR, and says so in a label that `make up` reads (disableDefaultCNI).
# Sourced by offline.sh after lib.sh and rootfs.sh.

NODE_IMAGE_DIR="$ROOT/hack/images/node-image"
# The label `make up` looks for (scripts/clusters/host-adjustments.ts): this node image has no default CNI.
DEFAULT_CNI_LABEL=local.otel-e2r.default-cni

kind_module_dir() { module_dir "sigs.k8s.io/kind@v$(pin KIND_VERSION)"; }

# kind's images/base, on our Debian root filesystem, with containerd 2 and crictl built from modules.
kind_base_image() { # pause-ref -> prints ref
  local pause=$1 rootfs kind context ref
  rootfs=$(rootfs_image kind-base) || exit 1
  kind=$(kind_module_dir)
  ref="$OFFLINE_REGISTRY/kind-base:$(pin KIND_VERSION)-$(content_key "$rootfs" "$pause" "$(tool_key containerd)" \
    "$(tool_key crictl)" "$(declare -f kind_base_image)" "$(cat "$NODE_IMAGE_DIR/cni-bridge.conflist.template")")"
  if image_exists "$ref"; then say "      $ref (cached)"; printf '%s\n' "$ref"; return 0; fi
  context=$(mktemp -d)
  cp -r "$kind/images/base/files" "$context/kind-files" && chmod -R u+w "$context/kind-files"
  cp "$(tool_dir containerd)"/{containerd,ctr,containerd-shim-runc-v2} "$(tool_dir crictl)/crictl" "$context/"
  cp "$NODE_IMAGE_DIR/cni-bridge.conflist.template" "$context/"
  # kind's base runtime spec: containerd's default plus kind's product-files hook, without rlimits.
  "$context/ctr" oci spec |
    jq '.hooks.createContainer[.hooks.createContainer|length] |= . + {"path": "/kind/bin/mount-product-files.sh"}' |
    jq 'del(.process.rlimits)' >"$context/cri-base.json"
  build_image "$ref" "$context" "FROM $rootfs
COPY kind-files/usr/local/bin/ /usr/local/bin/
COPY kind-files/kind/ /kind/
COPY kind-files/etc/ /etc/
COPY containerd ctr containerd-shim-runc-v2 crictl /usr/local/bin/
COPY cri-base.json /etc/containerd/cri-base.json
COPY cni-bridge.conflist.template /etc/containerd/cni-bridge.conflist.template
# The steps of kind's images/base Dockerfile, and the offline image's own: its pause image and its CNI.
RUN chmod 0755 /kind /kind/bin /kind/bin/* /usr/local/bin/* \\
 && mkdir -p /opt/cni/bin /etc/cni/net.d /etc/kubernetes/manifests \\
 && for p in bridge host-local loopback portmap ptp; do ln -s /usr/lib/cni/\$p /opt/cni/bin/\$p; done \\
 && find /lib/systemd/system/sysinit.target.wants/ -name systemd-tmpfiles-setup.service -delete \\
 && rm -f /lib/systemd/system/multi-user.target.wants/* /etc/systemd/system/*.wants/* \\
    /lib/systemd/system/local-fs.target.wants/* /lib/systemd/system/sockets.target.wants/*udev* \\
    /lib/systemd/system/sockets.target.wants/*initctl* /lib/systemd/system/basic.target.wants/* \\
 && echo ReadKMsg=no >> /etc/systemd/journald.conf \\
 && systemctl enable kubelet.service containerd.service undo-mount-hacks.service \\
 && systemctl mask systemd-binfmt.service \\
 && grep -q '^ *sandbox_image = ' /etc/containerd/config.toml \\
 && sed -i 's|^\\( *sandbox_image = \\).*|\\1\"$pause\"|' /etc/containerd/config.toml \\
 && printf '%s\\n' '' '[plugins.\"io.containerd.grpc.v1.cri\".cni]' \\
      '  conf_template = \"/etc/containerd/cni-bridge.conflist.template\"' >> /etc/containerd/config.toml
ENV container=docker
STOPSIGNAL SIGRTMIN+3
ENTRYPOINT [\"/usr/local/bin/entrypoint\", \"/sbin/init\"]"
  rm -rf "$context"
  printf '%s\n' "$ref"
}

# kind's default StorageClass manifest, taken from the kind module's source at build time, pointing at
# the provisioner and helper images built here.
storage_manifest() { # provisioner-ref helper-ref
  sed -n '/^const defaultStorageManifest = `/,/^`$/p' "$(kind_module_dir)/pkg/build/nodeimage/const_storage.go" |
    sed -e '1s/^const defaultStorageManifest = `//' -e '$d' \
      -e "s|\` + storageProvisionerImage + \`|$1|" -e "s|\` + storageHelperImage + \`|$2|"
}

# Starts the base image, copies Kubernetes in, imports the images into its containerd and commits.
#   kind_node_image <base-ref> <node-ref> <storage-manifest-file> <image-ref>...
kind_node_image() {
  local base=$1 ref=$2 storage=$3 binary image id
  shift 3
  if image_exists "$ref"; then say "      $ref (cached)"; return 0; fi
  id=$(docker run -d --entrypoint sleep --security-opt seccomp=unconfined "$base" infinity) ||
    fail "could not start the build container from $base"
  # shellcheck disable=SC2064
  trap "docker rm -f -v $id >/dev/null 2>&1" RETURN
  for binary in kubeadm kubelet kubectl; do
    docker cp "$(tool_dir kubernetes)/$binary" "$id:/usr/bin/$binary" || fail "docker cp $binary failed"
  done
  docker exec "$id" sh -c "echo v$(pin OFFLINE_KUBERNETES_VERSION) > /kind/version && mkdir -p /kind/manifests"
  docker exec -i "$id" sh -c 'cat > /kind/manifests/default-storage.yaml' <"$storage"
  # Its log would flood the terminal with a cgroup v1 deprecation line per import.
  docker exec "$id" bash -c 'nohup containerd >/var/log/containerd-build.log 2>&1 &'
  docker exec "$id" bash -c 'for i in $(seq 50); do [ -S /run/containerd/containerd.sock ] && ctr info >/dev/null 2>&1 && exit 0; sleep 0.2; done; exit 1' ||
    fail "containerd did not start in the build container"
  for image in "$@"; do
    docker save "$image" | docker exec -i "$id" ctr --namespace=k8s.io images import \
      --label=io.cri-containerd.pinned=pinned --all-platforms --no-unpack --digests - >"$storage.import.log" 2>&1 ||
      { tail -n 20 "$storage.import.log" >&2; fail "importing $image into the node image failed"; }
  done
  rm -f "$storage.import.log"
  # `sleep` is PID 1 and reaps nothing: containerd stays a zombie once it has exited, so wait for that.
  docker exec "$id" sh -c 'pkill -x containerd; while pgrep -r R,S,D -x containerd >/dev/null; do sleep 0.2; done; rm -f /var/log/containerd-build.log' || true
  docker commit --change 'ENTRYPOINT [ "/usr/local/bin/entrypoint", "/sbin/init" ]' \
    --change "LABEL $DEFAULT_CNI_LABEL=none" "$id" "$ref" >/dev/null || fail "docker commit of $ref failed"
  say "      $ref (built, $# images preloaded)"
}
