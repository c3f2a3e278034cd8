#!/usr/bin/env bash
# Builds the Go builder image the Dagger tests use, from Debian, pulling
# nothing from a container registry (none is reachable here), and pushes it
# to the local registry of scripts/services.sh:
#
#   127.0.0.1:5000/gostatic/go-builder:<go major.minor>
#   127.0.0.1:5000/library/golang:<go major.minor>-alpine
#       the same image under the name a docker.io mirror resolves
#       `golang:<ver>-alpine` to. It STANDS IN for the official
#       golang:<ver>-alpine, which cannot be pulled here: it is Debian
#       bookworm (minbase), not Alpine, and has no apk. It holds the host's Go
#       toolchain at /usr/local/go (GOTOOLCHAIN=local), binutils, upx-ucl
#       (bookworm-backports), ca-certificates, unzip and busybox.
#   127.0.0.1:5000/gostatic/go-builder-cgo:<go major.minor>
#       the builder plus one layer: zig from the pinned ziglang wheel (scripts/zig.sh)
#       at /opt/ziglang-<version>/ziglang/zig, linked as /usr/local/bin/zig, where
#       the plan's builder tools put it (src/plan/cgo-plan.ts). For the .cgo()
#       tests; a tag of its own so the other builds do not pull zig's ~400 MB.
#   127.0.0.1:5000/library/alpine:3.20
#       a stand-in for alpine:3.20: busybox-static with /etc/passwd, /etc/group,
#       /etc/ssl/certs/ca-certificates.crt and /tmp. Not Alpine either.
#
#   scripts/builder-image.sh          build (or reuse) and push; a no-op when the
#                                     registry already has this recipe's tags
#   scripts/builder-image.sh --force  rebuild and push even so
#
# The OCI layout is cached under /var/cache/gostatic/builder-image-<go>-r<N>/,
# so a wiped registry only costs a push.
set -euo pipefail

RECIPE=1 # bump when the image contents below change
REG=${GOSTATIC_REGISTRY:-127.0.0.1:5000}
MIRROR=${GOSTATIC_DEBIAN_MIRROR:-http://deb.debian.org/debian}
SECURITY_MIRROR=${GOSTATIC_DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security}
SUITE=bookworm
PACKAGES=ca-certificates,binutils,upx-ucl,unzip,busybox
ALPINE_VERSION=3.20
CGO_RECIPE=1 # bump when the cgo layer below changes
ZIG_SH=$(dirname "${BASH_SOURCE[0]}")/zig.sh

log() { echo "builder-image: $*" >&2; }
die() { log "error: $*"; exit 1; }
now_ms() { date +%s%3N; }
since() { local ms=$(( $(now_ms) - $1 )); printf '%d.%03ds' $((ms / 1000)) $((ms % 1000)); }

[ "$(id -u)" = 0 ] || die "needs root (mmdebstrap, umoci unpack)"
for t in go mmdebstrap umoci skopeo jq tar busybox python3; do
  command -v "$t" >/dev/null || die "missing tool: $t; run scripts/install-tools.sh"
done

GOROOT_HOST=$(go env GOROOT)
GO_VERSION=$(go env GOVERSION)                          # go1.26.8
GO_MINOR=$(sed -E 's/^go([0-9]+\.[0-9]+).*/\1/' <<<"$GO_VERSION") # 1.26
STAMP="$GO_VERSION-r$RECIPE"
CACHE=/var/cache/gostatic/builder-image-$STAMP
LAYOUT=$CACHE/oci
BUILDER_REFS=("$REG/gostatic/go-builder:$GO_MINOR" "$REG/library/golang:$GO_MINOR-alpine")
CGO_REF=$REG/gostatic/go-builder-cgo:$GO_MINOR
CGO_STAMP=$STAMP-cgo$CGO_RECIPE
ALPINE_REF=$REG/library/alpine:$ALPINE_VERSION
LABEL=org.gostatic.builder-image

# The first line of the registry's answer to GET /v2/ (bash speaks HTTP/1.0;
# curl is not among the tools we install); nothing when no one answers.
registry_status() {
  local host=${REG%:*} port=${REG##*:}
  [ "$host" != "$REG" ] || port=80
  # shellcheck disable=SC2016 # $1..$3 expand in the inner bash
  timeout 5 bash -c 'exec 3<>"/dev/tcp/$1/$2" &&
    printf "GET /v2/ HTTP/1.0\r\nHost: %s\r\n\r\n" "$3" >&3 && head -n1 <&3' _ "$host" "$port" "$REG" 2>/dev/null |
    tr -d '\r' || true
}

# Before minutes of mmdebstrap: the push at the end needs the registry.
need_registry() {
  local st
  st=$(registry_status)
  case $st in
    *' 200 '*|*' 200') ;;
    '') die "no registry answers at http://$REG/v2/; start it first (scripts/services.sh up) or set GOSTATIC_REGISTRY" ;;
    *) die "http://$REG/v2/ answered '$st', not 200: this pushes without credentials to the open registry of scripts/services.sh" ;;
  esac
}

# mmdebstrap (root mode) mounts /proc, /sys and /dev nodes inside the rootfs;
# one killed midway leaves them mounted. Unmount those first, and never let
# rm cross into a mount.
remove_rootfs() { # remove_rootfs <dir>
  local m
  while read -r m; do umount -l "$m" 2>/dev/null || true
  done < <(awk -v d="$1/" 'index($5, d) == 1 { print $5 }' /proc/self/mountinfo | sort -r)
  rm -rf --one-file-system "$1"
}

registry_has() { # registry_has <ref> [stamp]: the tag exists and carries this recipe's label
  local got
  got=$(skopeo inspect --tls-verify=false --retry-times 0 "docker://$1" 2>/dev/null |
    jq -r --arg l "$LABEL" '.Labels[$l] // empty') || return 1
  [ "$got" = "${2:-$STAMP}" ]
}

all_pushed() {
  local r
  for r in "${BUILDER_REFS[@]}" "$ALPINE_REF"; do registry_has "$r" || return 1; done
  registry_has "$CGO_REF" "$CGO_STAMP"
}

# umoci_image <tag> <rootfs-dir> <config args...>: a one-layer image in $LAYOUT
umoci_image() {
  local tag=$1 rootfs=$2 layer
  layer=$(mktemp "$CACHE/layer.XXXXXX.tar")
  # Fixed owner and mtime, sorted entries: the same inputs give the same layer.
  tar -C "$rootfs" --sort=name --numeric-owner --mtime=@1704067200 \
    --exclude='./dev/*' --exclude='./proc/*' --exclude='./sys/*' -cf "$layer" .
  umoci new --image "$LAYOUT:$tag"
  umoci raw add-layer --image "$LAYOUT:$tag" "$layer"
  rm -f "$layer"
  umoci config --image "$LAYOUT:$tag" --os linux --architecture "$(go env GOARCH)" \
    --config.label "$LABEL=$STAMP" "${@:3}"
}

build_builder() {
  local t0 root
  t0=$(now_ms)
  root=$(mktemp -d "$CACHE/rootfs.XXXXXX")
  log "mmdebstrap $SUITE minbase + $PACKAGES (upx-ucl from $SUITE-backports)"
  mmdebstrap --quiet --variant=minbase --include="$PACKAGES" \
    --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/doc/*' \
    --dpkgopt='path-exclude=/usr/share/locale/*' --dpkgopt='path-include=/usr/share/doc/*/copyright' \
    "$SUITE" "$root" \
    "deb $MIRROR $SUITE main" "deb $MIRROR $SUITE-updates main" \
    "deb $SECURITY_MIRROR $SUITE-security main" "deb $MIRROR $SUITE-backports main"
  log "rootfs in $(since "$t0"); adding $GO_VERSION from $GOROOT_HOST"
  mkdir -p "$root/usr/local" "$root/go/bin" "$root/go/src" "$root/root/.cache"
  tar -C "$(dirname "$GOROOT_HOST")" --exclude="$(basename "$GOROOT_HOST")/test" -cf - "$(basename "$GOROOT_HOST")" |
    tar -C "$root/usr/local" -xf -
  [ -d "$root/usr/local/go" ] || mv "$root/usr/local/$(basename "$GOROOT_HOST")" "$root/usr/local/go"
  rm -rf "$root/var/cache/apt/archives/"*.deb "$root/var/lib/apt/lists/"*
  local out
  out=$(chroot "$root" /usr/bin/env GOROOT=/usr/local/go /usr/local/go/bin/go version 2>&1) ||
    die "the copied Go toolchain does not run in the image: $out"
  umoci_image builder "$root" \
    --config.env PATH=/go/bin:/usr/local/go/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    --config.env GOROOT=/usr/local/go --config.env GOPATH=/go --config.env GOTOOLCHAIN=local \
    --config.env GOLANG_VERSION="${GO_VERSION#go}" \
    --config.workingdir /go --config.cmd /bin/bash \
    --config.label "org.opencontainers.image.description=gostatic Go builder: Debian $SUITE + $GO_VERSION; stands in for golang:$GO_MINOR-alpine"
  remove_rootfs "$root"
  log "builder image built in $(since "$t0")"
}

build_alpine() {
  local root a
  root=$(mktemp -d "$CACHE/rootfs.XXXXXX")
  mkdir -p "$root"/{bin,etc/ssl/certs,tmp,root,home}
  chmod 1777 "$root/tmp"
  cp "$(command -v busybox)" "$root/bin/busybox"
  for a in $("$root/bin/busybox" --list); do [ "$a" = busybox ] || ln -s busybox "$root/bin/$a"; done
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/sbin/nologin\n' >"$root/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' >"$root/etc/group"
  cp /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/ca-certificates.crt"
  umoci_image alpine "$root" \
    --config.env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin --config.cmd /bin/sh \
    --config.label "org.opencontainers.image.description=gostatic stand-in for alpine:$ALPINE_VERSION (busybox-static, not Alpine)"
  remove_rootfs "$root"
}

# The builder plus a layer with zig. Made from the builder in the layout, so a
# cached layout only pays for this layer.
build_cgo() {
  local t0 extra layer zig zig_home
  t0=$(now_ms)
  zig=$("$ZIG_SH" install >&2 && "$ZIG_SH" path) || die "scripts/zig.sh could not install zig"
  zig_home=/opt/ziglang-$("$zig" version)
  extra=$(mktemp -d "$CACHE/rootfs.XXXXXX")
  mkdir -p "$extra$zig_home" "$extra/usr/local/bin"
  cp -a "$(dirname "$zig")/../lib/ziglang" "$extra$zig_home/ziglang"
  ln -s "$zig_home/ziglang/zig" "$extra/usr/local/bin/zig"
  "$extra$zig_home/ziglang/zig" version >/dev/null || die "the copied zig does not run"
  layer=$(mktemp "$CACHE/layer.XXXXXX.tar")
  tar -C "$extra" --sort=name --numeric-owner --owner=0 --group=0 --mtime=@1704067200 -cf "$layer" .
  skopeo copy --quiet "oci:$LAYOUT:builder" "oci:$LAYOUT:builder-cgo"
  umoci raw add-layer --image "$LAYOUT:builder-cgo" "$layer"
  umoci config --image "$LAYOUT:builder-cgo" --config.label "$LABEL=$CGO_STAMP" \
    --config.label "org.opencontainers.image.description=gostatic Go builder with zig $("$zig" version) for .cgo()"
  rm -f "$layer"
  remove_rootfs "$extra"
  date -Is >"$CACHE/cgo-complete-$CGO_RECIPE"
  log "cgo builder image built in $(since "$t0")"
}

push() { # push <tag> <ref>
  local t0; t0=$(now_ms)
  skopeo copy --quiet --dest-tls-verify=false --retry-times 2 "oci:$LAYOUT:$1" "docker://$2"
  log "pushed $2 in $(since "$t0")"
}

main() {
  local t0 r
  t0=$(now_ms)
  need_registry
  if [ "${1:-}" != --force ] && all_pushed; then
    log "registry already has ${BUILDER_REFS[*]} $ALPINE_REF ($STAMP) and $CGO_REF ($CGO_STAMP)"
    return 0
  fi
  mkdir -p "$CACHE"
  exec 9>"$CACHE.lock"
  flock -w 900 9 || die "another builder-image.sh is still running"
  for r in "$CACHE"/rootfs.*; do [ ! -d "$r" ] || remove_rootfs "$r"; done
  rm -f "$CACHE"/layer.*
  if [ "${1:-}" = --force ] || [ ! -f "$CACHE/complete" ]; then
    rm -rf "$LAYOUT" "$CACHE/complete" "$CACHE"/cgo-complete-*
    umoci init --layout "$LAYOUT"
    build_builder
    build_alpine
    date -Is >"$CACHE/complete"
  else
    log "reusing the OCI layout in $LAYOUT"
  fi
  [ -f "$CACHE/cgo-complete-$CGO_RECIPE" ] || build_cgo
  for r in "${BUILDER_REFS[@]}"; do push builder "$r"; done
  push alpine "$ALPINE_REF"
  push builder-cgo "$CGO_REF"
  log "done in $(since "$t0") ($STAMP, $CGO_STAMP)"
}

main "$@"
