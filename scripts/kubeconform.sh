#!/usr/bin/env bash
# The real kubeconform the `gostatic resolve` tests validate their output with,
# built from its Go module, and the Kubernetes JSON schemas it validates
# against, made offline (kubeconform downloads schemas by default, and no
# schema host is reachable here). Cached per version, as scripts/cosign.sh does.
#
#   scripts/kubeconform.sh build   build kubeconform and the schemas; a no-op when cached
#   scripts/kubeconform.sh path    print the cached binary's path (exit 3 when not built)
#   scripts/kubeconform.sh env     export lines: GOSTATIC_KUBECONFORM (the binary) and
#                                  GOSTATIC_KUBECONFORM_SCHEMAS (a -schema-location template)
#
# Schemas: k8s.io/client-go ships the API server's OpenAPI v3 documents for
# core/v1, apps/v1, batch/v1 and discovery.k8s.io/v1 as test data
# (openapi/openapitest/testdata), so `go mod download` of client-go from the
# module proxy gives them. scripts/kubeconform/openapi-to-schemas.mjs writes
# one JSON schema per kind, named as kubeconform's default template names
# them (deployment-apps-v1.json), each with its document's components so
# every $ref resolves inside the file. Kinds outside those groups have no
# schema: run kubeconform without -ignore-missing-schemas to catch that.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=scripts/lib/go-tool-cache.sh
. "$HERE/lib/go-tool-cache.sh"

NAME=kubeconform
VERSION=${GOSTATIC_KUBECONFORM_VERSION:-v0.8.0}
CLIENT_GO=v0.34.1
RECIPE=1
CACHE=${GOSTATIC_KUBECONFORM_CACHE:-/var/cache/gostatic/kubeconform-$VERSION}
BIN=$CACHE/bin/kubeconform
TEMPLATE="$CACHE/schemas/{{ .ResourceKind }}{{ .KindSuffix }}.json"

is_built() {
  [ -x "$BIN" ] && grep -qx "recipe=$RECIPE" "$CACHE/BUILD-INFO" 2>/dev/null &&
    [ -s "$CACHE/schemas/deployment-apps-v1.json" ] && "$BIN" -v 2>/dev/null | grep -qx "$VERSION"
}

install_kubeconform() { # install_kubeconform <dir>
  local dir
  log "building github.com/yannh/kubeconform/cmd/kubeconform@$VERSION through the Go module proxy"
  (cd "$1" && GOTOOLCHAIN=auto GOFLAGS=-mod=mod CGO_ENABLED=0 GOBIN="$1/bin" \
    go install -trimpath -ldflags="-s -w -X main.version=$VERSION" "github.com/yannh/kubeconform/cmd/kubeconform@$VERSION") ||
    die "go install of kubeconform $VERSION failed (is the Go module proxy reachable? GOPROXY=$(go env GOPROXY))"
  "$1/bin/kubeconform" -v 2>/dev/null | grep -qx "$VERSION" || die "the built kubeconform does not report $VERSION"
  log "downloading k8s.io/client-go@$CLIENT_GO for its OpenAPI documents"
  dir=$(cd "$1" && GOFLAGS=-mod=mod go mod download -json "k8s.io/client-go@$CLIENT_GO" | sed -n 's/^\s*"Dir": "\(.*\)",$/\1/p')
  [ -d "$dir/openapi/openapitest/testdata" ] || die "k8s.io/client-go@$CLIENT_GO has no openapi/openapitest/testdata"
  node "$HERE/kubeconform/openapi-to-schemas.mjs" "$dir/openapi/openapitest/testdata" "$1/schemas"
}

case "${1:-}" in
  build) go_tool_build install_kubeconform ;;
  path) is_built || exit 3; echo "$BIN" ;;
  env)
    if is_built; then
      echo "export GOSTATIC_KUBECONFORM=$BIN"
      echo "export GOSTATIC_KUBECONFORM_SCHEMAS='$TEMPLATE'"
    else log "not built: run scripts/kubeconform.sh build"; exit 3; fi ;;
  *) echo "usage: $0 build|path|env" >&2; exit 2 ;;
esac
