#!/usr/bin/env bash
# The project's own Docker engine, for Debian-like machines that have none answering (the project's CI, a
# fresh VM): Debian's dockerd, started by hand with its data under the project's cache folder. `make up`
# starts it (after installing docker.io with apt where needed) and `make down` stops it; it never touches an
# engine that already answers: `start` then only says so, and `stop` only stops an engine this script
# started. Linux only, so bash (not on the path macOS users run).
#
#   hack/engine/docker-engine.sh start    start, wait until it answers (idempotent; dockerd must be installed)
#   hack/engine/docker-engine.sh stop     stop the engine this script started (no-op otherwise)
#   hack/engine/docker-engine.sh purge    stop it, then delete its data (images, containers, volumes)
#   hack/engine/docker-engine.sh status   say which engine answers and who started it
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source=../lib/toolchain.sh
. "$ROOT/hack/lib/toolchain.sh"
ENGINE_DIR="$CACHE_DIR/docker-engine"
PIDFILE="$ENGINE_DIR/dockerd.pid"
LOGFILE="$ENGINE_DIR/dockerd.log"
WRAPPER="$ENGINE_DIR/runc-without-sys-resource"
PROBE_IMAGE=otel-e2r.local/probe:busybox
READY_TIMEOUT=${DOCKER_ENGINE_TIMEOUT:-60}

say() { printf '[docker-engine] %s\n' "$*" >&2; }
fail() { printf '[docker-engine] error: %s\n' "$*" >&2; exit 1; }

answers() { docker version --format '{{.Server.Version}}' >/dev/null 2>&1; }
ours_running() { [[ -f "$PIDFILE" ]] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; }

# daemon.json: the runc wrapper as the default runtime when the machine needs it, nothing otherwise.
write_config() { # needs-wrapper(yes|no)
  if [[ $1 == yes ]]; then
    cp "$ROOT/hack/engine/runc-without-sys-resource" "$WRAPPER" && chmod 0755 "$WRAPPER"
    printf '{"runtimes": {"runc-without-sys-resource": {"path": "%s"}}, "default-runtime": "runc-without-sys-resource"}\n' \
      "$WRAPPER" >"$ENGINE_DIR/daemon.json"
  else
    printf '{}\n' >"$ENGINE_DIR/daemon.json"
  fi
}

start_daemon() {
  local deadline=$((SECONDS + READY_TIMEOUT))
  # setsid: the engine outlives this script's process group (make, CI steps) until `stop`.
  setsid dockerd --config-file "$ENGINE_DIR/daemon.json" --data-root "$ENGINE_DIR/data" \
    --exec-root "$ENGINE_DIR/exec" --pidfile "$PIDFILE" >>"$LOGFILE" 2>&1 </dev/null &
  until answers; do
    ((SECONDS < deadline)) || { tail -n 15 "$LOGFILE" >&2; fail "dockerd did not answer within ${READY_TIMEOUT}s (log: $LOGFILE)"; }
    sleep 0.5
  done
}

stop_daemon() {
  local pid deadline=$((SECONDS + 30))
  ours_running || return 0
  pid=$(cat "$PIDFILE")
  kill -TERM "$pid"
  while kill -0 "$pid" 2>/dev/null; do
    ((SECONDS < deadline)) || { kill -KILL "$pid" 2>/dev/null; break; }
    sleep 0.5
  done
  rm -f "$PIDFILE"
  unmount_leftovers
}

# Mounts dockerd leaves under its folders when it stops or dies: the data root bound onto itself and the
# network namespaces of containers it did not reap. `rm -rf` cannot cross them ("Device or resource busy").
leftover_mounts() {
  local mount_point
  awk '{print $5}' /proc/self/mountinfo | while IFS= read -r mount_point; do
    mount_point=$(printf '%b' "$mount_point") # mountinfo escapes spaces as \040
    case "$mount_point" in "$ENGINE_DIR" | "$ENGINE_DIR"/*) printf '%s\n' "$mount_point" ;; esac
  done | sort -r # deepest first
}

unmount_leftovers() {
  local mount_point
  while IFS= read -r mount_point; do
    umount "$mount_point" 2>/dev/null || umount -l "$mount_point" ||
      fail "cannot unmount $mount_point, so its data cannot be deleted (is a container still using it?)"
  done < <(leftover_mounts)
}

# What a privileged test container's outcome means: ok, caps (the capability quirk the runc wrapper
# works around), or other:<message>.
probe_verdict() { # exit-code output
  if [[ $1 -eq 0 ]]; then echo ok
  elif grep -q 'unable to apply caps: operation not permitted' <<<"$2"; then echo caps
  else echo "other:$2"; fi
}

# Does a privileged container start? kind's nodes are privileged containers.
privileged_probe() {
  local out code=0
  docker image inspect "$PROBE_IMAGE" >/dev/null 2>&1 ||
    tar -C /bin -c busybox | docker import - "$PROBE_IMAGE" >/dev/null
  out=$(docker run --rm --privileged "$PROBE_IMAGE" /busybox true 2>&1) || code=$?
  probe_verdict "$code" "$out"
}

start() {
  if answers && ! ours_running; then
    say "a Docker engine already answers ($(docker version --format '{{.Server.Version}}')); using it unchanged"
    return 0
  fi
  if ours_running; then say "the engine started earlier is running (pid $(cat "$PIDFILE"))"; return 0; fi
  command -v dockerd >/dev/null || fail "dockerd is not installed (make up installs Debian's docker.io first)"
  mkdir -p "$ENGINE_DIR"
  local start=$SECONDS probe
  [[ -f "$ENGINE_DIR/daemon.json" ]] || write_config no
  start_daemon
  probe=$(privileged_probe)
  if [[ $probe == caps ]] && ! grep -q runc-without-sys-resource "$ENGINE_DIR/daemon.json"; then
    say "privileged containers fail here (the capability bounding set lacks CAP_SYS_RESOURCE): adding the runc wrapper"
    stop_daemon && write_config yes && start_daemon
    probe=$(privileged_probe)
  fi
  [[ $probe == ok ]] || fail "a privileged test container does not start: ${probe#other:}"
  say "dockerd $(docker version --format '{{.Server.Version}}') ready in $((SECONDS - start))s (data: $ENGINE_DIR/data$(grep -q runc-without-sys-resource "$ENGINE_DIR/daemon.json" && echo ', runc wrapper for privileged containers'))"
}

main() {
  case "${1:-}" in
    start) start ;;
    stop) if ours_running; then stop_daemon; say "stopped the engine this script started"; else say "no engine of ours is running"; fi ;;
    purge)
      ours_running && stop_daemon && say "stopped the engine this script started"
      if [[ -d "$ENGINE_DIR" ]]; then
        unmount_leftovers
        rm -rf "$ENGINE_DIR"
        say "deleted its data ($ENGINE_DIR)"
      fi
      ;;
    status)
      if ours_running; then say "running, started by this script (pid $(cat "$PIDFILE"), data $ENGINE_DIR/data)"
      elif answers; then say "a Docker engine answers that this script did not start"
      else say "no Docker engine answers"; exit 1; fi
      ;;
    *) fail "usage: $0 start | stop | purge | status" ;;
  esac
}

# Sourced (by its tests) it only defines its functions.
if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then main "$@"; fi
