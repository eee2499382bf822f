#!/usr/bin/env bash
# Debian root filesystems for the offline images, made with debootstrap on the host (a container cannot
# download here: TLS to the package mirrors fails inside one) and imported into Docker. Sourced by
# offline.sh after lib.sh.
#
#   rootfs_image <flavor> -> prints the image reference, building it unless cached
#     slim       minbase + CA certificates + nftables: the Node.js base, kube-proxy, the storage helper
#     kind-base  what a kind node runs besides Kubernetes: systemd, the network tools, runc, CNI plugins

DEBIAN_MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
# The mirror is plain http, so everything rests on the Release file's signature: debootstrap checks it
# against this keyring, named explicitly so that a missing keyring fails the build instead of letting
# debootstrap go on unverified. Set (and its package installed) by scripts/images/offline.ts.
DEBIAN_KEYRING=${DEBIAN_KEYRING:?"set by scripts/images/offline.ts (make up, make images), which runs this script"}

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

# The root filesystem is kept as a tarball in the images cache: an engine whose data was deleted (make down
# PURGE=1) gets it back with `docker import` instead of another debootstrap, and the tarball can be made
# before any engine runs (`offline.sh rootfs`, beside the Go builds: debootstrap mostly waits on the mirror).
#   rootfs_ref <flavor>      -> the image reference (content-keyed)
#   rootfs_tarball <flavor>  -> the tarball's path, debootstrapped unless cached
rootfs_ref() {
  local suite packages
  suite=$(pin DEBIAN_SUITE)
  packages=$(rootfs_packages "$1")
  printf '%s\n' "$OFFLINE_REGISTRY/rootfs-$1:$suite-$(content_key "$suite" "$packages" "$(declare -f rootfs_build)")"
}

rootfs_tarball() {
  local flavor=$1 ref tarball dir
  ref=$(rootfs_ref "$flavor") || exit 1
  tarball="$IMAGES_CACHE/$(basename "${ref/:/-}").tar"
  if [[ ! -f "$tarball" ]]; then
    command -v debootstrap >/dev/null || fail "debootstrap is missing: apt-get install debootstrap (make up installs it)"
    [[ -s "$DEBIAN_KEYRING" ]] ||
      fail "Debian's archive keyring $DEBIAN_KEYRING is missing: apt-get install debian-archive-keyring (make up installs it)"
    say "      debootstrap: the $flavor root filesystem ($(pin DEBIAN_SUITE))"
    dir=$(mktemp -d "${TMPDIR:-/tmp}/otel-e2r-rootfs.XXXXXX")
    rootfs_build "$dir" "$(pin DEBIAN_SUITE)" "$(rootfs_packages "$flavor")" ||
      { as_root rm -rf "$dir"; fail "debootstrap of the $flavor root filesystem failed"; }
    mkdir -p "$IMAGES_CACHE"
    as_root tar -C "$dir" --numeric-owner -c . >"$tarball.tmp" && mv "$tarball.tmp" "$tarball" ||
      { rm -f "$tarball.tmp"; as_root rm -rf "$dir"; fail "could not archive the $flavor root filesystem"; }
    as_root rm -rf "$dir"
  fi
  printf '%s\n' "$tarball"
}

rootfs_image() {
  local flavor=$1 ref tarball
  ref=$(rootfs_ref "$flavor") || exit 1
  if image_exists "$ref"; then
    say "      $ref (cached)"
  else
    tarball=$(rootfs_tarball "$flavor") || exit 1
    docker import - "$ref" <"$tarball" >/dev/null || fail "docker import of $tarball failed"
    say "      $ref (imported from $tarball)"
  fi
  printf '%s\n' "$ref"
}

# Both root filesystems as tarballs, for `offline.sh rootfs`.
rootfs_tarballs() {
  local flavor
  for flavor in slim kind-base; do rootfs_tarball "$flavor" >/dev/null || exit 1; done
}

rootfs_build() { # dir suite packages
  local dir=$1 suite=$2 packages=$3
  # shellcheck disable=SC2086
  as_root debootstrap --keyring="$DEBIAN_KEYRING" --variant=minbase --include="${packages// /,}" --components=main \
    "$suite" "$dir" "$DEBIAN_MIRROR" >"$dir.log" 2>&1 || { tail -n 20 "$dir.log" >&2; return 1; }
  rm -f "$dir.log"
  # What an image never needs: package lists, caches, docs and logs (kind's clean-install removes the same).
  as_root chroot "$dir" apt-get clean
  as_root sh -c "cd '$dir' && rm -rf var/lib/apt/lists/* var/cache/debconf/*-old var/log/* tmp/* var/tmp/* usr/share/doc/* usr/share/man/* usr/share/locale/*"
}
