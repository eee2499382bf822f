#!/bin/sh
# Provides the project's pinned toolchain without root and without global changes:
#  - Node.js: the system Node when it is NODE_MIN_VERSION or newer within the same major (the code needs
#    import.meta.main, which Node 24.0 and 24.1 lack), otherwise the exact NODE_VERSION from the npm
#    registry's platform package (node-<os>-<arch>: the binary the `node` package installs, without an
#    install script), cached outside the repo by version.
#  - pnpm: the version in package.json's packageManager, from the npm registry, cached likewise.
#  - workspace dependencies: `pnpm install --frozen-lockfile` whenever node_modules lags the lockfile.
#
# Sourced by hack/run, which sets ROOT. POSIX sh on purpose: it is the first thing every make target runs,
# so it must work with macOS's /bin/sh (bash 3.2), dash and posh alike. No bash features, no `local`, no
# flock (a mkdir lock instead), no GNU-only flags; `make lint` runs it under dash and posh and checks it
# with checkbashisms and `shellcheck --shell=sh`. Every variable is prefixed `tc_` as `local` would not be.

CACHE_DIR=${OTEL_E2R_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/otel-edge-to-remote}

toolchain_log() { printf '[toolchain] %s\n' "$*" >&2; }
toolchain_die() {
  printf '[toolchain] error: %s\n' "$*" >&2
  exit 1
}

# toolchain_pin KEY: the value pinned in manifests/versions/versions.env.
toolchain_pin() {
  tc_value=$(sed -n "s/^$1=//p" "$ROOT/manifests/versions/versions.env")
  [ -n "$tc_value" ] || toolchain_die "$1 is not set in manifests/versions/versions.env"
  printf '%s' "$tc_value"
}

# toolchain_version_at_least HAVE WANT: both x.y.z; true when HAVE >= WANT.
toolchain_version_at_least() {
  tc_have=$1 tc_want=$2
  for tc_i in 1 2 3; do
    tc_h=$(printf '%s' "$tc_have" | cut -d. -f"$tc_i")
    tc_w=$(printf '%s' "$tc_want" | cut -d. -f"$tc_i")
    tc_h=${tc_h:-0} tc_w=${tc_w:-0}
    case "$tc_h$tc_w" in *[!0-9]*) return 1 ;; esac
    [ "$tc_h" -gt "$tc_w" ] && return 0
    [ "$tc_h" -lt "$tc_w" ] && return 1
  done
  return 0
}

# A lock that needs only mkdir (atomic everywhere): parallel make targets wait for one installer. A lock
# whose holder is gone (its pid no longer runs) is taken over; one held longer than ten minutes is an error.
toolchain_lock() { # dir
  tc_waited=0
  until mkdir "$1" 2>/dev/null; do
    tc_holder=$(cat "$1/pid" 2>/dev/null || true)
    if [ -n "$tc_holder" ] && ! kill -0 "$tc_holder" 2>/dev/null; then
      rm -rf "$1"
      continue
    fi
    [ "$tc_waited" -lt 600 ] || toolchain_die "waited 10 minutes for the lock $1 (held by pid ${tc_holder:-?}); remove it if nothing is installing"
    [ "$tc_waited" -gt 0 ] || toolchain_log "waiting for another install to finish (lock $1)"
    sleep 1
    tc_waited=$((tc_waited + 1))
  done
  echo "$$" >"$1/pid"
}

# npm install into a versioned cache folder: installed into a temporary folder, then renamed into place,
# under the lock, so no caller ever sees a half-installed toolchain.
toolchain_npm_install_cached() { # dir package@version
  [ -d "$1/node_modules/.bin" ] && return 0
  command -v npm >/dev/null 2>&1 ||
    toolchain_die "npm is needed once to fetch $2 from the npm registry; install Node.js (any version) with npm"
  mkdir -p "$(dirname "$1")"
  toolchain_lock "$1.lock"
  # An interrupted install leaves neither the lock nor a partial folder behind (the paths are expanded
  # now: the trap runs where $1 means something else).
  tc_partial="$1.tmp.$$" tc_lockdir="$1.lock"
  trap 'rm -rf "$tc_partial" "$tc_lockdir"' EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  if [ ! -d "$1/node_modules/.bin" ]; then
    rm -rf "$tc_partial"
    toolchain_log "installing $2 into $1"
    npm install --prefix "$tc_partial" --no-save --no-package-lock --ignore-scripts --no-audit --no-fund \
      --loglevel=error "$2" >&2 || toolchain_die "npm could not install $2 (is the npm registry reachable? npm config get registry)"
    mv "$tc_partial" "$1"
  fi
  rm -rf "$tc_lockdir"
  trap - EXIT INT TERM
}

toolchain_node_platform_package() {
  case "$(uname -s)" in
    Linux) tc_os=linux ;;
    Darwin) tc_os=darwin ;;
    *) toolchain_die "no pinned Node.js package for $(uname -s); install Node.js $(toolchain_pin NODE_VERSION) yourself" ;;
  esac
  case "$(uname -m)" in
    x86_64 | amd64) tc_arch=x64 ;;
    aarch64 | arm64) tc_arch=arm64 ;;
    *) toolchain_die "no pinned Node.js package for $(uname -m); install Node.js $(toolchain_pin NODE_VERSION) yourself" ;;
  esac
  printf 'node-%s-%s' "$tc_os" "$tc_arch"
}

# True when this Node can run the project: the pinned major, and at least NODE_MIN_VERSION.
toolchain_node_usable() { # version
  tc_min=$(toolchain_pin NODE_MIN_VERSION)
  [ "${1%%.*}" = "${tc_min%%.*}" ] && toolchain_version_at_least "$1" "$tc_min"
}

toolchain_ensure_node() {
  tc_have=""
  command -v node >/dev/null 2>&1 && tc_have=$(node -p 'process.versions.node' 2>/dev/null || true)
  if [ -n "$tc_have" ] && toolchain_node_usable "$tc_have"; then return 0; fi
  tc_node=$(toolchain_pin NODE_VERSION)
  # Said only where it surprises: a Node 24 that looks right but lacks what the code needs.
  [ "${tc_have%%.*}" != "${tc_node%%.*}" ] ||
    toolchain_log "Node.js $tc_have on PATH is older than $(toolchain_pin NODE_MIN_VERSION): using the pinned $tc_node"
  tc_dir="$CACHE_DIR/node/$tc_node"
  toolchain_npm_install_cached "$tc_dir" "$(toolchain_node_platform_package)@$tc_node"
  PATH="$tc_dir/node_modules/.bin:$PATH"
  export PATH
  [ "$(node -p 'process.versions.node')" = "$tc_node" ] || toolchain_die "Node.js $tc_node did not start from $tc_dir"
}

toolchain_ensure_pnpm() {
  tc_pnpm=$(sed -n 's/.*"packageManager": *"pnpm@\([^"+]*\).*/\1/p' "$ROOT/package.json")
  [ -n "$tc_pnpm" ] || toolchain_die "package.json has no packageManager pnpm@<version>"
  if command -v pnpm >/dev/null 2>&1 && [ "$(pnpm --version 2>/dev/null)" = "$tc_pnpm" ]; then return 0; fi
  tc_dir="$CACHE_DIR/pnpm/$tc_pnpm"
  toolchain_npm_install_cached "$tc_dir" "pnpm@$tc_pnpm"
  PATH="$tc_dir/node_modules/.bin:$PATH"
  export PATH
}

toolchain_ensure_deps() {
  # pnpm keeps a copy of the lockfile it installed from: equal files mean node_modules is current.
  if cmp -s "$ROOT/pnpm-lock.yaml" "$ROOT/node_modules/.pnpm/lock.yaml"; then return 0; fi
  toolchain_log "installing workspace dependencies (pnpm install --frozen-lockfile)"
  (cd "$ROOT" && pnpm install --frozen-lockfile --reporter=append-only >&2)
}

toolchain_ensure() {
  toolchain_ensure_node
  toolchain_ensure_pnpm
  PATH="$ROOT/node_modules/.bin:$PATH"
  export PATH
}
