#!/usr/bin/env bash
# The container runtime, registries and HTTP proxy the e2e tests use, started by hand (no
# systemd here) and kept apart from any other Docker on the machine: own
# socket, data-root, exec-root, config, pid files and logs; loopback only.
#
#   scripts/services.sh up       start what is not running; a no-op when up
#   scripts/services.sh down     stop them all (never needed for CI to pass)
#   scripts/services.sh status   exit 0 when all answer, 3 otherwise
#   scripts/services.sh env      export lines: eval "$(scripts/services.sh env)"
#
# GOSTATIC_DOCKERD_NETWORK=bridge|host forces a dockerd network mode (default:
# bridge, falling back to host when bridge/iptables setup fails or when
# another dockerd owns /var/run/docker.sock and with it docker0).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=scripts/lib/daemon.sh
. "$HERE/lib/daemon.sh"

DOCKER_SOCK=/run/gostatic-docker.sock
DOCKER_URL=unix://$DOCKER_SOCK
DOCKER_DATA=/var/lib/gostatic-docker
DOCKER_EXEC=/run/gostatic-docker
DOCKER_PID=/run/gostatic-docker.pid
DOCKER_MODE=/run/gostatic-docker.mode
DOCKER_CONF=/run/gostatic-docker.json
DOCKER_LOG=/var/log/gostatic-docker.log
CHECK_IMAGE=gostatic/services-check:latest
REG_ADDR=127.0.0.1:5000
REG_DATA=/var/lib/gostatic-registry
REG_CONFIG=/run/gostatic-registry.yml
REG_PID=/run/gostatic-registry.pid
REG_LOG=/var/log/gostatic-registry.log
REG_USER=docker-registry
# A second registry with htpasswd auth, for the credential paths. The
# credentials are fixed test data (loopback only); the bcrypt htpasswd file
# is made from them at start-up, never committed.
REG_AUTH_ADDR=127.0.0.1:5001
REG_AUTH_DATA=/var/lib/gostatic-registry-auth
REG_AUTH_CONFIG=/run/gostatic-registry-auth.yml
REG_AUTH_HTPASSWD=/run/gostatic-registry-auth.htpasswd
REG_AUTH_PID=/run/gostatic-registry-auth.pid
REG_AUTH_LOG=/var/log/gostatic-registry-auth.log
REG_AUTH_USER=gostatic
REG_AUTH_PASSWORD=gostatic-test-password
# The HTTP proxy (squid) for the registry proxy tests: it alone resolves
# PROXY_HOST (to 127.0.0.1), and logs every request it forwards.
PROXY_ADDR=127.0.0.1:3128
PROXY_HOST=registry.gostatic.test
PROXY_PID=/run/gostatic-squid.pid
PROXY_HOSTS=/run/gostatic-squid.hosts
PROXY_CONF=/run/gostatic-squid.conf
PROXY_LOGDIR=/var/log/gostatic-squid
WAIT_SECS=${GOSTATIC_SERVICES_WAIT:-60}
# Debian's client matches the daemon's API; any client negotiates down anyway.
DOCKER_BIN=/usr/bin/docker
[ -x "$DOCKER_BIN" ] || DOCKER_BIN=$(command -v docker || echo docker)

log() { echo "services: $*" >&2; }
die() { log "error: $*"; exit 1; }
tail_log() { # dockerd's gRPC chatter would hide the one line that matters
  log "last lines of $1:"
  grep -v 'module=grpc' "$1" 2>/dev/null | tail -n 20 | sed 's/^/    /' >&2 || true
}
dk() { DOCKER_HOST=$DOCKER_URL timeout 20 "$DOCKER_BIN" "$@"; }

docker_answers() { dk info >/dev/null 2>&1; }

# port_owner <port>: "PID n (cmdline)" of what listens on TCP <port> on any
# address of this namespace; nothing when the port is free.
port_owner() {
  local pid
  command -v ss >/dev/null || return 0
  pid=$(ss -Hltnp "sport = :$1" 2>/dev/null | grep -o 'pid=[0-9]*' | head -n1 | cut -d= -f2) || true
  if [ -n "$pid" ]; then
    echo "PID $pid ($(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | sed 's/ $//' || cat "/proc/$pid/comm" 2>/dev/null))"
  elif ss -Hltn "sport = :$1" 2>/dev/null | grep -q .; then
    echo "a process this shell cannot see"
  fi
}

# claim_port <port> <config> <pid-file> <name>: before starting <name> on
# <port>. A registry of ours whose pid file was lost (its command line names
# <config>) is adopted: its pid is written back and 0 returned. Anything else
# on the port fails with what it is. 1: the port is free.
claim_port() {
  local owner pid
  owner=$(port_owner "$1")
  [ -n "$owner" ] || return 1
  pid=$(sed -n 's/^PID \([0-9]*\) .*/\1/p' <<<"$owner")
  if [ -n "$pid" ] && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "serve $2"; then
    echo "$pid" >"$3"
    log "$4 already up (pid $pid, found on port $1; pid file rewritten)"
    return 0
  fi
  local hint=
  if [ -n "$pid" ] && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = docker-registry ]; then
    hint=" (Debian's docker-registry service? scripts/install-tools.sh disables it: systemctl disable --now docker-registry; systemctl mask docker-registry)"
  fi
  die "port $1 is in use by $owner, not by the $4 this script starts$hint; stop it and re-run"
}

registry_answers() {
  if command -v curl >/dev/null; then
    curl -fsS -o /dev/null --max-time 3 "http://$REG_ADDR/v2/" 2>/dev/null
  else # curl is not among the tools we install; bash can speak HTTP/1.0
    # shellcheck disable=SC2016 # $1 expands in the inner bash
    timeout 3 bash -c 'exec 3<>"/dev/tcp/${1%:*}/${1#*:}" &&
      printf "GET /v2/ HTTP/1.0\r\n\r\n" >&3 && head -n1 <&3 | grep -q " 200 "' _ "$REG_ADDR" 2>/dev/null
  fi
}

# The auth registry answers /v2/ with 200 only to the right credentials.
auth_registry_answers() {
  # shellcheck disable=SC2016 # $1 and $2 expand in the inner bash
  timeout 3 bash -c 'exec 3<>"/dev/tcp/${1%:*}/${1#*:}" &&
    printf "GET /v2/ HTTP/1.0\r\nAuthorization: Basic %s\r\n\r\n" "$2" >&3 && head -n1 <&3 | grep -q " 200 "' \
    _ "$REG_AUTH_ADDR" "$(printf '%s:%s' "$REG_AUTH_USER" "$REG_AUTH_PASSWORD" | base64 -w0)" 2>/dev/null
}

# wait_for <check-fn> <pid-file> <name> <secs>: polls until the check passes;
# fails early when the process dies.
wait_for() {
  local deadline=$(( $(date +%s) + $4 ))
  exec_seen "$2" "$3" || { log "$3 exited during startup"; return 1; }
  while ! "$1"; do
    live_pid "$2" "$3" >/dev/null || { log "$3 exited during startup"; return 1; }
    [ "$(date +%s)" -lt "$deadline" ] || { log "$3 did not answer within $4s"; return 1; }
    sleep 0.2
  done
}

stop_pid() { # stop_pid <pid-file> <name> [quiet]
  local pid _
  pid=$(live_pid "$1" "$2") || { rm -f "$1"; [ -n "${3:-}" ] || log "$2 not running"; return 0; }
  kill -TERM "$pid"
  for _ in $(seq 1 150); do
    live_pid "$1" "$2" >/dev/null || break
    sleep 0.2
  done
  if live_pid "$1" "$2" >/dev/null; then log "$2 (pid $pid) ignored SIGTERM for 30s; killing"; kill -KILL "$pid"; fi
  rm -f "$1"
  log "$2 stopped (pid $pid)"
}

dockerd_flags() { # dockerd_flags <bridge|host>
  printf '%s\n' --data-root="$DOCKER_DATA" --exec-root="$DOCKER_EXEC" \
    --pidfile="$DOCKER_EXEC/dockerd.pid" --host="$DOCKER_URL" --config-file="$DOCKER_CONF" \
    --shutdown-timeout=5 \
    --containerd-namespace=gostatic --containerd-plugins-namespace=gostatic-plugins
  # (dockerd uses a running system containerd, e.g. containerd.service after
  # a reboot on a systemd host, in place of its own; its own namespaces keep
  # it apart from the system dockerd's "moby" there.)
  # Without a bridge or iptables rules dockerd touches no host networking;
  # containers then run with --network host, which is all the tests need.
  [ "$1" = bridge ] || printf '%s\n' --bridge=none --iptables=false --ip-masq=false --ip-forward=false
}

# pid files an earlier dockerd (and the containerd it ran) left when it was
# killed: dockerd refuses to start while its --pidfile names a live process,
# whatever that process is, and adopts any live pid in containerd.pid. A pid
# file is removed unless its process is the daemon it names.
clear_stale_pid_files() {
  local f want pid
  for f in "$DOCKER_EXEC/dockerd.pid:dockerd" "$DOCKER_EXEC/containerd/containerd.pid:containerd"; do
    want=${f##*:}; f=${f%:*}
    [ -e "$f" ] || continue
    pid=$(cat "$f" 2>/dev/null || true)
    if [[ $pid =~ ^[0-9]+$ ]] && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "$want" ] &&
       tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$DOCKER_EXEC"; then
      continue
    fi
    rm -f "$f"
  done
}

start_dockerd() { # start_dockerd <bridge|host>; fails with the log tail shown
  local t0 flags
  t0=$(now_ms)
  mkdir -p "$DOCKER_DATA" "$DOCKER_EXEC"
  clear_stale_pid_files
  rotate_log "$DOCKER_LOG"
  # Our own (empty) daemon.json, so a host /etc/docker/daemon.json can't clash.
  echo "{}" >"$DOCKER_CONF"
  mapfile -t flags < <(dockerd_flags "$1")
  echo "==== $(date -Is) dockerd ${flags[*]}" >>"$DOCKER_LOG"
  daemonize dockerd "${flags[@]}" </dev/null >>"$DOCKER_LOG" 2>&1 &
  # The subshell and setsid exec, so $! is dockerd. This pid file is ours:
  # dockerd writes its own --pidfile only once it has started.
  echo $! >"$DOCKER_PID"
  if ! wait_for docker_answers "$DOCKER_PID" dockerd "$WAIT_SECS"; then
    tail_log "$DOCKER_LOG"; stop_pid "$DOCKER_PID" dockerd quiet; return 1
  fi
  echo "$1" >"$DOCKER_MODE"
  log "dockerd up in $(since "$t0") (network $1, $DOCKER_URL, log $DOCKER_LOG)"
}

# No image can be pulled, so the check image is busybox-static imported.
check_container_runs() { # check_container_runs <network>
  if ! dk image inspect "$CHECK_IMAGE" >/dev/null 2>&1; then
    local dir; dir=$(mktemp -d)
    mkdir -p "$dir/bin"; cp /bin/busybox "$dir/bin/busybox"; ln -s busybox "$dir/bin/sh"
    tar -C "$dir" --owner=0 --group=0 --numeric-owner -cf - . |
      dk import -c 'CMD ["/bin/sh"]' - "$CHECK_IMAGE" >/dev/null
    rm -rf "$dir"
  fi
  local out
  out=$(dk run --rm --network "$1" "$CHECK_IMAGE" /bin/busybox echo gostatic-ok 2>&1) || true
  [ "$out" = gostatic-ok ] || { log "a container on network $1 failed to run: $out"; return 1; }
}

up_docker() {
  local pid mode
  [ -x "$DOCKER_BIN" ] || command -v "$DOCKER_BIN" >/dev/null || die "no docker CLI; run scripts/install-tools.sh"
  command -v dockerd >/dev/null || die "no dockerd; run scripts/install-tools.sh"
  # Ours with its pid file lost: dockerd's own --pidfile still names it.
  if ! live_pid "$DOCKER_PID" dockerd >/dev/null &&
     pid=$(live_pid "$DOCKER_EXEC/dockerd.pid" "--exec-root=$DOCKER_EXEC"); then
    echo "$pid" >"$DOCKER_PID"
    [ -s "$DOCKER_MODE" ] || { grep -qF -- '--bridge=none' "/proc/$pid/cmdline" && echo host || echo bridge; } >"$DOCKER_MODE"
    log "found our dockerd (pid $pid) without its pid file; adopting it"
  fi
  if pid=$(live_pid "$DOCKER_PID" dockerd); then
    wait_for docker_answers "$DOCKER_PID" dockerd 20 ||
      { tail_log "$DOCKER_LOG"; die "dockerd (pid $pid) runs but $DOCKER_URL does not answer; try: $0 down"; }
    log "dockerd already up (pid $pid, network $(cat "$DOCKER_MODE" 2>/dev/null || echo '?'), $DOCKER_URL)"
    return 0
  fi
  mode=${GOSTATIC_DOCKERD_NETWORK:-auto}
  case $mode in
    bridge|host) ;;
    auto) mode=bridge
      if [ -S /var/run/docker.sock ] && "$DOCKER_BIN" -H unix:///var/run/docker.sock info >/dev/null 2>&1; then
        log "another dockerd owns /var/run/docker.sock (and docker0); not touching host networking"
        mode=host
      fi ;;
    *) die "GOSTATIC_DOCKERD_NETWORK must be bridge or host, not '$mode'" ;;
  esac
  if start_dockerd "$mode" && check_container_runs "$mode" && check_container_runs host; then return 0; fi
  if [ "$mode" = bridge ] && [ -z "${GOSTATIC_DOCKERD_NETWORK:-}" ]; then
    log "bridge networking failed; retrying without bridge and iptables"
    stop_pid "$DOCKER_PID" dockerd quiet
    start_dockerd host && check_container_runs host && return 0
  fi
  die "dockerd could not run a container (log: $DOCKER_LOG)"
}

up_registry() {
  local pid t0
  command -v docker-registry >/dev/null || die "no docker-registry; run scripts/install-tools.sh"
  if pid=$(live_pid "$REG_PID" docker-registry); then
    wait_for registry_answers "$REG_PID" docker-registry 20 ||
      { tail_log "$REG_LOG"; die "registry (pid $pid) runs but http://$REG_ADDR/v2/ does not answer"; }
    log "registry already up (pid $pid, http://$REG_ADDR)"
    return 0
  fi
  # The registry in scripts/dagger-engine.sh's namespace shares $REG_DATA,
  # so one on this port that is not ours (other storage) cannot stand in.
  if claim_port "${REG_ADDR##*:}" "$REG_CONFIG" "$REG_PID" registry; then
    wait_for registry_answers "$REG_PID" docker-registry 20 ||
      { tail_log "$REG_LOG"; die "registry (pid $(cat "$REG_PID")) runs but http://$REG_ADDR/v2/ does not answer"; }
    return 0
  fi
  t0=$(now_ms)
  install -m 0644 "$HERE/registry/config.yml" "$REG_CONFIG"
  start_registry "$REG_CONFIG" "$REG_DATA" "$REG_LOG" "$REG_PID" registry_answers registry
  log "registry up in $(since "$t0") (http://$REG_ADDR, storage $REG_DATA, log $REG_LOG)"
}

# start_registry <config> <data-dir> <log> <pid-file> <check-fn> <name>:
# starts docker-registry as Debian's docker-registry user (when it exists)
# and waits until <check-fn> passes.
start_registry() {
  local as=()
  mkdir -p "$2"
  rotate_log "$3"
  if id "$REG_USER" >/dev/null 2>&1; then # Debian's package creates this user
    [ "$(stat -c %U "$2")" = "$REG_USER" ] || chown -R "$REG_USER:" "$2"
    as=(setpriv --reuid="$REG_USER" --regid="$REG_USER" --init-groups)
  fi
  echo "==== $(date -Is) docker-registry serve $1" >>"$3"
  daemonize "${as[@]}" docker-registry serve "$1" </dev/null >>"$3" 2>&1 &
  echo $! >"$4"
  wait_for "$5" "$4" docker-registry "$WAIT_SECS" ||
    { tail_log "$3"; stop_pid "$4" docker-registry quiet; die "$6 failed to start (log: $3)"; }
}

up_auth_registry() {
  local pid t0
  command -v htpasswd >/dev/null || die "no htpasswd (apache2-utils); run scripts/install-tools.sh"
  if pid=$(live_pid "$REG_AUTH_PID" docker-registry); then
    wait_for auth_registry_answers "$REG_AUTH_PID" docker-registry 20 ||
      { tail_log "$REG_AUTH_LOG"; die "auth registry (pid $pid) runs but http://$REG_AUTH_ADDR/v2/ does not accept the test credentials"; }
    log "auth registry already up (pid $pid, http://$REG_AUTH_ADDR)"
    return 0
  fi
  if claim_port "${REG_AUTH_ADDR##*:}" "$REG_AUTH_CONFIG" "$REG_AUTH_PID" "auth registry"; then
    wait_for auth_registry_answers "$REG_AUTH_PID" docker-registry 20 ||
      { tail_log "$REG_AUTH_LOG"; die "auth registry (pid $(cat "$REG_AUTH_PID")) runs but http://$REG_AUTH_ADDR/v2/ does not accept the test credentials"; }
    return 0
  fi
  t0=$(now_ms)
  install -m 0644 "$HERE/registry/config-auth.yml" "$REG_AUTH_CONFIG"
  # Temp + rename: a registry never reads half a file.
  htpasswd -nbB "$REG_AUTH_USER" "$REG_AUTH_PASSWORD" >"$REG_AUTH_HTPASSWD.tmp"
  chmod 0644 "$REG_AUTH_HTPASSWD.tmp" && mv -f "$REG_AUTH_HTPASSWD.tmp" "$REG_AUTH_HTPASSWD"
  start_registry "$REG_AUTH_CONFIG" "$REG_AUTH_DATA" "$REG_AUTH_LOG" "$REG_AUTH_PID" auth_registry_answers "auth registry"
  log "auth registry up in $(since "$t0") (http://$REG_AUTH_ADDR, htpasswd, log $REG_AUTH_LOG)"
}

# Through the proxy, by the name only it resolves, the loopback registry answers.
proxy_answers() {
  # shellcheck disable=SC2016 # $1 and $2 expand in the inner bash
  timeout 5 bash -c 'exec 3<>"/dev/tcp/${1%:*}/${1#*:}" &&
    printf "GET http://%s/v2/ HTTP/1.0\r\n\r\n" "$2" >&3 && head -n1 <&3 | grep -q " 200 "' \
    _ "$PROXY_ADDR" "$PROXY_HOST:${REG_ADDR##*:}" 2>/dev/null
}

up_proxy() {
  local pid t0 owner
  command -v squid >/dev/null || die "no squid; run scripts/install-tools.sh"
  if pid=$(live_pid "$PROXY_PID" squid); then
    wait_for proxy_answers "$PROXY_PID" squid 20 ||
      { tail_log "$PROXY_LOGDIR/cache.log"; die "squid (pid $pid) runs but does not reach the registry"; }
    log "proxy already up (pid $pid, http://$PROXY_ADDR)"
    return 0
  fi
  owner=$(port_owner "${PROXY_ADDR##*:}")
  [ -z "$owner" ] || die "port ${PROXY_ADDR##*:} is in use by $owner, not by the squid this script starts"
  t0=$(now_ms)
  install -m 0644 "$HERE/squid/squid.conf" "$PROXY_CONF"
  printf '127.0.0.1 %s\n' "$PROXY_HOST" >"$PROXY_HOSTS.tmp" && mv -f "$PROXY_HOSTS.tmp" "$PROXY_HOSTS"
  mkdir -p "$PROXY_LOGDIR"
  chown proxy: "$PROXY_LOGDIR" 2>/dev/null || true
  echo "==== $(date -Is) squid -N -f $PROXY_CONF" >>"$PROXY_LOGDIR/cache.log"
  daemonize squid -N -f "$PROXY_CONF" </dev/null >>"$PROXY_LOGDIR/cache.log" 2>&1 &
  echo $! >"$PROXY_PID"
  wait_for proxy_answers "$PROXY_PID" squid "$WAIT_SECS" ||
    { tail_log "$PROXY_LOGDIR/cache.log"; stop_pid "$PROXY_PID" squid quiet; die "squid failed to start"; }
  log "proxy up in $(since "$t0") (http://$PROXY_ADDR, $PROXY_HOST -> 127.0.0.1, log $PROXY_LOGDIR/access.log)"
}

status() {
  local rc=0 pid
  if pid=$(live_pid "$DOCKER_PID" dockerd) && docker_answers; then
    echo "dockerd   up    pid $pid  $DOCKER_URL  network $(cat "$DOCKER_MODE" 2>/dev/null || echo '?')  $(dk version -f '{{.Server.Version}}' 2>/dev/null)"
  else echo "dockerd   down  ($DOCKER_URL)"; rc=3; fi
  if pid=$(live_pid "$REG_PID" docker-registry) && registry_answers; then
    echo "registry  up    pid $pid  http://$REG_ADDR"
  elif registry_answers; then echo "registry  up    but not ours: $(port_owner "${REG_ADDR##*:}")  http://$REG_ADDR"; rc=3
  else echo "registry  down  (http://$REG_ADDR)"; rc=3; fi
  if pid=$(live_pid "$REG_AUTH_PID" docker-registry) && auth_registry_answers; then
    echo "registry  up    pid $pid  http://$REG_AUTH_ADDR  (htpasswd auth)"
  else echo "registry  down  (http://$REG_AUTH_ADDR, htpasswd auth)"; rc=3; fi
  if pid=$(live_pid "$PROXY_PID" squid) && proxy_answers; then
    echo "proxy     up    pid $pid  http://$PROXY_ADDR  ($PROXY_HOST -> 127.0.0.1)"
  else echo "proxy     down  (http://$PROXY_ADDR)"; rc=3; fi
  return $rc
}

lock() { # serialise concurrent up/down from several shells
  exec 9>/run/gostatic-services.lock
  flock -w 180 9 || die "another services.sh is still running"
}
need_root() { [ "$(id -u)" = 0 ] || die "$1 needs root (dockerd and /run)"; }

case ${1:-} in
  up)
    need_root up; lock
    up_docker
    up_registry
    up_auth_registry
    up_proxy ;;
  down)
    need_root down; lock
    stop_pid "$PROXY_PID" squid
    stop_pid "$REG_AUTH_PID" docker-registry
    stop_pid "$REG_PID" docker-registry
    stop_pid "$DOCKER_PID" dockerd
    rm -f "$DOCKER_MODE" ;;
  status) status ;;
  env)
    live_pid "$DOCKER_PID" dockerd >/dev/null || log "warning: dockerd is not running; run: $0 up"
    echo "export DOCKER_HOST=$DOCKER_URL"
    echo "export GOSTATIC_REGISTRY=$REG_ADDR"
    echo "export GOSTATIC_AUTH_REGISTRY=$REG_AUTH_ADDR"
    echo "export GOSTATIC_AUTH_REGISTRY_USER=$REG_AUTH_USER"
    echo "export GOSTATIC_AUTH_REGISTRY_PASSWORD=$REG_AUTH_PASSWORD"
    echo "export GOSTATIC_PROXY=$PROXY_ADDR"
    echo "export GOSTATIC_PROXY_HOST=$PROXY_HOST"
    echo "export GOSTATIC_PROXY_LOG=$PROXY_LOGDIR/access.log"
    echo "export GOSTATIC_DOCKER_NETWORK=$(cat "$DOCKER_MODE" 2>/dev/null || echo host)" ;;
  *) echo "usage: $0 up|down|status|env" >&2; exit 2 ;;
esac
