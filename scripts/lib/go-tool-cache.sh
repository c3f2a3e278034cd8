#!/usr/bin/env bash
# A Go tool installed from the module proxy into a versioned cache folder,
# shared by scripts/cosign.sh and scripts/ko.sh: built once per version (under
# a lock, so concurrent runs wait), into a temp folder that replaces the cache
# only when complete. Sourced, not run.
#
# The sourcing script defines is_built (true when $CACHE holds this
# version), sets NAME, VERSION, RECIPE and CACHE, and calls
#   go_tool_build <install-fn>
# where <install-fn> <dir> puts the tool into <dir> and checks its version.
# The finished folder replaces the cache through swap_into_place. log and
# die (defined here) prefix their lines with $NAME.

# shellcheck source=scripts/lib/cache-swap.sh
. "$(dirname "${BASH_SOURCE[0]}")/cache-swap.sh"

log() { echo "$NAME: $*" >&2; }
die() { log "error: $*"; exit 1; }

go_tool_build() {
  local install=$1 tmp started
  if is_built; then
    log "$CACHE holds $NAME $VERSION; nothing to build"
    return 0
  fi
  command -v go >/dev/null || die "go is not installed; run scripts/install-tools.sh or install Go"
  mkdir -p "${CACHE%/*}"
  exec 9>"${CACHE%/*}/.$NAME-$VERSION.lock"
  flock -w 900 9 || die "another build of $NAME $VERSION is still running"
  is_built && return 0
  tmp=$(mktemp -d "${CACHE%/*}/.$NAME-build.XXXXXX")
  # shellcheck disable=SC2064 # expand $tmp now: it is local to this function
  trap "rm -rf '$tmp'" EXIT
  started=$(date +%s)
  "$install" "$tmp"
  printf 'version=%s\nrecipe=%s\ngo=%s\n' "$VERSION" "$RECIPE" "$(go env GOVERSION)" >"$tmp/BUILD-INFO"
  swap_into_place "$tmp" "$CACHE"
  trap - EXIT
  log "built $NAME $VERSION into $CACHE in $(( $(date +%s) - started ))s"
}
