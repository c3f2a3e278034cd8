#!/usr/bin/env bash
# A real Dagger engine for the dagger-engine tests, built from Dagger's Go
# module (no container registry or download host is reachable here) and run
# on this machine, isolated from the host's network and mounts.
#
#   scripts/dagger-engine.sh build    build and cache the binaries; a no-op when cached
#   scripts/dagger-engine.sh up       build if needed, start the engine; a no-op when up
#   scripts/dagger-engine.sh down     stop the engine and remove its network namespace
#   scripts/dagger-engine.sh status   exit 0 when a session answers a query, 3 otherwise
#   scripts/dagger-engine.sh env      export lines: eval "$(scripts/dagger-engine.sh env)"
#   scripts/dagger-engine.sh vet      gofmt + go vet the Go sources in scripts/dagger/
#   scripts/dagger-engine.sh --tcp up|down|status|env
#                                     the same for a second engine, shared over TCP (below)
#
# What is built, and why it differs from a stock engine image:
# - Version: the Go module proxy here serves github.com/dagger/dagger at
#   v0.21.8 and refuses v0.21.9 (403 "not available"), so the engine is v0.21.8
#   (driven by the @dagger.io/dagger 0.21.9 SDK; every call our tests make works).
# - The root go.mod replaces dagger.io/dagger and .../engine/distconsts with
#   nested dirs that a module zip lacks. dagger.io/dagger is replaced by its
#   published version. distconsts has no tag and the proxy refuses its
#   pseudo-version, so we write a module with the constants the engine reads
#   (the paths a stock engine image uses: scripts/dagger/distconsts/).
# - The proxy refuses four modules: github.com/vito/{tuist,tuist/teav1,
#   midterm} (the CLI's terminal UI) and github.com/vito/dang/v2 (the Dang v2
#   module SDK). They get empty stand-in modules, and the engine is built with
#   `go build -overlay` that (a) swaps package dagql/idtui for a small one of
#   ours with the few names the engine uses (scripts/dagger/idtui/), (b) drops
#   one midterm call from util/scrub and (c) serves Dang modules with the v1
#   SDK. The upstream CLI cannot be built without them, so `dagger` is our
#   session-only client over the engine's own client package
#   (scripts/dagger/session-cli/): it implements `dagger session`, the one
#   command SDKs run. When the proxy serves all four, the stock CLI and
#   engine are built instead.
# - Go: Dagger's go.mod names the minimum Go (`go 1.26.1` for v0.21.8); the
#   build runs with GOTOOLCHAIN=auto, so an older local Go fetches that
#   toolchain through the Go module proxy instead of failing.
# - Cache: $CACHE/BUILD-INFO records RECIPE and a hash of scripts/dagger/, and
#   a build is reused only when both match: editing a Go source there rebuilds
#   by itself; bump RECIPE when the build steps in this script change.
#
# Runtime (`up`): a network namespace of our own holds the engine, its bridge,
# dnsmasq and iptables rules, and a second docker-registry on its loopback
# 127.0.0.1:5000 sharing the storage of the host's (scripts/services.sh), so
# image refs read the same inside and out. The engine enters it with
# `nsenter --net` (not `ip netns exec`, whose fresh /sys drops the cgroup
# mounts runc needs) and runs under `unshare --mount --propagation private`,
# with a sysfs of its namespace, and overlays on /etc, /usr/bin and
# /usr/local whose writes land in $STATE/overlay, never on the host: it
# symlinks iptables into /usr/bin, bind-mounts /etc/resolv.conf, creates its
# builtin content store under /usr/local/share/dagger and would run
# update-ca-certificates for the host's /usr/local/share/ca-certificates (we
# hide those in its view). runc is Debian's, at /usr/local/bin/runc in that
# view (the engine hard-codes the path); the CNI plugins (Debian's bridge,
# loopback, firewall, host-local plus the engine's dnsname) are in $BIN/cni,
# passed with --oci-cni-binary-dir instead of /opt/cni/bin, which would need
# a mount point on the host. The CNI plugins do keep state on the host
# (/var/lib/cni, /run/containers/cni/dnsname/dagger) and dnsmasq outlives
# an engine that dies, so every fresh start (no engine answering) and `down`
# first clears what an earlier engine left: processes in the namespace, the
# namespace itself, that CNI state and the sockets.
#
# The second engine (`--tcp`): the same binaries in a network namespace of
# its own (gostatic-dagger-tcp) with its own registry, state and logs,
# listening on tcp://10.203.25.2:1234 and reachable from the host only
# through a veth pair (10.203.25.1 <-> 10.203.25.2), so its clients cross a
# real network hop, as CI runners sharing one engine do. Its container
# network gets its own name, and the host-wide paths an engine writes (the
# CNI state in /var/lib/cni and /run/containers, the buildkit socket in
# /run/buildkit) are its own folders bind-mounted in its mount namespace, so
# the two engines never touch each other's state. `env` adds
# GOSTATIC_DAGGER_TCP=<its address> while it runs.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=scripts/lib/daemon.sh
. "$HERE/lib/daemon.sh"
SELF="$HERE/$(basename "${BASH_SOURCE[0]}")"
GO_SRC=$HERE/dagger # the Go sources the build copies in (see its README.md)

DAGGER_VERSION=${GOSTATIC_DAGGER_VERSION:-v0.21.8}
RECIPE=1 # bump when the build steps below change (scripts/dagger/ is hashed in)
CACHE=${GOSTATIC_DAGGER_CACHE:-/var/cache/gostatic/dagger-$DAGGER_VERSION}
BIN=$CACHE/bin
# The TCP engine's address and where its pid file is, known to both instances (`env` reports it while it runs).
TCP_HOST_IP=10.203.25.1
TCP_NS_IP=10.203.25.2
TCP_RUNNER_HOST=tcp://$TCP_NS_IP:1234
TCP_ENGINE_PID=/run/gostatic-dagger-tcp/engine.pid
TCP=0
MODE=() # passed on to the engine's own run of this script
if [ "${1:-}" = --tcp ]; then TCP=1; MODE=(--tcp); shift; fi
if [ "$TCP" = 1 ]; then
  NETNS=gostatic-dagger-tcp
  SOCK= # none: the engine listens on TCP only (and on the buildkit socket in its private /run/buildkit)
  RUNNER_HOST=$TCP_RUNNER_HOST
  NET_NAME=daggertcp # the engine's container network (bridge daggertcp0, CNI network daggertcp)
  VETH_HOST=gsd-tcp-host
  VETH_NS=gsd-tcp-ns
  STATE=/var/lib/gostatic-dagger-tcp
  RUN=/run/gostatic-dagger-tcp
  ENGINE_LOG=/var/log/gostatic-dagger-tcp-engine.log
  REG_LOG=/var/log/gostatic-dagger-tcp-registry.log
else
  NETNS=gostatic-dagger
  SOCK=/run/dagger/engine.sock
  RUNNER_HOST=unix://$SOCK
  NET_NAME=dagger # the engine's default
  STATE=/var/lib/gostatic-dagger
  RUN=/run/gostatic-dagger
  ENGINE_LOG=/var/log/gostatic-dagger-engine.log
  REG_LOG=/var/log/gostatic-dagger-registry.log
fi
ENGINE_PID=$RUN/engine.pid
REG_ADDR=127.0.0.1:5000
REG_DATA=/var/lib/gostatic-registry # shared with scripts/services.sh
REG_PID=$RUN/registry.pid
REG_USER=docker-registry
LOG_LEVEL=${GOSTATIC_DAGGER_LOG_LEVEL:-info}
WAIT_SECS=${GOSTATIC_DAGGER_WAIT:-120}
# Stand-ins for modules the proxy refuses (see the header).
REFUSABLE=(github.com/vito/tuist github.com/vito/tuist/teav1 github.com/vito/midterm github.com/vito/dang/v2)

log() { echo "dagger-engine: $*" >&2; }
die() { log "error: $*"; exit 1; }
need_root() { [ "$(id -u)" = 0 ] || die "$1 needs root (network namespaces, mounts, /run)"; }
lock() {
  mkdir -p "$RUN"
  exec 9>"$RUN/lock"
  flock -w 900 9 || die "another dagger-engine.sh is still running"
}

# ---------------------------------------------------------------- build

build_info() { cat "$CACHE/BUILD-INFO" 2>/dev/null; }
# One hash of the Go sources in scripts/dagger/ (README.md aside), the same in
# any clone: the cache is keyed on it as well as on RECIPE.
sources_hash() {
  [ -d "$GO_SRC" ] || die "no $GO_SRC: the Go sources this script builds with"
  (cd "$GO_SRC" && find . -type f ! -name '*.md' -print0 | LC_ALL=C sort -z | xargs -0 sha256sum) |
    sha256sum | cut -c1-16
}
is_built() {
  local info b
  info=$(build_info) || return 1
  grep -qx "recipe=$RECIPE" <<<"$info" && grep -qx "sources=$(sources_hash)" <<<"$info" || return 1
  for b in dagger-engine dagger dagger-init dial-stdio cni/dnsname cni/bridge cni/loopback cni/firewall cni/host-local; do
    [ -x "$BIN/$b" ] || return 1
  done
}

need_tools() {
  local t missing=()
  for t in "$@"; do command -v "$t" >/dev/null || missing+=("$t"); done
  [ ${#missing[@]} -eq 0 ] || die "missing tool(s): ${missing[*]}; run scripts/install-tools.sh"
}

# go mod download -json, run outside any module
mod_download() { # mod_download <path@version>  → JSON on stdout
  local out
  out=$(cd / && go mod download -json "$1" 2>/dev/null) || true
  [ -n "$out" ] || die "go mod download $1 printed nothing"
  echo "$out"
}
mod_served() { # mod_served <path@version>: 0 when the proxy serves its zip
  (cd / && go mod download -json "$1" 2>/dev/null) | jq -e 'has("Error") | not' >/dev/null
}

version_ge() { [ "$(printf '%s\n' "$1" "$2" | sort -V | head -n1)" = "$2" ]; } # $1 >= $2

# Dagger's go.mod names the Go it needs; GOTOOLCHAIN=auto (exported by
# prepare_tree) has an older local Go fetch that release through the module
# proxy. Fails, saying so, when neither works.
check_toolchain() {
  local want have used
  want=$(sed -n 's/^go \([0-9][0-9.]*\)[[:space:]]*$/\1/p' "$SRC/go.mod" | head -n1)
  have=$(GOTOOLCHAIN=local go env GOVERSION)
  if [ -n "$want" ] && ! version_ge "${have#go}" "$want"; then
    log "local $have is older than the 'go $want' in Dagger $DAGGER_VERSION's go.mod; fetching go$want through the Go module proxy (GOTOOLCHAIN=auto)"
  fi
  used=$(cd "$SRC" && go env GOVERSION 2>&1) ||
    die "Dagger $DAGGER_VERSION needs Go >= ${want:-?} and the local $have could not switch to it: $used; install Go ${want:-?} or newer"
  GO_USED=$used
}

# Lays out Dagger's module in a fresh $WORK with every replacement, stand-in
# and overlay the build needs; sets SRC, HASH, DC, STUBBED, ENGINE_FLAGS and
# CLI_SRC. Removes $WORK on exit unless the caller does first.
prepare_tree() {
  local dl dir time pseudo m v ovl f
  need_tools go jq readelf
  export GOTOOLCHAIN=auto GOFLAGS=-buildvcs=false CGO_ENABLED=0
  mkdir -p "${CACHE%/*}"
  rm -rf "${CACHE%/*}"/.dagger-build.* # left by an interrupted build (we hold the lock)
  # A fixed path, not mktemp's: the binaries record the dirs of replaced
  # modules and Go's cache keys hash them, so with one path the same inputs
  # give the same bytes and a rebuild reuses Go's build cache.
  WORK=${CACHE%/*}/.dagger-build.$DAGGER_VERSION
  mkdir -p "$WORK"
  trap 'rm -rf "$WORK"' EXIT
  SRC=$WORK/src

  log "downloading github.com/dagger/dagger@$DAGGER_VERSION through the Go module proxy"
  dl=$(mod_download "github.com/dagger/dagger@$DAGGER_VERSION")
  dir=$(jq -r '.Dir // empty' <<<"$dl")
  [ -n "$dir" ] || die "the module proxy did not serve github.com/dagger/dagger@$DAGGER_VERSION: $(jq -r .Error <<<"$dl")"
  HASH=$(jq -r '.Origin.Hash // empty' <<<"$dl")
  cp -r "$dir" "$SRC"
  chmod -R u+w "$SRC"
  check_toolchain

  # dagger.io/dagger: the published Go SDK of the same version.
  mod_served "dagger.io/dagger@$DAGGER_VERSION" || die "the module proxy does not serve dagger.io/dagger@$DAGGER_VERSION"
  (cd "$SRC" && go mod edit -replace "dagger.io/dagger=dagger.io/dagger@$DAGGER_VERSION")

  # distconsts: the pseudo-version at the tagged commit, else our own module.
  time=$(jq -r '.Time' "$(jq -r .Info <<<"$dl")" | tr -d -- '-:TZ' | cut -c1-14)
  pseudo="v0.0.0-$time-${HASH:0:12}"
  if [ -n "$HASH" ] && mod_served "github.com/dagger/dagger/engine/distconsts@$pseudo"; then
    DC="github.com/dagger/dagger/engine/distconsts@$pseudo"
  else
    log "the proxy refuses github.com/dagger/dagger/engine/distconsts@$pseudo; using scripts/dagger/distconsts"
    cp -r "$GO_SRC/distconsts" "$WORK/distconsts"
    DC=$WORK/distconsts
  fi
  (cd "$SRC" && go mod edit -replace "github.com/dagger/dagger/engine/distconsts=$DC")

  # Modules the proxy refuses become empty stand-ins.
  STUBBED=()
  for m in "${REFUSABLE[@]}"; do
    v=$(cd "$SRC" && go mod edit -json | jq -r --arg m "$m" '.Require[] | select(.Path == $m) | .Version')
    [ -n "$v" ] || continue
    if ! mod_served "$m@$v"; then
      STUBBED+=("$m@$v")
      mkdir -p "$WORK/stub/$m"
      printf 'module %s\n\ngo 1.22\n' "$m" >"$WORK/stub/$m/go.mod"
      (cd "$SRC" && go mod edit -replace "$m=$WORK/stub/$m")
    fi
  done

  ENGINE_FLAGS=()
  CLI_SRC=./cmd/dagger
  if [ ${#STUBBED[@]} -gt 0 ]; then
    log "the proxy refuses ${STUBBED[*]}: building the engine with an overlay and the session-only CLI"
    ovl=$WORK/overlay
    mkdir -p "$ovl"
    # Package dagql/idtui reduced to what core/ and util/scrub use.
    cp "$GO_SRC/idtui/idtui.go" "$ovl/idtui.go"
    sed -e '/"github.com\/vito\/midterm"/d' -e 's/midterm\.Reset\.Render()/"\\x1b[0m"/' \
      "$SRC/util/scrub/scrub.go" >"$ovl/scrub.go"
    sed -e '/dangv2 "github.com\/dagger\/dagger\/core\/sdk\/dang\/v2"/d' -e 's/return dangv2\.Impl{}/return dangv1.Impl{}/' \
      "$SRC/core/sdk/dang_sdk.go" >"$ovl/dang_sdk.go"
    if grep -q 'midterm' "$ovl/scrub.go" || grep -q 'dangv2' "$ovl/dang_sdk.go"; then
      die "the overlay patches no longer apply to $DAGGER_VERSION's util/scrub or core/sdk"
    fi
    {
      echo '{"Replace": {'
      for f in "$SRC"/dagql/idtui/*.go; do
        case $f in *_test.go) ;; *) printf '"%s": "",\n' "$f" ;; esac
      done
      printf '"%s": "%s",\n' "$SRC/dagql/idtui/gostatic_idtui.go" "$ovl/idtui.go"
      printf '"%s": "%s",\n' "$SRC/util/scrub/scrub.go" "$ovl/scrub.go"
      printf '"%s": "%s"\n' "$SRC/core/sdk/dang_sdk.go" "$ovl/dang_sdk.go"
      echo '}}'
    } >"$ovl/overlay.json"
    ENGINE_FLAGS=(-overlay "$ovl/overlay.json")
    # gostatic's session-only `dagger` CLI (see the header).
    mkdir -p "$SRC/cmd/gostatic-session"
    cp "$GO_SRC/session-cli/main.go" "$SRC/cmd/gostatic-session/main.go"
    CLI_SRC=./cmd/gostatic-session
  fi
}

# static <file>: fails when the ELF has a program interpreter (dynamic)
check_static() {
  if readelf -lW "$1" 2>/dev/null | grep -q 'Requesting program interpreter'; then
    die "$1 is dynamically linked"
  fi
}

build() {
  local t0 f ld out sources
  if is_built; then
    log "cached: $BIN ($(build_info | grep -E '^(dagger|cli|built)=' | tr '\n' ' ' | sed 's/ $//'))"
    return 0
  fi
  [ -d /usr/lib/cni ] || die "no /usr/lib/cni; run scripts/install-tools.sh (containernetworking-plugins)"
  t0=$(now_ms)
  sources=$(sources_hash)
  prepare_tree

  ld="-s -w -X github.com/dagger/dagger/engine.Version=$DAGGER_VERSION -X github.com/dagger/dagger/engine.Tag=$DAGGER_VERSION"
  out=$WORK/out
  mkdir -p "$out/cni"
  gob() { # gob <what> <go build args...>
    local b0; b0=$(now_ms)
    (cd "$SRC" && go build -mod=mod -trimpath -ldflags "$ld" "${@:2}") 2> >(grep -v '^go: downloading' >&2)
    log "built $1 in $(since "$b0")"
  }
  # The engine's dockerfile frontend needs these tags (Dagger's own engine build sets them).
  gob dagger-engine "${ENGINE_FLAGS[@]}" -tags dfexcludepatterns,dfparents -o "$out/dagger-engine" ./cmd/engine
  gob dagger-init -o "$out/dagger-init" ./cmd/init
  gob dial-stdio -o "$out/dial-stdio" ./cmd/dialstdio
  gob dnsname -o "$out/cni/dnsname" ./cmd/dnsname
  gob dagger "${ENGINE_FLAGS[@]}" -o "$out/dagger" "$CLI_SRC"
  for f in dagger-engine dagger-init dial-stdio dagger cni/dnsname; do check_static "$out/$f"; done
  for f in bridge loopback firewall host-local; do
    [ -x "/usr/lib/cni/$f" ] || die "missing CNI plugin /usr/lib/cni/$f"
    cp "/usr/lib/cni/$f" "$out/cni/$f"
  done
  "$out/dagger-engine" --version >/dev/null

  {
    echo "recipe=$RECIPE"
    echo "sources=$sources"
    echo "dagger=$DAGGER_VERSION"
    echo "commit=$HASH"
    echo "distconsts=${DC#"$WORK/"}"
    echo "stubbed=${STUBBED[*]:-}"
    echo "cli=$([ "$CLI_SRC" = ./cmd/dagger ] && echo upstream || echo gostatic-session-only)"
    echo "go=$GO_USED"
    echo "built=$(date -Is) in $(since "$t0")"
  } >"$out/BUILD-INFO"

  # BUILD-INFO lands last: an interrupted swap is never taken for a build.
  rm -rf "$CACHE.old"
  [ ! -e "$CACHE" ] || mv "$CACHE" "$CACHE.old"
  mkdir -p "$CACHE"
  mv "$out/BUILD-INFO" "$CACHE/BUILD-INFO.tmp"
  rm -rf "$BIN"
  mv "$out" "$BIN"
  mv "$CACHE/BUILD-INFO.tmp" "$CACHE/BUILD-INFO"
  rm -rf "$CACHE.old" "$WORK"
  trap - EXIT
  log "built Dagger $DAGGER_VERSION in $(since "$t0") into $BIN"
}

# gofmt and go vet of scripts/dagger/, in the same tree a build uses: the two
# packages that import Dagger's need its module around them.
vet() {
  local bad
  bad=$(gofmt -l "$GO_SRC") || die "gofmt failed on $GO_SRC"
  [ -z "$bad" ] || die "not gofmt-formatted: $bad"
  prepare_tree
  if [ "$DC" = "$WORK/distconsts" ]; then (cd "$DC" && go vet .)
  else log "distconsts comes from the proxy; vetting scripts/dagger/distconsts on its own"; (cd "$GO_SRC/distconsts" && go vet .); fi
  if [ ${#STUBBED[@]} -gt 0 ]; then
    # vet takes in a package's tests too: the upstream idtui tests need the
    # refused modules, so they go as well. -trimpath: the build's cache keys.
    local f ovl=$WORK/overlay/vet.json
    { jq -c '.Replace' "$WORK/overlay/overlay.json"
      for f in "$SRC"/dagql/idtui/*_test.go; do [ ! -e "$f" ] || jq -cn --arg f "$f" '{($f): ""}'; done
    } | jq -s '{Replace: add}' >"$ovl"
    (cd "$SRC" && go vet -mod=mod -trimpath -overlay "$ovl" ./dagql/idtui "$CLI_SRC") 2> >(grep -v '^go: downloading' >&2)
  else
    log "the proxy serves every module, so the build uses the upstream idtui and CLI; not vetting ours"
  fi
  rm -rf "$WORK"
  trap - EXIT
  log "vet: scripts/dagger is gofmt-clean and go vet found nothing"
}

# ---------------------------------------------------------------- run

stop_pid() { # stop_pid <pid-file> <name> <match>
  local pid _
  pid=$(live_pid "$1" "$3") || { rm -f "$1"; return 0; }
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 150); do
    live_pid "$1" "$3" >/dev/null || break
    sleep 0.2
  done
  if live_pid "$1" "$3" >/dev/null; then log "$2 (pid $pid) ignored SIGTERM for 30s; killing"; kill -KILL "$pid" 2>/dev/null || true; fi
  rm -f "$1"
  log "$2 stopped (pid $pid)"
}

tail_log() {
  log "last lines of $1:"
  tail -n "${2:-30}" "$1" 2>/dev/null | sed 's/^/    /' >&2 || true
}

in_ns() { ip netns exec "$NETNS" "$@"; }

ns_registry_answers() {
  # shellcheck disable=SC2016 # $1 expands in the inner bash
  in_ns timeout 3 bash -c 'exec 3<>"/dev/tcp/${1%:*}/${1#*:}" &&
    printf "GET /v2/ HTTP/1.0\r\n\r\n" >&3 && head -n1 <&3 | grep -q " 200 "' _ "$REG_ADDR" 2>/dev/null
}

wait_until() { # wait_until <secs> <pid-file> <match> <check...>
  local deadline=$(( $(date +%s) + $1 ))
  exec_seen "$2" "$3" || return 1
  while ! "${@:4}"; do
    live_pid "$2" "$3" >/dev/null || return 1
    [ "$(date +%s)" -lt "$deadline" ] || return 1
    sleep 0.3
  done
}

netns_listed() { ip netns list | grep -qE "^$NETNS( |\$)"; }

# A name under /run/netns that no longer holds a namespace (e.g. /run kept
# across a reboot, or a half-done `ip netns add`) is removed and made anew.
up_netns() {
  if netns_listed && ! ip -n "$NETNS" link show lo >/dev/null 2>&1; then
    log "network namespace $NETNS is stale; recreating it"
    ip netns del "$NETNS" 2>/dev/null || rm -f "/run/netns/$NETNS"
  fi
  if ! netns_listed; then
    ip netns add "$NETNS"
    log "network namespace $NETNS created"
  fi
  ip -n "$NETNS" link set lo up
  [ "$TCP" = 0 ] || up_veth
}

# The TCP engine's one way in: a veth pair, host end $TCP_HOST_IP, namespace
# end $TCP_NS_IP (a /30 of their own). A half-made pair is made anew.
up_veth() {
  if ip link show "$VETH_HOST" >/dev/null 2>&1 && ip -n "$NETNS" link show "$VETH_NS" >/dev/null 2>&1; then
    :
  else
    ip link del "$VETH_HOST" 2>/dev/null || true
    ip link add "$VETH_HOST" type veth peer name "$VETH_NS" netns "$NETNS"
    log "veth pair $VETH_HOST <-> $VETH_NS (netns $NETNS) created"
  fi
  ip addr replace "$TCP_HOST_IP/30" dev "$VETH_HOST"
  ip link set "$VETH_HOST" up
  ip -n "$NETNS" addr replace "$TCP_NS_IP/30" dev "$VETH_NS"
  ip -n "$NETNS" link set "$VETH_NS" up
}

# The TCP engine's port answers a connect from the host, through the veth pair.
tcp_answers() {
  local hp=${RUNNER_HOST#tcp://}
  # shellcheck disable=SC2016 # $1 and $2 expand in the inner bash
  timeout 3 bash -c 'exec 3<>"/dev/tcp/$1/$2"' _ "${hp%:*}" "${hp##*:}" 2>/dev/null
}

# Ends every process left in our namespace (the registry, a dead engine's
# dnsmasq, strays) by pid: TERM, then KILL after 10s.
kill_ns_pids() {
  local pids=() _
  netns_listed || return 0
  mapfile -t pids < <(ip netns pids "$NETNS" 2>/dev/null)
  [ ${#pids[@]} -gt 0 ] || return 0
  log "stopping what is left in netns $NETNS: $(for p in "${pids[@]}"; do printf '%s(%s) ' "$p" "$(cat "/proc/$p/comm" 2>/dev/null)"; done)"
  kill -TERM "${pids[@]}" 2>/dev/null || true
  for _ in $(seq 1 50); do
    mapfile -t pids < <(ip netns pids "$NETNS" 2>/dev/null)
    [ ${#pids[@]} -gt 0 ] || return 0
    sleep 0.2
  done
  kill -KILL "${pids[@]}" 2>/dev/null || true
  sleep 0.5
}

# What an engine that is no longer running leaves behind, cleared before a
# fresh start and by `down`. Call only with no engine running.
clean_runtime() {
  stop_pid "$REG_PID" "registry in $NETNS" "$RUN/registry.yml"
  kill_ns_pids
  if netns_listed; then
    ip netns del "$NETNS" 2>/dev/null || rm -f "/run/netns/$NETNS"
    log "network namespace $NETNS removed"
  fi
  rm -f "$ENGINE_PID"
  if [ "$TCP" = 1 ]; then
    # The veth pair went with the namespace; its state was in folders of its own.
    ip link del "$VETH_HOST" 2>/dev/null || true
    rm -rf "$STATE/private" "$RUN/private"
    return 0
  fi
  rm -f "$SOCK"
  # dnsmasq and CNI state the engine kept for its (now gone) bridge and
  # namespace pool, and the buildkit socket it also serves. /run/buildkit and
  # /run/containers stay: the TCP engine mounts its own folders on them, and
  # removing a mount point here would detach that mount in its namespace.
  rm -rf /run/containers/cni/dnsname/dagger /run/buildkit/buildkitd.sock /var/lib/cni/networks/dagger
  rm -f /var/lib/cni/results/dagger-* /var/lib/cni/results/cni-loopback-*
  rmdir /run/containers/cni/dnsname /run/containers/cni 2>/dev/null || true
}

# A second registry process on the namespace's loopback, same storage: the
# engine pulls and pushes 127.0.0.1:5000/... as the host does.
up_ns_registry() {
  local as=()
  if live_pid "$REG_PID" "$RUN/registry.yml" >/dev/null && ns_registry_answers; then return 0; fi
  stop_pid "$REG_PID" "registry in $NETNS" "$RUN/registry.yml"
  command -v docker-registry >/dev/null || die "no docker-registry; run scripts/install-tools.sh"
  mkdir -p "$REG_DATA" "$RUN"
  # No in-memory blob cache: the host's registry writes the same storage.
  cat >"$RUN/registry.yml" <<YML
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $REG_DATA
  delete:
    enabled: true
http:
  addr: $REG_ADDR
YML
  if id "$REG_USER" >/dev/null 2>&1; then
    [ "$(stat -c %U "$REG_DATA")" = "$REG_USER" ] || chown -R "$REG_USER:" "$REG_DATA"
    as=(setpriv --reuid="$REG_USER" --regid="$REG_USER" --init-groups)
  fi
  rotate_log "$REG_LOG"
  echo "==== $(date -Is) docker-registry in netns $NETNS" >>"$REG_LOG"
  daemonize ip netns exec "$NETNS" "${as[@]}" docker-registry serve "$RUN/registry.yml" </dev/null >>"$REG_LOG" 2>&1 &
  echo $! >"$REG_PID"
  wait_until 30 "$REG_PID" "$RUN/registry.yml" ns_registry_answers ||
    { tail_log "$REG_LOG"; die "the registry in netns $NETNS did not answer on $REG_ADDR"; }
  log "registry up in netns $NETNS on $REG_ADDR (storage $REG_DATA)"
}

engine_config() {
  cat <<JSON
{
  "logLevel": "$LOG_LEVEL",
  "registries": {
    "docker.io": { "mirrors": ["$REG_ADDR"] },
    "$REG_ADDR": { "http": true }
  }
}
JSON
}

# Runs as `nsenter --net=NS unshare --mount --propagation private SELF __engine`:
# lays out the engine's view of the filesystem, then execs the engine.
engine_inner() {
  local o d
  o=$STATE/overlay
  # Nothing is mounted below $o in this fresh mount namespace; --one-file-system
  # keeps rm on this side of any mount all the same.
  rm -rf --one-file-system "$o"
  for d in etc usr-bin usr-local; do mkdir -p "$o/$d/upper" "$o/$d/work"; done
  # A sysfs of the engine's network namespace, as `ip netns exec` mounts one,
  # but keeping the cgroup mounts under it that runc needs (ip netns exec
  # loses them: "runc run failed: no cgroup mount found in mountinfo").
  mkdir -p "$o/cgroup"
  mount --rbind /sys/fs/cgroup "$o/cgroup"
  mount -t sysfs -o nosuid,nodev,noexec gostatic-sysfs /sys
  mount --rbind "$o/cgroup" /sys/fs/cgroup
  umount -l "$o/cgroup"
  mount -t overlay gostatic-etc -o "lowerdir=/etc,upperdir=$o/etc/upper,workdir=$o/etc/work" /etc
  mount -t overlay gostatic-usr-bin -o "lowerdir=/usr/bin,upperdir=$o/usr-bin/upper,workdir=$o/usr-bin/work" /usr/bin
  mount -t overlay gostatic-usr-local -o "lowerdir=/usr/local,upperdir=$o/usr-local/upper,workdir=$o/usr-local/work" /usr/local
  mkdir -p /etc/dagger
  engine_config >/etc/dagger/engine.json
  # Debian ships xtables in /usr/sbin; the engine looks in /usr/bin.
  ln -sf /usr/sbin/xtables-legacy-multi /usr/bin/xtables-legacy-multi
  ln -sf /usr/sbin/xtables-nft-multi /usr/bin/xtables-nft-multi
  ln -sf "$(command -v runc)" /usr/local/bin/runc
  ln -sf "$BIN/dagger-init" /usr/local/bin/dagger-init
  ln -sf "$BIN/dagger-engine" /usr/local/bin/dagger-engine
  ln -sf "$BIN/dial-stdio" /usr/bin/dial-stdio
  ln -sf /usr/bin/dial-stdio /usr/bin/buildctl
  # The host's extra CAs would make the engine run update-ca-certificates.
  rm -rf /usr/local/share/ca-certificates && mkdir -p /usr/local/share/ca-certificates
  if [ "$TCP" = 1 ]; then
    # Host-wide paths the engine and its CNI plugins write: folders of this engine's own (see the header).
    for d in /var/lib/cni:$STATE/private/cni /run/containers:$RUN/private/containers /run/buildkit:$RUN/private/buildkit; do
      mkdir -p "${d#*:}"
      mount --bind "${d#*:}" "${d%%:*}"
    done
  fi
  ulimit -n 1048576 2>/dev/null || ulimit -n "$(ulimit -Hn)" || true
  # /usr/bin first, so the CNI plugins run the iptables the engine picked
  # (Debian's /usr/sbin/iptables is the nft variant).
  export PATH=/usr/local/bin:/usr/bin:/usr/local/sbin:/usr/sbin:/bin:/sbin
  exec "$BIN/dagger-engine" --addr "$RUNNER_HOST" --root "$STATE/root" --oci-cni-binary-dir "$BIN/cni" \
    --network-name "$NET_NAME"
}

# One real round trip: `dagger session`, then a GraphQL query through it.
session_query() { # prints the engine's version
  local line port token body resp rc=1
  mkdir -p "$RUN"
  coproc SESS { DO_NOT_TRACK=1 DAGGER_NO_UPDATE_CHECK=1 _EXPERIMENTAL_DAGGER_RUNNER_HOST=$RUNNER_HOST \
    exec "$BIN/dagger" session 2>>"$RUN/session-check.log"; }
  if IFS= read -r -t 60 line <&"${SESS[0]}"; then
    port=$(jq -r .port <<<"$line" 2>/dev/null || true)
    token=$(jq -r .session_token <<<"$line" 2>/dev/null || true)
    body='{"query":"{ version }"}'
    # shellcheck disable=SC2016 # $1..$3 expand in the inner bash
    resp=$(timeout 30 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
      printf "POST /query HTTP/1.0\r\nHost: 127.0.0.1\r\nAuthorization: Basic %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s" \
        "$(printf "%s:" "$2" | base64 -w0)" "${#3}" "$3" >&3
      cat <&3' _ "$port" "$token" "$body" 2>/dev/null || true)
    if grep -q '"version"' <<<"$resp"; then
      sed -n 's/.*"version":"\([^"]*\)".*/\1/p' <<<"$resp" | tail -n1
      rc=0
    fi
  fi
  eval "exec ${SESS[1]}>&-" 2>/dev/null || true
  wait "$SESS_PID" 2>/dev/null || true
  return $rc
}

# The running engine's binary was replaced by a build since it started.
engine_outdated() { # engine_outdated <pid>
  case $(readlink "/proc/$1/exe" 2>/dev/null) in *' (deleted)') return 0 ;; esac
  return 1
}

up() {
  local pid t0 v
  if pid=$(live_pid "$ENGINE_PID" "$BIN/dagger-engine"); then
    if engine_outdated "$pid"; then
      log "engine (pid $pid) runs a binary that a build has replaced since; restarting it"
    elif v=$(session_query); then
      up_netns
      up_ns_registry
      log "engine already up (pid $pid, $RUNNER_HOST, $v)"
      return 0
    else
      log "engine (pid $pid) runs but no session answers; restarting it"
    fi
    stop_pid "$ENGINE_PID" engine "$BIN/dagger-engine"
  fi
  t0=$(now_ms)
  clean_runtime
  up_netns
  up_ns_registry
  mkdir -p "$STATE/root"
  if [ "$TCP" = 1 ]; then mkdir -p /var/lib/cni /run/containers /run/buildkit # the mount points (see engine_inner)
  else mkdir -p "$(dirname "$SOCK")"; fi
  rotate_log "$ENGINE_LOG"
  echo "==== $(date -Is) dagger-engine $DAGGER_VERSION in netns $NETNS" >>"$ENGINE_LOG"
  daemonize nsenter --net="/run/netns/$NETNS" unshare --mount --propagation private -- \
    bash "$SELF" "${MODE[@]}" __engine "$BIN/dagger-engine" </dev/null >>"$ENGINE_LOG" 2>&1 &
  echo $! >"$ENGINE_PID"
  # nsenter and unshare exec in turn, and so does the inner script: the pid
  # stays the engine's.
  local listening=(test -S "$SOCK") where=$SOCK
  [ "$TCP" = 0 ] || { listening=(tcp_answers); where=$RUNNER_HOST; }
  if ! wait_until "$WAIT_SECS" "$ENGINE_PID" "$BIN/dagger-engine" "${listening[@]}"; then
    local why="exited before it listened on $where"
    ! live_pid "$ENGINE_PID" "$BIN/dagger-engine" >/dev/null || why="did not listen on $where within ${WAIT_SECS}s"
    tail_log "$ENGINE_LOG" 40
    stop_pid "$ENGINE_PID" engine "$BIN/dagger-engine"
    die "the engine $why (log: $ENGINE_LOG)"
  fi
  local deadline=$(( $(date +%s) + WAIT_SECS ))
  until v=$(session_query); do
    if ! live_pid "$ENGINE_PID" "$BIN/dagger-engine" >/dev/null || [ "$(date +%s)" -ge "$deadline" ]; then
      tail_log "$ENGINE_LOG" 40
      tail_log "$RUN/session-check.log" 10
      stop_pid "$ENGINE_PID" engine "$BIN/dagger-engine"
      die "no Dagger session answered within ${WAIT_SECS}s (log: $ENGINE_LOG)"
    fi
    sleep 1
  done
  log "engine up in $(since "$t0") (pid $(cat "$ENGINE_PID"), $RUNNER_HOST, engine $v, log $ENGINE_LOG)"
}

down() {
  stop_pid "$ENGINE_PID" engine "$BIN/dagger-engine"
  clean_runtime
}

status() {
  local rc=0 pid v
  if pid=$(live_pid "$ENGINE_PID" "$BIN/dagger-engine"); then
    if engine_outdated "$pid"; then echo "engine    up    pid $pid  $RUNNER_HOST  but runs a replaced binary (run: $0 up)"; rc=3
    elif v=$(session_query); then echo "engine    up    pid $pid  $RUNNER_HOST  $v  netns $NETNS"
    else echo "engine    up    pid $pid  $RUNNER_HOST  but no session answers"; rc=3; fi
  else echo "engine    down  ($RUNNER_HOST)"; rc=3; fi
  if pid=$(live_pid "$REG_PID" "$RUN/registry.yml") && ns_registry_answers; then
    echo "registry  up    pid $pid  http://$REG_ADDR in netns $NETNS"
  else echo "registry  down  (http://$REG_ADDR in netns $NETNS)"; rc=3; fi
  if is_built; then echo "build     $BIN  $(build_info | grep -E '^(dagger|cli|built)=' | tr '\n' ' ')"
  else echo "build     none  ($BIN)"; rc=3; fi
  return $rc
}

case ${1:-} in
  # One build and one vet for both engines, under the first engine's lock.
  build) need_root build; if [ "$TCP" = 1 ]; then exec bash "$SELF" build; fi; lock; build ;;
  up)
    need_root up
    # The build holds the first engine's lock, whichever engine starts.
    if [ "$TCP" = 1 ]; then bash "$SELF" build; else lock; build; fi
    [ "$TCP" = 0 ] || lock
    need_tools ip nsenter unshare setsid setpriv mount umount runc dnsmasq iptables jq base64
    up ;;
  down) need_root down; lock; down ;;
  status) status ;;
  vet) need_root vet; if [ "$TCP" = 1 ]; then exec bash "$SELF" vet; fi; lock; vet ;;
  env)
    echo "export _EXPERIMENTAL_DAGGER_CLI_BIN=$BIN/dagger"
    echo "export _EXPERIMENTAL_DAGGER_RUNNER_HOST=$RUNNER_HOST"
    echo "export DAGGER_NO_UPDATE_CHECK=1"
    echo "export DO_NOT_TRACK=1"
    # The shared engine over TCP, while it runs (scripts/dagger-engine.sh --tcp up).
    if live_pid "$TCP_ENGINE_PID" "$BIN/dagger-engine" >/dev/null; then echo "export GOSTATIC_DAGGER_TCP=$TCP_RUNNER_HOST"
    else echo "unset GOSTATIC_DAGGER_TCP"; fi ;;
  __engine) engine_inner ;;
  *) echo "usage: $0 [--tcp] build|up|down|status|env|vet" >&2; exit 2 ;;
esac
