#!/usr/bin/env bash
# Builds the Go binaries the project runs, from the Go module proxy, at the versions pinned in
# manifests/versions/versions.env. Each tool has one recipe in scripts/tools/recipes/<tool>.sh (its cache
# key and its build). Binaries are cached outside the repo under a key of their pins, so a tool is rebuilt
# only when its pin changes, and a lock lets parallel callers wait for one build.
#
#   scripts/tools/go-tools.sh path <tool> [binary]  print a binary's path, building the tool first if needed
#   scripts/tools/go-tools.sh dir <tool>            print the folder holding the tool's binaries
#   scripts/tools/go-tools.sh all [group]           build every tool, or one group (progress on stderr)
#   scripts/tools/go-tools.sh list                  print the tools, their groups and cache keys
#
# Groups: local (the local topology), contract (the offline manifest checks), cluster (the kind node
# image and the host's kind and kubectl for the offline images).
set -euo pipefail

# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
RECIPES="$ROOT/scripts/tools/recipes"

declare -A GROUP=(
  [otelcol]=local [jaeger]=local [telemetrygen]=local [traefik]=local [prometheus]=local
  [kubectl-validate]=contract [kube-linter]=contract
  [kind]=cluster [kubernetes]=cluster [etcd]=cluster [coredns]=cluster [containerd]=cluster
  [crictl]=cluster [local-path-provisioner]=cluster [pause]=cluster
)
TOOLS=(otelcol jaeger telemetrygen traefik prometheus kubectl-validate kube-linter
  kind kubernetes etcd coredns containerd crictl local-path-provisioner pause)

# Loads one recipe into a fresh set of functions: recipe_key, recipe_build OUT, and RECIPE_BINARIES (the
# binaries the build leaves in OUT; default: one named like the tool).
load_recipe() {
  [[ -n "${GROUP[$1]:-}" ]] || die "unknown tool '$1' (expected one of: ${TOOLS[*]})"
  unset -f recipe_key recipe_build
  RECIPE_BINARIES=("$1")
  # shellcheck source=/dev/null
  source "$RECIPES/$1.sh"
}

tool_dir() { load_recipe "$1" && printf '%s/%s/%s' "$GO_BIN_CACHE" "$1" "$(recipe_key)"; }

# Every binary of the recipe is in the tool's cache folder. A build happens in a temporary folder that is
# renamed into place when it succeeded, so a folder that exists is a complete build.
is_built() { # dir
  local binary
  for binary in "${RECIPE_BINARIES[@]}"; do [[ -x "$1/$binary" ]] || return 1; done
}

# Builds a tool into its cache folder unless it is there.
ensure_tool() {
  local tool=$1 dir
  load_recipe "$tool"
  dir="$GO_BIN_CACHE/$tool/$(recipe_key)"
  is_built "$dir" && return 0
  go_env "$tool"
  mkdir -p "$GO_BIN_CACHE/$tool"
  (
    flock 9
    is_built "$dir" && exit 0
    local tmp="$dir.tmp.$$" start=$SECONDS binary
    rm -rf "$tmp" && mkdir -p "$tmp"
    log "building $tool ($(recipe_key)) — a cold build can take several minutes"
    if ! (recipe_build "$tmp"); then
      rm -rf "$tmp"
      die "building $tool failed (see the messages above)"
    fi
    for binary in "${RECIPE_BINARIES[@]}"; do
      [[ -x "$tmp/$binary" ]] || { rm -rf "$tmp"; die "building $tool left no $binary"; }
    done
    rm -rf "$dir" && mv "$tmp" "$dir"
    log "built $tool in $((SECONDS - start))s -> $dir"
  ) 9>"$GO_BIN_CACHE/$tool/.lock"
}

build_all() { # [group]
  local tool start=$SECONDS i=0 selected=()
  for tool in "${TOOLS[@]}"; do
    [[ -z "${1:-}" || "${GROUP[$tool]}" == "$1" ]] && selected+=("$tool")
  done
  [[ ${#selected[@]} -gt 0 ]] || die "unknown group '$1' (expected local, contract or cluster)"
  for tool in "${selected[@]}"; do
    i=$((i + 1))
    log "[$i/${#selected[@]}] $tool"
    ensure_tool "$tool"
  done
  log "${#selected[@]} tools ready in $((SECONDS - start))s"
}

main() {
  case "${1:-}" in
    path)
      [[ $# -eq 2 || $# -eq 3 ]] || die "usage: $0 path <tool> [binary]"
      ensure_tool "$2"
      printf '%s/%s\n' "$(tool_dir "$2")" "${3:-$2}"
      ;;
    dir) [[ $# -eq 2 ]] || die "usage: $0 dir <tool>"; ensure_tool "$2"; tool_dir "$2"; echo ;;
    all) build_all "${2:-}" ;;
    list) for tool in "${TOOLS[@]}"; do printf '%s\t%s\t%s\n' "$tool" "${GROUP[$tool]}" "$(load_recipe "$tool" && recipe_key)"; done ;;
    render-builder-manifest) load_recipe otelcol && render_builder_manifest ;;
    *) die "usage: $0 path <tool> [binary] | dir <tool> | all [group] | list | render-builder-manifest" ;;
  esac
}

main "$@"
