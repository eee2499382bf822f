#!/usr/bin/env bash
# Installs the Debian packages the test suite needs and Node/Go cannot provide. Idempotent and silent when
# everything is present; .ci/run calls it before `make test`. (The Docker engine has its own script,
# scripts/ci/docker-engine.sh, because it also has to be started.)
#   debootstrap  the Debian root filesystems of the offline images (scripts/images)
#   jq           the kind base image's runtime spec, and the runc wrapper of docker-engine.sh
#   ss           the local topology's listening-sockets test (iproute2)
#   openssl      the labs' and tests' certificate inspection
set -euo pipefail

declare -A PACKAGE_OF=([debootstrap]=debootstrap [jq]=jq [ss]=iproute2 [openssl]=openssl)

missing=()
for command in "${!PACKAGE_OF[@]}"; do
  command -v "$command" >/dev/null 2>&1 || [[ -x "/usr/sbin/$command" ]] || missing+=("${PACKAGE_OF[$command]}")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

say() { printf '[system-packages] %s\n' "$*" >&2; }
if ! command -v apt-get >/dev/null 2>&1; then
  say "error: missing ${missing[*]}, and this is not a Debian-like system (no apt-get)."
  say "Install ${missing[*]} with your package manager."
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
