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

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=scripts/lib/go-tool-cache.sh
. "$HERE/lib/go-tool-cache.sh"

NAME=ko
VERSION=${GOSTATIC_KO_VERSION:-v0.19.1}
RECIPE=1
CACHE=${GOSTATIC_KO_CACHE:-/var/cache/gostatic/ko-$VERSION}
BIN=$CACHE/ko

is_built() {
  [ -x "$BIN" ] && grep -qx "recipe=$RECIPE" "$CACHE/BUILD-INFO" 2>/dev/null &&
    [ "$("$BIN" version 2>/dev/null)" = "$VERSION" ]
}

install_ko() { # install_ko <dir>
  log "installing github.com/google/ko@$VERSION through the Go module proxy"
  # Module mode outside any module; ko's version command reads the module
  # version from its build info, so no -ldflags -X is needed.
  (cd "$1" && GOTOOLCHAIN=auto GOFLAGS=-mod=mod CGO_ENABLED=0 GOBIN="$1" \
    go install -trimpath "github.com/google/ko@$VERSION") ||
    die "go install of ko $VERSION failed (is the Go module proxy reachable? GOPROXY=$(go env GOPROXY))"
  [ "$("$1/ko" version 2>/dev/null)" = "$VERSION" ] ||
    die "the installed ko reports '$("$1/ko" version 2>&1 | head -1)', not $VERSION"
}

case "${1:-}" in
  build) go_tool_build install_ko ;;
  path) is_built || exit 3; echo "$BIN" ;;
  env) if is_built; then echo "export GOSTATIC_KO=$BIN"; else log "not installed: run scripts/ko.sh build"; exit 3; fi ;;
  *) echo "usage: $0 build|path|env" >&2; exit 2 ;;
esac
