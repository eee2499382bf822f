#!/usr/bin/env bash
# Builds the Go binaries the local topology and the offline contract tests need, from the Go module
# proxy, at the versions pinned in manifests/versions/versions.env. Each binary is cached outside the repo
# under a key of its pin (for the collector: a hash of the rendered builder manifest), so a binary is
# rebuilt only when its pin changes.
#
#   scripts/tools/go-tools.sh path <tool>   print the binary's path, building it first if needed
#   scripts/tools/go-tools.sh all           build every tool (progress and timings on stderr)
#   scripts/tools/go-tools.sh list          print the tools and their cache keys
#
# Tools: otelcol (the collector, built with OCB), jaeger, telemetrygen, kustomize, kubectl-validate,
# kube-linter.
set -euo pipefail

# shellcheck source=../lib/toolchain.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/toolchain.sh"
GO_BIN_CACHE="$CACHE_DIR/go-bin"
TOOLS=(otelcol jaeger telemetrygen kustomize kubectl-validate kube-linter)

log() { printf '[go-tools] %s\n' "$*" >&2; }
die() { printf '[go-tools] error: %s\n' "$*" >&2; exit 1; }

go_env() {
  command -v go >/dev/null ||
    die "Go is not installed, and it is needed to build $1 (the local topology and the offline checks run binaries built from Go modules). Install Go >= 1.26 (https://go.dev/dl) and run this again."
  export CGO_ENABLED=0 GOTOOLCHAIN=local GOFLAGS=-trimpath
  # A trailing ",direct" makes a proxy miss fall back to a git clone, which fails where only the module
  # proxy is reachable and hides the proxy's real answer.
  local proxy
  proxy=$(go env GOPROXY)
  [[ "$proxy" == *,direct && "$proxy" != direct ]] && export GOPROXY="${proxy%,direct}"
  return 0
}

# Renders the builder manifest with the pins substituted for ${KEY}.
render_builder_manifest() {
  local text key value
  text=$(<"$ROOT/scripts/tools/otelcol-builder.yaml")
  for key in $(grep -o '\${[A-Z0-9_]*}' <<<"$text" | sort -u | tr -d '${}'); do
    value=$(toolchain::pin "$key") || exit 1
    text=${text//\$\{$key\}/$value}
  done
  printf '%s\n' "$text"
}

cache_key() { # tool -> folder name under the cache
  case "$1" in
    otelcol) printf '%s-%s' "$(toolchain::pin OTELCOL_VERSION)" "$(render_builder_manifest | sha256sum | cut -c1-12)" ;;
    jaeger) printf '%s-module-%s' "$(toolchain::pin JAEGER_VERSION)" "$(toolchain::pin JAEGER_MODULE_VERSION)" ;;
    telemetrygen) toolchain::pin TELEMETRYGEN_VERSION ;;
    kustomize) toolchain::pin KUSTOMIZE_VERSION ;;
    kubectl-validate) toolchain::pin KUBECTL_VALIDATE_VERSION ;;
    kube-linter) toolchain::pin KUBE_LINTER_VERSION ;;
    *) die "unknown tool '$1' (expected one of: ${TOOLS[*]})" ;;
  esac
}

build() { # tool destination-folder
  local tool=$1 out=$2
  case "$tool" in
    otelcol)
      local work="$out/build"
      mkdir -p "$work"
      render_builder_manifest >"$work/builder.yaml"
      GOBIN="$work" go install "go.opentelemetry.io/collector/cmd/builder@v$(toolchain::pin OTELCOL_VERSION)"
      "$work/builder" --config "$work/builder.yaml" --output-path "$work/src" >"$work/builder.log" 2>&1 ||
        { tail -n 30 "$work/builder.log" >&2; die "the collector builder failed (log: $work/builder.log)"; }
      mv "$work/src/otelcol-e2r" "$out/otelcol"
      rm -rf "$work"
      ;;
    jaeger) build_jaeger "$out" ;;
    telemetrygen)
      GOBIN="$out" go install \
        "github.com/open-telemetry/opentelemetry-collector-contrib/cmd/telemetrygen@v$(toolchain::pin TELEMETRYGEN_VERSION)"
      ;;
    kustomize) GOBIN="$out" go install "sigs.k8s.io/kustomize/kustomize/v5@v$(toolchain::pin KUSTOMIZE_VERSION)" ;;
    kubectl-validate) GOBIN="$out" go install "sigs.k8s.io/kubectl-validate@v$(toolchain::pin KUBECTL_VALIDATE_VERSION)" ;;
    kube-linter) build_kube_linter "$out" ;;
  esac
}

# Jaeger's go.mod carries replace directives, which `go install pkg@version` refuses. A throwaway main
# module that requires Jaeger, repeats those replace directives and starts from Jaeger's own go.sum
# (whose hashes the checksum database vouches for via Jaeger's module) builds exactly the same code.
build_jaeger() {
  local out=$1 module=github.com/jaegertracing/jaeger version dir from to ver
  version="v$(toolchain::pin JAEGER_MODULE_VERSION)"
  mkdir -p "$out/build" && cd "$out/build" || return 1
  go mod init e2r.local/jaeger-build >/dev/null 2>&1 || return 1
  dir=$(go mod download -json "$module@$version" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",*$/\1/p')
  [[ -f "$dir/go.mod" ]] || { log "could not download $module@$version"; return 1; }
  cp "$dir/go.sum" go.sum && chmod u+w go.sum
  while read -r from _ to ver; do
    # `replace A => B vX` (single-line form) becomes `go mod edit -replace A=B@vX`.
    go mod edit -replace "$from=$to${ver:+@$ver}" || return 1
  done < <(sed -n 's/^replace[[:space:]]\+//p' "$dir/go.mod")
  go mod edit -require "$module@$version" || return 1
  # Resolve the build list the way Jaeger's own go.mod does: take its requirements as ours.
  go mod edit $(sed -n '/^require (/,/^)/p' "$dir/go.mod" | grep -v '^require (\|^)' |
    awk '{print "-require=" $1 "@" $2}') || return 1
  go build -mod=mod -o "$out/jaeger" "$module/cmd/jaeger" || return 1
  cd "$out" && rm -rf "$out/build"
}

# kube-linter's module path is golang.stackrox.io/kube-linter, a vanity host the module proxy does not
# serve here (403); the proxy does serve the same release under its repository path. `go install` refuses
# that path (go.mod declares the vanity one), so build the downloaded module as the main module instead:
# its go.sum pins every dependency, and -mod=readonly keeps it that way.
build_kube_linter() {
  local out=$1 version dir
  version="v$(toolchain::pin KUBE_LINTER_VERSION)"
  dir=$(cd "${TMPDIR:-/tmp}" && go mod download -json "github.com/stackrox/kube-linter@$version" |
    sed -n 's/^[[:space:]]*"Dir": "\(.*\)",*$/\1/p')
  [[ -f "$dir/go.mod" ]] || { log "could not download github.com/stackrox/kube-linter@$version"; return 1; }
  (cd "$dir" && go build -mod=readonly -ldflags "-X golang.stackrox.io/kube-linter/internal/version.version=$version" \
    -o "$out/kube-linter" ./cmd/kube-linter)
}

tool_path() { # tool -> prints the cached binary, building it under a lock if missing
  local tool=$1 dir
  dir="$GO_BIN_CACHE/$tool/$(cache_key "$tool")"
  if [[ ! -x "$dir/$tool" ]]; then
    go_env "$tool"
    mkdir -p "$GO_BIN_CACHE/$tool"
    (
      flock 9
      if [[ ! -x "$dir/$tool" ]]; then
        local tmp="$dir.tmp.$$" start=$SECONDS
        rm -rf "$tmp" && mkdir -p "$tmp"
        log "building $tool ($(cache_key "$tool")) — a cold build can take several minutes"
        if ! (build "$tool" "$tmp") || [[ ! -x "$tmp/$tool" ]]; then
          rm -rf "$tmp"
          die "building $tool failed (see the messages above)"
        fi
        rm -rf "$dir" && mv "$tmp" "$dir"
        log "built $tool in $((SECONDS - start))s -> $dir/$tool"
      fi
    ) 9>"$GO_BIN_CACHE/$tool/.lock"
  fi
  printf '%s\n' "$dir/$tool"
}

main() {
  case "${1:-}" in
    path) [[ $# -eq 2 ]] || die "usage: $0 path <tool>"; tool_path "$2" ;;
    all)
      local tool start=$SECONDS i=0
      for tool in "${TOOLS[@]}"; do
        i=$((i + 1))
        log "[$i/${#TOOLS[@]}] $tool"
        tool_path "$tool" >/dev/null
      done
      log "all ${#TOOLS[@]} tools ready in $((SECONDS - start))s"
      ;;
    list) for tool in "${TOOLS[@]}"; do printf '%s\t%s\n' "$tool" "$(cache_key "$tool")"; done ;;
    render-builder-manifest) render_builder_manifest ;;
    *) die "usage: $0 path <tool> | all | list | render-builder-manifest" ;;
  esac
}

main "$@"
