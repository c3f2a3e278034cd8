#!/usr/bin/env bash
# ko, the peer bench/peers.ts measures gostatic against, installed from the
# Go module proxy (no release download host is reachable here) into a
# versioned cache folder, as scripts/cosign.sh caches cosign.
#
#   scripts/ko.sh build   install and cache ko; a no-op when the cached one is this version
#   scripts/ko.sh path    print the cached binary's path (exit 3 when it is not installed)
#   scripts/ko.sh env     export lines: eval "$(scripts/ko.sh env)" sets GOSTATIC_KO
#
# Version: v0.19.1, the one the peer benchmark in issue 14 was measured
# against. The cache is reused when BUILD-INFO names this version and RECIPE
# and the binary answers `ko version` with it; bump RECIPE when the steps change.
set -euo pipefail

KO_VERSION=${GOSTATIC_KO_VERSION:-v0.19.1}
RECIPE=1
CACHE=${GOSTATIC_KO_CACHE:-/var/cache/gostatic/ko-$KO_VERSION}
BIN=$CACHE/ko

log() { echo "ko: $*" >&2; }
die() { log "error: $*"; exit 1; }

is_built() {
  [ -x "$BIN" ] && grep -qx "recipe=$RECIPE" "$CACHE/BUILD-INFO" 2>/dev/null &&
    [ "$("$BIN" version 2>/dev/null)" = "$KO_VERSION" ]
}

build() {
  if is_built; then
    log "$BIN is $KO_VERSION (cached); nothing to build"
    return 0
  fi
  command -v go >/dev/null || die "go is not installed; run scripts/install-tools.sh or install Go"
  mkdir -p "${CACHE%/*}"
  exec 9>"${CACHE%/*}/.ko-$KO_VERSION.lock"
  flock -w 900 9 || die "another scripts/ko.sh build is still running"
  is_built && return 0
  local tmp started
  tmp=$(mktemp -d "${CACHE%/*}/.ko-build.XXXXXX")
  trap 'rm -rf "$tmp"' EXIT
  started=$(date +%s)
  log "installing github.com/google/ko@$KO_VERSION through the Go module proxy"
  # Module mode outside any module. ko's version command reads the module
  # version from the build info, so no -ldflags -X is needed.
  (cd "$tmp" && GOTOOLCHAIN=auto GOFLAGS=-mod=mod CGO_ENABLED=0 GOBIN="$tmp" \
    go install -trimpath "github.com/google/ko@$KO_VERSION") ||
    die "go install of ko $KO_VERSION failed (is the Go module proxy reachable? GOPROXY=$(go env GOPROXY))"
  [ "$("$tmp/ko" version 2>/dev/null)" = "$KO_VERSION" ] ||
    die "the installed ko reports '$("$tmp/ko" version 2>&1 | head -1)', not $KO_VERSION"
  printf 'version=%s\nrecipe=%s\ngo=%s\n' "$KO_VERSION" "$RECIPE" "$(go env GOVERSION)" >"$tmp/BUILD-INFO"
  rm -rf "$CACHE.old"
  if [ -e "$CACHE" ]; then mv "$CACHE" "$CACHE.old"; fi
  mv "$tmp" "$CACHE"
  rm -rf "$CACHE.old"
  trap - EXIT
  log "installed $BIN in $(( $(date +%s) - started ))s"
}

case "${1:-}" in
  build) build ;;
  path) is_built || exit 3; echo "$BIN" ;;
  env) if is_built; then echo "export GOSTATIC_KO=$BIN"; else log "not installed: run scripts/ko.sh build"; exit 3; fi ;;
  *) echo "usage: $0 build|path|env" >&2; exit 2 ;;
esac
