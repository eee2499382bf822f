#!/usr/bin/env bash
# Shared by go-tools.sh and its recipes: logging, the pins, the Go environment, and the one build pattern
# most recipes need (a throwaway main module). Sourced, never run.

# shellcheck source=../lib/toolchain.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/toolchain.sh"
GO_BIN_CACHE="$CACHE_DIR/go-bin"

log() { printf '[go-tools] %s\n' "$*" >&2; }
die() { printf '[go-tools] error: %s\n' "$*" >&2; exit 1; }
pin() { toolchain::pin "$1"; }

go_env() {
  command -v go >/dev/null ||
    die "Go is not installed, and it is needed to build $1 (the local topology, the offline checks and the offline images run binaries built from Go modules). Install Go >= 1.26 (https://go.dev/dl) and run this again."
  export CGO_ENABLED=0 GOTOOLCHAIN=local GOFLAGS=-trimpath
  # A trailing ",direct" makes a proxy miss fall back to a git clone, which fails where only the module
  # proxy is reachable and hides the proxy's real answer.
  local proxy
  proxy=$(go env GOPROXY)
  [[ "$proxy" == *,direct && "$proxy" != direct ]] && export GOPROXY="${proxy%,direct}"
  return 0
}

# Prints the module cache folder of module@version, downloading it first.
module_dir() {
  local dir
  dir=$(cd "${TMPDIR:-/tmp}" && go mod download -json "$1" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",*$/\1/p')
  [[ -n "$dir" && -f "$dir/go.mod" ]] || die "the Go module proxy did not serve $1"
  printf '%s\n' "$dir"
}

# `go install pkg@version` refuses a module whose go.mod has replace directives, and ignores a
# dependency's replace directives. A throwaway main module that requires the module is the standard way
# around both: the recipe adds what it needs (requires, replaces), then builds packages from it.
#   throwaway_module <dir> <module@version>   (leaves the caller in <dir>)
throwaway_module() {
  local dir=$1 spec=$2
  mkdir -p "$dir" && cd "$dir" || die "cannot create $dir"
  go mod init e2r.local/build >/dev/null 2>&1 || die "go mod init failed in $dir"
  go mod edit -require "$spec"
}
