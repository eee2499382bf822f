#!/usr/bin/env bash
# Provides the project's pinned toolchain without root and without global changes:
#  - Node.js: the system Node if its major version matches NODE_VERSION's, otherwise the exact pinned
#    version from the npm registry's platform package (node-<os>-<arch>, the same binary the `node`
#    package installs, but without an install script), cached outside the repo by version.
#  - pnpm: the version in package.json's packageManager, from the npm registry, cached likewise.
#  - workspace dependencies: `pnpm install --frozen-lockfile` whenever node_modules lags the lockfile.
# Sourced by scripts/run and .ci/run; needs only bash, a system npm (any version) and flock.

toolchain::root() { cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd; }
ROOT="${ROOT:-$(toolchain::root)}"
CACHE_DIR="${OTEL_E2R_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/otel-edge-to-remote}"

toolchain::log() { printf '[toolchain] %s\n' "$*" >&2; }
toolchain::die() { printf '[toolchain] error: %s\n' "$*" >&2; exit 1; }

toolchain::pin() { # toolchain::pin KEY -> value from manifests/versions/versions.env
  local value
  value=$(sed -n "s/^$1=//p" "$ROOT/manifests/versions/versions.env")
  [[ -n "$value" ]] || toolchain::die "$1 is not set in manifests/versions/versions.env"
  printf '%s' "$value"
}

# npm install into a versioned cache folder: built in a temporary folder, then renamed into place, under
# a lock, so parallel make invocations never see a half-installed toolchain.
toolchain::npm_install_cached() { # dir package@version
  local dir=$1 spec=$2
  [[ -d "$dir/node_modules/.bin" ]] && return 0
  command -v npm >/dev/null ||
    toolchain::die "npm is needed once to fetch $spec from the npm registry; install Node.js (any version) with npm"
  mkdir -p "$(dirname "$dir")"
  (
    flock 9
    [[ -d "$dir/node_modules/.bin" ]] && exit 0
    local tmp="$dir.tmp.$$"
    rm -rf "$tmp"
    toolchain::log "installing $spec into $dir"
    npm install --prefix "$tmp" --no-save --no-package-lock --ignore-scripts --no-audit --no-fund \
      --loglevel=error "$spec" >&2 || { rm -rf "$tmp"; toolchain::die "npm could not install $spec"; }
    mv "$tmp" "$dir"
  ) 9>"$dir.lock"
}

toolchain::node_platform_package() {
  local os arch
  case "$(uname -s)" in
    Linux) os=linux ;; Darwin) os=darwin ;;
    *) toolchain::die "no pinned Node.js package for $(uname -s); install Node.js $(toolchain::pin NODE_VERSION) yourself" ;;
  esac
  case "$(uname -m)" in
    x86_64 | amd64) arch=x64 ;; aarch64 | arm64) arch=arm64 ;;
    *) toolchain::die "no pinned Node.js package for $(uname -m); install Node.js $(toolchain::pin NODE_VERSION) yourself" ;;
  esac
  printf 'node-%s-%s' "$os" "$arch"
}

toolchain::ensure_node() {
  local want major have=""
  want=$(toolchain::pin NODE_VERSION)
  major=${want%%.*}
  command -v node >/dev/null && have=$(node -p 'process.versions.node' 2>/dev/null || true)
  if [[ "${have%%.*}" == "$major" ]]; then return 0; fi
  local dir="$CACHE_DIR/node/$want"
  toolchain::npm_install_cached "$dir" "$(toolchain::node_platform_package)@$want"
  export PATH="$dir/node_modules/.bin:$PATH"
  [[ "$(node -p 'process.versions.node')" == "$want" ]] || toolchain::die "Node.js $want did not start from $dir"
}

toolchain::ensure_pnpm() {
  local want
  want=$(sed -n 's/.*"packageManager": *"pnpm@\([^"+]*\).*/\1/p' "$ROOT/package.json")
  [[ -n "$want" ]] || toolchain::die "package.json has no packageManager pnpm@<version>"
  if command -v pnpm >/dev/null && [[ "$(pnpm --version 2>/dev/null)" == "$want" ]]; then return 0; fi
  local dir="$CACHE_DIR/pnpm/$want"
  toolchain::npm_install_cached "$dir" "pnpm@$want"
  export PATH="$dir/node_modules/.bin:$PATH"
}

toolchain::ensure_deps() {
  # pnpm keeps a copy of the lockfile it installed from: equal files mean node_modules is current.
  if cmp -s "$ROOT/pnpm-lock.yaml" "$ROOT/node_modules/.pnpm/lock.yaml"; then return 0; fi
  toolchain::log "installing workspace dependencies (pnpm install --frozen-lockfile)"
  (cd "$ROOT" && pnpm install --frozen-lockfile --reporter=append-only >&2)
}

toolchain::ensure() {
  toolchain::ensure_node
  toolchain::ensure_pnpm
  export PATH="$ROOT/node_modules/.bin:$PATH"
}
