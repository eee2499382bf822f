#!/usr/bin/env bash
# Debian root filesystems for the offline images, made with debootstrap on the host (a container cannot
# download here: TLS to the package mirrors fails inside one) and imported into Docker. Sourced by
# offline.sh after lib.sh.
#
#   rootfs_image <flavor> -> prints the image reference, building it unless cached
#     slim       minbase + CA certificates + nftables: the Node.js base, kube-proxy, the storage helper
#     kind-base  what a kind node runs besides Kubernetes: systemd, the network tools, runc, CNI plugins

DEBIAN_MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}

rootfs_packages() {
  case "$1" in
    slim) echo ca-certificates nftables ;;
    # The package set of kind's images/base (minus what only rootless or network storage needs), plus
    # Debian's runc and CNI plugins in place of the ones kind builds itself.
    kind-base)
      echo systemd systemd-sysv dbus conntrack iptables nftables iproute2 ethtool util-linux mount kmod \
        libseccomp2 pigz bash ca-certificates curl jq procps socat runc containernetworking-plugins
      ;;
    *) fail "unknown root filesystem flavor '$1'" ;;
  esac
}

# The root filesystem is also kept as a tarball in the images cache, so that an engine whose data was
# deleted (make down PURGE=1) gets it back with `docker import` instead of another debootstrap.
rootfs_image() {
  local flavor=$1 suite packages ref dir tarball
  suite=$(pin DEBIAN_SUITE)
  packages=$(rootfs_packages "$flavor")
  ref="$OFFLINE_REGISTRY/rootfs-$flavor:$suite-$(content_key "$suite" "$packages" "$(declare -f rootfs_build)")"
  tarball="$IMAGES_CACHE/$(basename "${ref/:/-}").tar"
  if image_exists "$ref"; then
    say "      $ref (cached)"
  elif [[ -f "$tarball" ]]; then
    docker import - "$ref" <"$tarball" >/dev/null || fail "docker import of $tarball failed"
    say "      $ref (imported from $tarball)"
  else
    command -v debootstrap >/dev/null || fail "debootstrap is missing: apt-get install debootstrap (make up installs it)"
    dir=$(mktemp -d "${TMPDIR:-/tmp}/otel-e2r-rootfs.XXXXXX")
    rootfs_build "$dir" "$suite" "$packages" || { as_root rm -rf "$dir"; fail "debootstrap of the $flavor root filesystem failed"; }
    mkdir -p "$IMAGES_CACHE"
    as_root tar -C "$dir" --numeric-owner -c . >"$tarball.tmp" && mv "$tarball.tmp" "$tarball" ||
      { rm -f "$tarball.tmp"; as_root rm -rf "$dir"; fail "could not archive the $flavor root filesystem"; }
    as_root rm -rf "$dir"
    docker import - "$ref" <"$tarball" >/dev/null || fail "docker import of $ref failed"
    say "      $ref (built)"
  fi
  printf '%s\n' "$ref"
}

rootfs_build() { # dir suite packages
  local dir=$1 suite=$2 packages=$3
  # shellcheck disable=SC2086
  as_root debootstrap --variant=minbase --include="${packages// /,}" --components=main \
    "$suite" "$dir" "$DEBIAN_MIRROR" >"$dir.log" 2>&1 || { tail -n 20 "$dir.log" >&2; return 1; }
  rm -f "$dir.log"
  # What an image never needs: package lists, caches, docs and logs (kind's clean-install removes the same).
  as_root chroot "$dir" apt-get clean
  as_root sh -c "cd '$dir' && rm -rf var/lib/apt/lists/* var/cache/debconf/*-old var/log/* tmp/* var/tmp/* usr/share/doc/* usr/share/man/* usr/share/locale/*"
}
