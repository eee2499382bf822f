#!/usr/bin/env bash
# Shared by the offline image builds (hack/images/*.sh): numbered steps with timings, image naming and
# caching, the Go tools' folders, and small Docker helpers. Sourced, never run. Linux only (debootstrap,
# chroot), so bash. The Go tools come from scripts/gobuild through scripts/commands/tools.ts: `make up` and
# `make images-offline` build them first, with progress, and run this with the pinned Node on PATH.

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source=../lib/toolchain.sh
. "$ROOT/hack/lib/toolchain.sh"
# shellcheck disable=SC2034 # used by the scripts that source this one
IMAGES_CACHE="$CACHE_DIR/images"
TOOLS=(node "$ROOT/scripts/commands/tools.ts")
pin() { toolchain_pin "$1"; }
# Every image built offline is named under this registry host, which never resolves: nothing can pull it
# by accident, and `docker images otel-e2r.local/*` lists them all.
# shellcheck disable=SC2034 # used by the scripts that source this one
OFFLINE_REGISTRY=otel-e2r.local

say() { printf '[images] %s\n' "$*" >&2; }
fail() { printf '[images] error: %s\n' "$*" >&2; exit 1; }

STEP=0 STEPS=0 STEP_START=0
steps_begin() { STEPS=$1 STEP=0; }
step() {
  STEP=$((STEP + 1)) STEP_START=$SECONDS
  say "[$STEP/$STEPS] $*"
}
step_done() { say "      done in $((SECONDS - STEP_START))s${1:+: $1}"; }

image_exists() { docker image inspect "$1" >/dev/null 2>&1; }

# A short hash of the inputs an image is made from: its recipe text and the cache keys of its binaries.
content_key() { printf '%s\n' "$@" | sha256sum | cut -c1-12; }

# Builds an image from a generated Dockerfile and the files in a context folder, unless the tag exists.
#   build_image <ref> <context-dir> <dockerfile-text>
build_image() {
  local ref=$1 context=$2 dockerfile=$3
  if image_exists "$ref"; then say "      $ref (cached)"; return 0; fi
  printf '%s\n' "$dockerfile" >"$context/Dockerfile"
  # The classic builder: BuildKit would try to fetch its Dockerfile frontend from a registry. Its output
  # (and its deprecation notice) is shown only when the build fails.
  DOCKER_BUILDKIT=0 docker build --quiet --tag "$ref" "$context" >"$context.log" 2>&1 ||
    { tail -n 30 "$context.log" >&2; fail "docker build of $ref failed (context $context)"; }
  rm -f "$context.log"
  say "      $ref (built)"
}

# A one-binary image on an empty base: static Go binaries need nothing else.
#   static_image <ref> <binary-path> <dockerfile lines after COPY...>
static_image() {
  local ref=$1 binary=$2 extra=$3 context
  image_exists "$ref" && { say "      $ref (cached)"; return 0; }
  context=$(mktemp -d)
  cp "$binary" "$context/"
  build_image "$ref" "$context" "FROM scratch
COPY $(basename "$binary") /usr/local/bin/$(basename "$binary")
ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
$extra"
  rm -rf "$context"
}

# Every Go tool's folder, read once (building what is missing): TOOL_DIR[otelcol]=…/go-bin/otelcol/<key>.
declare -A TOOL_DIR=()
load_tool_dirs() {
  local tool dir
  while IFS=$'\t' read -r tool dir; do TOOL_DIR[$tool]=$dir; done < <("${TOOLS[@]}" dirs "$@") ||
    fail "the Go tools could not be built (see above)"
}
tool_dir() { [[ -n "${TOOL_DIR[$1]:-}" ]] || load_tool_dirs "$1"; printf '%s' "${TOOL_DIR[$1]}"; }
tool_key() { basename "$(tool_dir "$1")"; }
# The module cache folder of module@version (Go's module proxy, with the project's Go hygiene).
module_dir() { "${TOOLS[@]}" module-dir "$1" || fail "the Go module proxy did not serve $1"; }

need_root() {
  [[ $(id -u) -eq 0 ]] && return 0
  command -v sudo >/dev/null 2>&1 || fail "$1 needs root (debootstrap and chroot); run as root or install sudo"
  return 1
}
as_root() { if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo "$@"; fi; }
