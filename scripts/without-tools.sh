#!/usr/bin/env bash
# Runs a command as on a machine with only Go and Node (and the base system):
# the README promises `npm test` passes there, each test needing a missing
# tool skipping with the tool's name. .ci/run installs every tool, so without
# this it could never see a test that silently needs one.
#
#   scripts/without-tools.sh <command...>
#
# What it hides:
# - every tool the tests or gostatic look for (upx, zig, strip and binutils, C
#   compilers, docker, runc, skopeo, umoci, cosign, qemu, openssl, ...): PATH
#   becomes a folder of links to the current PATH's programs minus those.
#   python3 stays (most machines have one), without the ziglang wheel;
# - the tools installed under /var/cache/gostatic (tests also look there): an
#   empty tmpfs covers it, in a mount namespace of the command's own (needs root);
# - the environment that points at tools and services (GOSTATIC_ZIG,
#   GOSTATIC_REQUIRE_TOOLS, DOCKER_HOST, the Dagger engine's, cosign's);
#   GOSTATIC_REGISTRY points at a closed port (127.0.0.1:3), as if no registry ran.
set -euo pipefail

HIDDEN='^(upx|zig|docker.*|containerd.*|ctr|runc|crun|podman|buildah|skopeo|umoci|cosign|ko|dagger|'
HIDDEN+='.*strip|.*readelf|.*objdump|.*objcopy|ld|ld\..*|.*-ld|.*-ld\..*|as|.*-as|'
HIDDEN+='.*gcc.*|cc|c\+\+|.*g\+\+.*|cpp.*|clang.*|musl-.*|qemu-.*|openssl|'
HIDDEN+='shellcheck|busybox|registry|docker-registry|chromium.*|jq|kubeconform|kubectl)$'

[ $# -gt 0 ] || { echo "usage: scripts/without-tools.sh <command...>" >&2; exit 2; }

if [ "${GOSTATIC_WITHOUT_TOOLS_INNER:-}" != 1 ]; then
  [ "$(id -u)" = 0 ] || { echo "error: scripts/without-tools.sh hides /var/cache/gostatic with a mount: run it as root" >&2; exit 1; }
  farm=$(mktemp -d /tmp/gostatic-without-tools-XXXXXX)
  trap 'rm -rf "$farm"' EXIT
  IFS=: read -ra dirs <<<"$PATH"
  for d in "${dirs[@]}"; do
    [ -d "$d" ] || continue
    for f in "$d"/*; do
      n=${f##*/}
      if [ -x "$f" ] && [ ! -d "$f" ] && [ ! -e "$farm/$n" ] && ! [[ $n =~ $HIDDEN ]]; then
        ln -s "$f" "$farm/$n"
      fi
    done
  done
  for v in GOSTATIC_ZIG GOSTATIC_REQUIRE_TOOLS GOSTATIC_DOCKER GOSTATIC_COSIGN DOCKER_HOST \
    _EXPERIMENTAL_DAGGER_RUNNER_HOST _EXPERIMENTAL_DAGGER_CLI_BIN DAGGER_SESSION_PORT DAGGER_SESSION_TOKEN \
    GOSTATIC_AUTH_REGISTRY GOSTATIC_AUTH_REGISTRY_USER GOSTATIC_AUTH_REGISTRY_PASSWORD PYTHONPATH \
    GOSTATIC_KUBECONFORM GOSTATIC_KUBECONFORM_SCHEMAS; do
    unset "$v"
  done
  # Port 3 on loopback: nothing listens (and fetch does not refuse it as a bad port), so registry tests skip.
  export GOSTATIC_REGISTRY=127.0.0.1:3
  # Not exec: the trap removes the farm when the command ends.
  rc=0
  GOSTATIC_WITHOUT_TOOLS_INNER=1 PATH="$farm" unshare --mount --propagation private \
    "$BASH" "${BASH_SOURCE[0]}" "$@" || rc=$?
  exit "$rc"
fi

unset GOSTATIC_WITHOUT_TOOLS_INNER
if [ -d /var/cache/gostatic ]; then mount -t tmpfs -o size=1m,mode=0755 gostatic-no-tools /var/cache/gostatic; fi
exec "$@"
