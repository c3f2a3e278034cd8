#!/usr/bin/env bash
# The real cosign the signing tests verify with, built from its Go module
# (no download host for release binaries is reachable here) and cached per
# version, as scripts/dagger-engine.sh caches the engine.
#
#   scripts/cosign.sh build   build and cache cosign; a no-op when the cached one is this version
#   scripts/cosign.sh path    print the cached binary's path (exit 3 when it is not built)
#   scripts/cosign.sh env     export lines: eval "$(scripts/cosign.sh env)" sets GOSTATIC_COSIGN
#
# Version: v2.6.5, the newest github.com/sigstore/cosign/v2 the Go module
# proxy serves here (v2.2.4 ... v2.6.5). Its go.mod asks for Go >= 1.25; the
# build runs with GOTOOLCHAIN=auto, so an older local Go fetches that
# toolchain through the module proxy. The cache is reused when BUILD-INFO
# names this version and RECIPE and the binary answers `cosign version` with
# it; bump RECIPE when the build steps below change.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=scripts/lib/go-tool-cache.sh
. "$HERE/lib/go-tool-cache.sh"

NAME=cosign
VERSION=${GOSTATIC_COSIGN_VERSION:-v2.6.5}
RECIPE=1
CACHE=${GOSTATIC_COSIGN_CACHE:-/var/cache/gostatic/cosign-$VERSION}
BIN=$CACHE/bin/cosign

is_built() {
  [ -x "$BIN" ] && grep -qx "recipe=$RECIPE" "$CACHE/BUILD-INFO" 2>/dev/null &&
    "$BIN" version 2>/dev/null | grep -q "GitVersion: *$VERSION\$"
}

install_cosign() { # install_cosign <dir>
  log "building github.com/sigstore/cosign/v2/cmd/cosign@$VERSION through the Go module proxy"
  # Module mode outside any module; -trimpath so the binary doesn't record our paths.
  (cd "$1" && GOTOOLCHAIN=auto GOFLAGS=-mod=mod CGO_ENABLED=0 GOBIN="$1/bin" \
    go install -trimpath -ldflags='-s -w' "github.com/sigstore/cosign/v2/cmd/cosign@$VERSION") ||
    die "go install of cosign $VERSION failed (is the Go module proxy reachable? GOPROXY=$(go env GOPROXY))"
  "$1/bin/cosign" version 2>/dev/null | grep -q "GitVersion: *$VERSION\$" ||
    die "the built cosign does not report $VERSION"
}

case "${1:-}" in
  build) go_tool_build install_cosign ;;
  path) is_built || exit 3; echo "$BIN" ;;
  env) if is_built; then echo "export GOSTATIC_COSIGN=$BIN"; else log "not built: run scripts/cosign.sh build"; exit 3; fi ;;
  *) echo "usage: $0 build|path|env" >&2; exit 2 ;;
esac
