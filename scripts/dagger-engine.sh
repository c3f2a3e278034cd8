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
#
# What is built, and why it differs from a stock engine image:
# - Version: the Go module proxy here serves github.com/dagger/dagger at
#   v0.21.8 and refuses v0.21.9 (403 "not available"), so the engine is v0.21.8
#   (driven by the @dagger.io/dagger 0.21.9 SDK; every call our tests make works).
# - The root go.mod replaces dagger.io/dagger and .../engine/distconsts with
#   nested dirs that a module zip lacks. dagger.io/dagger is replaced by its
#   published version. distconsts has no tag and the proxy refuses its
#   pseudo-version, so we write a module with the constants the engine reads
#   (paths the engine image uses, listed below in write_distconsts).
# - The proxy refuses four modules: github.com/vito/{tuist,tuist/teav1,
#   midterm} (the CLI's terminal UI) and github.com/vito/dang/v2 (the Dang v2
#   module SDK). They get empty stand-in modules, and the engine is built with
#   `go build -overlay` that (a) swaps package dagql/idtui for a small one of
#   ours with the few names the engine uses, (b) drops one midterm call from
#   util/scrub and (c) serves Dang modules with the v1 SDK. The upstream CLI
#   cannot be built without them, so `dagger` is our session-only client over
#   the engine's own client package: it implements `dagger session`, the one
#   command SDKs run. When the proxy serves all four, the stock CLI and engine
#   are built instead.
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
# a mount point on the host.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SELF="$HERE/$(basename "${BASH_SOURCE[0]}")"

DAGGER_VERSION=${GOSTATIC_DAGGER_VERSION:-v0.21.8}
RECIPE=1 # bump when the build below changes, to invalidate caches
CACHE=${GOSTATIC_DAGGER_CACHE:-/var/cache/gostatic/dagger-$DAGGER_VERSION}
BIN=$CACHE/bin
NETNS=gostatic-dagger
SOCK=/run/dagger/engine.sock
RUNNER_HOST=unix://$SOCK
STATE=/var/lib/gostatic-dagger
RUN=/run/gostatic-dagger
ENGINE_PID=$RUN/engine.pid
ENGINE_LOG=/var/log/gostatic-dagger-engine.log
REG_ADDR=127.0.0.1:5000
REG_DATA=/var/lib/gostatic-registry # shared with scripts/services.sh
REG_PID=$RUN/registry.pid
REG_LOG=/var/log/gostatic-dagger-registry.log
REG_USER=docker-registry
LOG_LEVEL=${GOSTATIC_DAGGER_LOG_LEVEL:-info}
WAIT_SECS=${GOSTATIC_DAGGER_WAIT:-120}
# Stand-ins for modules the proxy refuses (see the header).
REFUSABLE=(github.com/vito/tuist github.com/vito/tuist/teav1 github.com/vito/midterm github.com/vito/dang/v2)

log() { echo "dagger-engine: $*" >&2; }
die() { log "error: $*"; exit 1; }
now_ms() { date +%s%3N; }
since() { local ms=$(( $(now_ms) - $1 )); printf '%d.%03ds' $((ms / 1000)) $((ms % 1000)); }
need_root() { [ "$(id -u)" = 0 ] || die "$1 needs root (network namespaces, mounts, /run)"; }
lock() {
  mkdir -p "$RUN"
  exec 9>"$RUN/lock"
  flock -w 900 9 || die "another dagger-engine.sh is still running"
}

# ---------------------------------------------------------------- build

build_info() { cat "$CACHE/BUILD-INFO" 2>/dev/null; }
is_built() {
  build_info | grep -q "^recipe=$RECIPE\$" || return 1
  local b
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

# The constants the engine and CLI read from github.com/dagger/dagger/engine/distconsts,
# with the values a stock engine image is laid out for.
write_distconsts() { # write_distconsts <dir>
  mkdir -p "$1"
  printf 'module github.com/dagger/dagger/engine/distconsts\n\ngo 1.22\n' >"$1/go.mod"
  cat >"$1/distconsts.go" <<'GO'
// Package distconsts: written by gostatic's scripts/dagger-engine.sh, because
// the Go module proxy does not serve this nested module of Dagger.
package distconsts

const (
	EngineContainerName   = "dagger-engine.dev"
	DefaultEngineSockAddr = "unix:///run/dagger/engine.sock"

	RuncPath              = "/usr/local/bin/runc"
	DaggerInitPath        = "/usr/local/bin/dagger-init"
	TiniPath              = "/usr/local/bin/tini"
	EngineDefaultStateDir = "/var/lib/dagger"

	EngineContainerBuiltinContentDir   = "/usr/local/share/dagger/content"
	EngineCustomCACertsDir             = "/usr/local/share/ca-certificates"
	GoSDKManifestDigestEnvName         = "DAGGER_GO_SDK_MANIFEST_DIGEST"
	PythonSDKManifestDigestEnvName     = "DAGGER_PYTHON_SDK_MANIFEST_DIGEST"
	TypescriptSDKManifestDigestEnvName = "DAGGER_TYPESCRIPT_SDK_MANIFEST_DIGEST"

	AlpineVersion  = "3.22.1"
	AlpineImage    = "alpine:" + AlpineVersion
	GolangVersion  = "1.26"
	GolangImage    = "golang:" + GolangVersion + "-alpine"
	BusyboxVersion = "1.37.0"
	BusyboxImage   = "busybox:" + BusyboxVersion

	OCIVersionAnnotation = "org.opencontainers.image.version"
)
GO
}

# Package dagql/idtui reduced to what core/ and util/scrub use (the terminal
# banner of Container.terminal and a few scrubbing constants).
write_idtui_min() { # write_idtui_min <file>
  cat >"$1" <<'GO'
// Package idtui: gostatic's stand-in for Dagger's terminal UI package, which
// needs modules the Go module proxy here does not serve. It keeps only what
// the engine uses.
package idtui

import (
	"fmt"
	"io"

	"github.com/muesli/termenv"

	"github.com/dagger/dagger/dagql/call"
)

const (
	DotFilled   = "●"
	IconSuccess = "✔"
	IconFailure = "✘"
	IconCached  = "$"
)

var SkipLoggedOutTraceMsgEnvs = []string{"DAGGER_NO_NAG", "NOTHANKS", "SHUTUP", "GOAWAY", "STOPIT"}

func NewOutput(w io.Writer, opts ...termenv.OutputOption) *termenv.Output {
	profile := termenv.ANSI
	if termenv.EnvNoColor() {
		profile = termenv.Ascii
	}
	return termenv.NewOutput(w, append([]termenv.OutputOption{termenv.WithProfile(profile), termenv.WithTTY(true)}, opts...)...)
}

// Dump prints a call ID on one line.
type Dump struct {
	Newline string
	Prefix  string
}

func (d *Dump) DumpID(out *termenv.Output, id *call.ID) error {
	if id == nil {
		return nil
	}
	_, err := fmt.Fprint(out, d.Prefix, id.Display(), d.Newline)
	return err
}
GO
}

# gostatic's session-only `dagger` CLI (see the header).
write_session_cli() { # write_session_cli <dir>
  mkdir -p "$1"
  cat >"$1/main.go" <<'GO'
// Command dagger: gostatic's session-only Dagger CLI. It implements the one
// subcommand SDKs run, `dagger session`, over the engine's own client package;
// the upstream CLI's terminal UI needs modules the Go module proxy here does
// not serve. Built by scripts/dagger-engine.sh.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"runtime"
	"syscall"
	"time"

	"github.com/google/uuid"

	"github.com/dagger/dagger/engine"
	"github.com/dagger/dagger/engine/client"
)

type list []string

func (l *list) String() string     { return fmt.Sprint(*l) }
func (l *list) Set(v string) error { *l = append(*l, v); return nil }

func main() {
	cmd := ""
	if len(os.Args) > 1 {
		cmd = os.Args[1]
	}
	switch cmd {
	case "version", "--version":
		fmt.Printf("dagger %s (gostatic session-only build) %s/%s\n", engine.Version, runtime.GOOS, runtime.GOARCH)
	case "session":
		if err := session(os.Args[2:]); err != nil {
			fmt.Fprintln(os.Stderr, "dagger session:", err)
			os.Exit(1)
		}
	default:
		fmt.Fprintln(os.Stderr, "usage: dagger session [--workdir DIR] [--label K:V]... | dagger version")
		os.Exit(2)
	}
}

func session(args []string) error {
	fs := flag.NewFlagSet("session", flag.ContinueOnError)
	var labels list
	fs.Var(&labels, "label", "SDK identification (accepted, unused)")
	workdir := fs.String("workdir", "", "directory host paths are relative to")
	fs.String("project", "", "accepted, unused")
	version := fs.String("version", "", "client version to announce")
	workspace := fs.String("workspace", "", "workspace to load")
	loadWS := fs.Bool("load-workspace-modules", false, "load workspace modules")
	skipWS := fs.Bool("skip-workspace-modules", false, "skip workspace modules")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *workdir != "" {
		if err := os.Chdir(*workdir); err != nil {
			return err
		}
	}
	runner := os.Getenv("_EXPERIMENTAL_DAGGER_RUNNER_HOST")
	if runner == "" {
		return errors.New("_EXPERIMENTAL_DAGGER_RUNNER_HOST is not set; this build cannot provision an engine")
	}
	signal.Ignore(syscall.SIGPIPE)

	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGINT, syscall.SIGTERM)
	go func() { <-stop; l.Close() }()
	// The SDK ends the session by closing our stdin.
	go func() { io.Copy(io.Discard, os.Stdin); l.Close() }()

	token := uuid.NewString()
	params := client.Params{
		SecretToken:          token,
		RunnerHost:           runner,
		Version:              *version,
		LoadWorkspaceModules: *loadWS,
		SkipWorkspaceModules: *skipWS,
	}
	if *workspace != "" {
		params.Workspace = workspace
	}
	ctx := context.Background()
	sess, err := client.Connect(ctx, params)
	if err != nil {
		return fmt.Errorf("connect to %s: %w", runner, err)
	}
	defer sess.Close()

	line, err := json.Marshal(map[string]any{"port": l.Addr().(*net.TCPAddr).Port, "session_token": token})
	if err != nil {
		return err
	}
	if _, err := os.Stdout.Write(append(line, '\n')); err != nil {
		return err
	}
	srv := http.Server{Handler: sess, ReadHeaderTimeout: 30 * time.Second, BaseContext: func(net.Listener) context.Context { return ctx }}
	if err := srv.Serve(l); err != nil && !errors.Is(err, net.ErrClosed) {
		return err
	}
	return nil
}
GO
}

# static <file>: fails when the ELF has a program interpreter (dynamic)
check_static() {
  if readelf -lW "$1" 2>/dev/null | grep -q 'Requesting program interpreter'; then
    die "$1 is dynamically linked"
  fi
}

build() {
  local t0 work src dl dir hash time pseudo dc stubbed=() m v ovl f ld
  if is_built; then
    log "cached: $BIN ($(build_info | grep -E '^(dagger|cli|built)=' | tr '\n' ' ' | sed 's/ $//'))"
    return 0
  fi
  need_tools go jq readelf
  [ -d /usr/lib/cni ] || die "no /usr/lib/cni; run scripts/install-tools.sh (containernetworking-plugins)"
  t0=$(now_ms)
  export GOTOOLCHAIN=local GOFLAGS=-buildvcs=false CGO_ENABLED=0
  mkdir -p "${CACHE%/*}"
  rm -rf "${CACHE%/*}"/.dagger-build.* # left by an interrupted build
  work=$(mktemp -d "${CACHE%/*}/.dagger-build.XXXXXX")
  trap 'rm -rf "$work"' RETURN
  src=$work/src

  log "downloading github.com/dagger/dagger@$DAGGER_VERSION through the Go module proxy"
  dl=$(mod_download "github.com/dagger/dagger@$DAGGER_VERSION")
  dir=$(jq -r '.Dir // empty' <<<"$dl")
  [ -n "$dir" ] || die "the module proxy did not serve github.com/dagger/dagger@$DAGGER_VERSION: $(jq -r .Error <<<"$dl")"
  hash=$(jq -r '.Origin.Hash // empty' <<<"$dl")
  cp -r "$dir" "$src"
  chmod -R u+w "$src"

  # dagger.io/dagger: the published Go SDK of the same version.
  mod_served "dagger.io/dagger@$DAGGER_VERSION" || die "the module proxy does not serve dagger.io/dagger@$DAGGER_VERSION"
  (cd "$src" && go mod edit -replace "dagger.io/dagger=dagger.io/dagger@$DAGGER_VERSION")

  # distconsts: the pseudo-version at the tagged commit, else our own module.
  time=$(jq -r '.Time' "$(jq -r .Info <<<"$dl")" | tr -d -- '-:TZ' | cut -c1-14)
  pseudo="v0.0.0-$time-${hash:0:12}"
  if [ -n "$hash" ] && mod_served "github.com/dagger/dagger/engine/distconsts@$pseudo"; then
    dc="github.com/dagger/dagger/engine/distconsts@$pseudo"
  else
    log "the proxy refuses github.com/dagger/dagger/engine/distconsts@$pseudo; writing it"
    write_distconsts "$work/distconsts"
    dc=$work/distconsts
  fi
  (cd "$src" && go mod edit -replace "github.com/dagger/dagger/engine/distconsts=$dc")

  # Modules the proxy refuses become empty stand-ins.
  for m in "${REFUSABLE[@]}"; do
    v=$(cd "$src" && go mod edit -json | jq -r --arg m "$m" '.Require[] | select(.Path == $m) | .Version')
    [ -n "$v" ] || continue
    if ! mod_served "$m@$v"; then
      stubbed+=("$m@$v")
      mkdir -p "$work/stub/$m"
      printf 'module %s\n\ngo 1.22\n' "$m" >"$work/stub/$m/go.mod"
      (cd "$src" && go mod edit -replace "$m=$work/stub/$m")
    fi
  done

  local engine_flags=() cli_src=./cmd/dagger
  if [ ${#stubbed[@]} -gt 0 ]; then
    log "the proxy refuses ${stubbed[*]}: building the engine with an overlay and the session-only CLI"
    ovl=$work/overlay
    mkdir -p "$ovl"
    write_idtui_min "$ovl/idtui.go"
    sed -e '/"github.com\/vito\/midterm"/d' -e 's/midterm\.Reset\.Render()/"\\x1b[0m"/' \
      "$src/util/scrub/scrub.go" >"$ovl/scrub.go"
    sed -e '/dangv2 "github.com\/dagger\/dagger\/core\/sdk\/dang\/v2"/d' -e 's/return dangv2\.Impl{}/return dangv1.Impl{}/' \
      "$src/core/sdk/dang_sdk.go" >"$ovl/dang_sdk.go"
    if grep -q 'midterm' "$ovl/scrub.go" || grep -q 'dangv2' "$ovl/dang_sdk.go"; then
      die "the overlay patches no longer apply to $DAGGER_VERSION's util/scrub or core/sdk"
    fi
    {
      echo '{"Replace": {'
      for f in "$src"/dagql/idtui/*.go; do
        case $f in *_test.go) ;; *) printf '"%s": "",\n' "$f" ;; esac
      done
      printf '"%s": "%s",\n' "$src/dagql/idtui/gostatic_idtui.go" "$ovl/idtui.go"
      printf '"%s": "%s",\n' "$src/util/scrub/scrub.go" "$ovl/scrub.go"
      printf '"%s": "%s"\n' "$src/core/sdk/dang_sdk.go" "$ovl/dang_sdk.go"
      echo '}}'
    } >"$ovl/overlay.json"
    engine_flags=(-overlay "$ovl/overlay.json")
    write_session_cli "$src/cmd/gostatic-session"
    cli_src=./cmd/gostatic-session
  fi

  ld="-s -w -X github.com/dagger/dagger/engine.Version=$DAGGER_VERSION -X github.com/dagger/dagger/engine.Tag=$DAGGER_VERSION"
  local out=$work/out
  mkdir -p "$out/cni"
  gob() { # gob <what> <go build args...>
    local b0; b0=$(now_ms)
    (cd "$src" && go build -mod=mod -trimpath -ldflags "$ld" "${@:2}") 2> >(grep -v '^go: downloading' >&2)
    log "built $1 in $(since "$b0")"
  }
  # The engine's dockerfile frontend needs these tags (Dagger's own engine build sets them).
  gob dagger-engine "${engine_flags[@]}" -tags dfexcludepatterns,dfparents -o "$out/dagger-engine" ./cmd/engine
  gob dagger-init -o "$out/dagger-init" ./cmd/init
  gob dial-stdio -o "$out/dial-stdio" ./cmd/dialstdio
  gob dnsname -o "$out/cni/dnsname" ./cmd/dnsname
  gob dagger "${engine_flags[@]}" -o "$out/dagger" "$cli_src"
  for f in dagger-engine dagger-init dial-stdio dagger cni/dnsname; do check_static "$out/$f"; done
  for f in bridge loopback firewall host-local; do
    [ -x "/usr/lib/cni/$f" ] || die "missing CNI plugin /usr/lib/cni/$f"
    cp "/usr/lib/cni/$f" "$out/cni/$f"
  done
  "$out/dagger-engine" --version >/dev/null

  {
    echo "recipe=$RECIPE"
    echo "dagger=$DAGGER_VERSION"
    echo "commit=$hash"
    echo "distconsts=${dc#"$work/"}"
    echo "stubbed=${stubbed[*]:-}"
    echo "cli=$([ "$cli_src" = ./cmd/dagger ] && echo upstream || echo gostatic-session-only)"
    echo "go=$(go env GOVERSION)"
    echo "built=$(date -Is) in $(since "$t0")"
  } >"$out/BUILD-INFO"

  rm -rf "$CACHE.old"
  [ ! -e "$CACHE" ] || mv "$CACHE" "$CACHE.old"
  mkdir -p "$CACHE"
  mv "$out/BUILD-INFO" "$CACHE/BUILD-INFO.tmp"
  rm -rf "$BIN"
  mv "$out" "$BIN"
  mv "$CACHE/BUILD-INFO.tmp" "$CACHE/BUILD-INFO"
  rm -rf "$CACHE.old"
  log "built Dagger $DAGGER_VERSION in $(since "$t0") into $BIN"
}

# ---------------------------------------------------------------- run

live_pid() { # live_pid <pid-file> <cmdline substring>
  local pid
  pid=$(cat "$1" 2>/dev/null) || return 1
  [[ $pid =~ ^[0-9]+$ ]] && [ -r "/proc/$pid/stat" ] || return 1
  [ "$(cut -d' ' -f3 "/proc/$pid/stat" 2>/dev/null)" != Z ] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$2" || return 1
  echo "$pid"
}

# Runs "$@" in a new session with no fd above 2 (nothing a CI runner waits on).
daemonize() {
  local fd
  for fd in "/proc/$BASHPID/fd"/*; do
    fd=${fd##*/}
    if [ "$fd" -gt 2 ]; then eval "exec $fd>&-" 2>/dev/null || true; fi
  done
  exec setsid "$@"
}

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
  while ! "${@:4}"; do
    live_pid "$2" "$3" >/dev/null || return 1
    [ "$(date +%s)" -lt "$deadline" ] || return 1
    sleep 0.3
  done
}

up_netns() {
  if ! ip netns list | grep -qw "^$NETNS"; then
    ip netns add "$NETNS"
    log "network namespace $NETNS created"
  fi
  ip -n "$NETNS" link set lo up
}

# A second registry process on the namespace's loopback, same storage: the
# engine pulls and pushes 127.0.0.1:5000/... as the host does.
up_ns_registry() {
  local as=()
  if live_pid "$REG_PID" "$RUN/registry.yml" >/dev/null && ns_registry_answers; then return 0; fi
  stop_pid "$REG_PID" "registry in $NETNS" "$RUN/registry.yml"
  command -v docker-registry >/dev/null || die "no docker-registry; run scripts/install-tools.sh"
  mkdir -p "$REG_DATA"
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
  rm -rf "$o"
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
  ulimit -n 1048576 2>/dev/null || ulimit -n "$(ulimit -Hn)" || true
  # /usr/bin first, so the CNI plugins run the iptables the engine picked
  # (Debian's /usr/sbin/iptables is the nft variant).
  export PATH=/usr/local/bin:/usr/bin:/usr/local/sbin:/usr/sbin:/bin:/sbin
  exec "$BIN/dagger-engine" --addr "$RUNNER_HOST" --root "$STATE/root" --oci-cni-binary-dir "$BIN/cni"
}

# One real round trip: `dagger session`, then a GraphQL query through it.
session_query() { # prints the engine's version
  local line port token body resp rc=1
  coproc SESS { DO_NOT_TRACK=1 DAGGER_NO_UPDATE_CHECK=1 _EXPERIMENTAL_DAGGER_RUNNER_HOST=$RUNNER_HOST \
    exec "$BIN/dagger" session 2>>"$RUN/session-check.log"; }
  if IFS= read -r -t 60 line <&"${SESS[0]}"; then
    port=$(jq -r .port <<<"$line" 2>/dev/null || true)
    token=$(jq -r .session_token <<<"$line" 2>/dev/null || true)
    body='{"query":"{ version }"}'
    # shellcheck disable=SC2016
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

up_engine() {
  local pid t0 v
  if pid=$(live_pid "$ENGINE_PID" "$BIN/dagger-engine"); then
    if v=$(session_query); then
      log "engine already up (pid $pid, $RUNNER_HOST, $v)"
      return 0
    fi
    log "engine (pid $pid) runs but no session answers; restarting it"
    stop_pid "$ENGINE_PID" engine "$BIN/dagger-engine"
  fi
  t0=$(now_ms)
  mkdir -p "$STATE/root" "$(dirname "$SOCK")"
  rm -f "$SOCK"
  echo "==== $(date -Is) dagger-engine $DAGGER_VERSION in netns $NETNS" >>"$ENGINE_LOG"
  daemonize nsenter --net="/run/netns/$NETNS" unshare --mount --propagation private -- \
    bash "$SELF" __engine "$BIN/dagger-engine" </dev/null >>"$ENGINE_LOG" 2>&1 &
  echo $! >"$ENGINE_PID"
  # nsenter and unshare exec in turn, and so does the inner script: the pid
  # stays the engine's.
  if ! wait_until "$WAIT_SECS" "$ENGINE_PID" "$BIN/dagger-engine" test -S "$SOCK"; then
    tail_log "$ENGINE_LOG" 40
    stop_pid "$ENGINE_PID" engine "$BIN/dagger-engine"
    die "the engine did not create $SOCK within ${WAIT_SECS}s (log: $ENGINE_LOG)"
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
  stop_pid "$REG_PID" "registry in $NETNS" "$RUN/registry.yml"
  rm -f "$SOCK"
  if ip netns list | grep -qw "^$NETNS"; then
    ip netns del "$NETNS"
    log "network namespace $NETNS removed"
  fi
  # dnsmasq and CNI state the engine kept for its (now gone) bridge, and the
  # buildkit socket it also serves.
  rm -rf /run/containers/cni/dnsname/dagger /run/buildkit/buildkitd.sock
  rmdir /run/buildkit /run/containers/cni/dnsname /run/containers/cni /run/containers 2>/dev/null || true
}

status() {
  local rc=0 pid v
  if pid=$(live_pid "$ENGINE_PID" "$BIN/dagger-engine"); then
    if v=$(session_query); then echo "engine    up    pid $pid  $RUNNER_HOST  $v  netns $NETNS"
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
  build) need_root build; lock; build ;;
  up)
    need_root up; lock
    build
    need_tools ip nsenter unshare setsid runc dnsmasq iptables jq base64
    up_netns
    up_ns_registry
    up_engine ;;
  down) need_root down; lock; down ;;
  status) status ;;
  env)
    echo "export _EXPERIMENTAL_DAGGER_CLI_BIN=$BIN/dagger"
    echo "export _EXPERIMENTAL_DAGGER_RUNNER_HOST=$RUNNER_HOST"
    echo "export DAGGER_NO_UPDATE_CHECK=1"
    echo "export DO_NOT_TRACK=1" ;;
  __engine) engine_inner ;;
  *) echo "usage: $0 build|up|down|status|env" >&2; exit 2 ;;
esac
