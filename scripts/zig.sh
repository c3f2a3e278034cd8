#!/usr/bin/env bash
# zig, the C toolchain of .cgo(), for the tests and benchmarks: the PyPI
# package ziglang (the official zig distribution as a wheel), pinned, installed
# with pip into a folder named for its version, as scripts/cosign.sh caches
# cosign. No zig download host is reachable here; PyPI is.
#
#   scripts/zig.sh install   install it; a no-op when the cached zig is this version
#   scripts/zig.sh path      print the zig wrapper's path (exit 3 when it is not installed)
#   scripts/zig.sh env       export lines: eval "$(scripts/zig.sh env)" sets GOSTATIC_ZIG
#
# Layout: $CACHE/lib/ziglang/ holds the wheel (zig and its lib/), $CACHE/bin/zig
# runs it. zig finds its lib/ next to its real executable, so the wrapper is a
# symlink. The first cgo build with it builds musl libc once (minutes) into
# ZIG_GLOBAL_CACHE_DIR; gostatic keeps that under its own cache folder.
set -euo pipefail
# shellcheck source=scripts/lib/cache-swap.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/cache-swap.sh"

ZIG_VERSION=${GOSTATIC_ZIG_VERSION:-0.17.1}
RECIPE=1
CACHE=${GOSTATIC_ZIG_CACHE:-/var/cache/gostatic/ziglang-$ZIG_VERSION}
BIN=$CACHE/bin/zig

log() { echo "zig: $*" >&2; }
die() { log "error: $*"; exit 1; }

is_installed() {
  [ -x "$BIN" ] && grep -qx "recipe=$RECIPE" "$CACHE/INSTALL-INFO" 2>/dev/null &&
    [ "$("$BIN" version 2>/dev/null)" = "$ZIG_VERSION" ]
}

install() {
  if is_installed; then
    log "$BIN is zig $ZIG_VERSION (cached); nothing to install"
    return 0
  fi
  command -v python3 >/dev/null || die "python3 is not installed (pip installs the ziglang wheel)"
  python3 -m pip --version >/dev/null 2>&1 || die "pip is missing for python3; install python3-pip"
  mkdir -p "${CACHE%/*}"
  exec 9>"${CACHE%/*}/.ziglang-$ZIG_VERSION.lock"
  flock -w 900 9 || die "another scripts/zig.sh install is still running"
  is_installed && return 0
  local tmp
  tmp=$(mktemp -d "${CACHE%/*}/.ziglang-install.XXXXXX")
  trap 'rm -rf "$tmp"' EXIT
  log "pip install --target ... ziglang==$ZIG_VERSION"
  # --target installs outside any environment, so a Debian python3
  # (externally managed, PEP 668) accepts it too.
  python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore --no-deps --no-compile \
    --target "$tmp/lib" "ziglang==$ZIG_VERSION" ||
    die "pip install ziglang==$ZIG_VERSION failed (is PyPI reachable? pip config: $(python3 -m pip config list 2>/dev/null | tr '\n' ' '))"
  mkdir -p "$tmp/bin"
  ln -s ../lib/ziglang/zig "$tmp/bin/zig"
  [ "$("$tmp/bin/zig" version)" = "$ZIG_VERSION" ] || die "the installed zig does not report $ZIG_VERSION"
  printf 'version=%s\nrecipe=%s\n' "$ZIG_VERSION" "$RECIPE" >"$tmp/INSTALL-INFO"
  swap_into_place "$tmp" "$CACHE"
  trap - EXIT
  log "installed $BIN (zig $ZIG_VERSION)"
}

case "${1:-}" in
  install) install ;;
  path) is_installed || exit 3; echo "$BIN" ;;
  env) if is_installed; then echo "export GOSTATIC_ZIG=$BIN"; else log "not installed: run scripts/zig.sh install"; exit 3; fi ;;
  *) echo "usage: $0 install|path|env" >&2; exit 2 ;;
esac
