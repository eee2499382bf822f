#!/usr/bin/env bash
# Installs the Debian packages the test suite needs and Node/Go cannot provide: nginx, the TLS-terminating
# HTTP/2 proxy that stands in for the remote Envoy Gateway in the local topology (scripts/local).
# Idempotent and silent when everything is present; .ci/run calls it before `make test`.
set -euo pipefail

PACKAGES=(nginx) # command name == Debian package name for everything listed here

missing=()
for package in "${PACKAGES[@]}"; do
  command -v "$package" >/dev/null 2>&1 || [[ -x "/usr/sbin/$package" ]] || missing+=("$package")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

say() { printf '[system-packages] %s\n' "$*" >&2; }
if ! command -v apt-get >/dev/null 2>&1; then
  say "error: missing ${missing[*]}, and this is not a Debian-like system (no apt-get)."
  say "Install ${missing[*]} with your package manager (the local topology runs nginx as the current user; no service is needed)."
  exit 1
fi
sudo=()
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null 2>&1 || { say "error: missing ${missing[*]}; run as root or install sudo, or: apt-get install ${missing[*]}"; exit 1; }
  sudo=(sudo)
fi
say "installing ${missing[*]} from Debian (apt-get)"
start=$SECONDS
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
say "installed ${missing[*]} in $((SECONDS - start))s"
