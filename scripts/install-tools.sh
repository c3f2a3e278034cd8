#!/usr/bin/env bash
# Installs, idempotently, the system packages the tests need. Debian 12 only.
# upx-ucl lives in bookworm-backports; we add that suite for Debian's own
# archive and nothing else (other suites would replace the system libc).
set -euo pipefail

PKGS=(upx-ucl runc docker.io skopeo umoci busybox-static docker-registry
      # htpasswd (bcrypt) for the auth test registry in scripts/services.sh
      apache2-utils
      # the HTTP proxy on loopback that scripts/services.sh runs for the registry proxy tests
      squid
      binutils binutils-aarch64-linux-gnu llvm jq iproute2 util-linux ca-certificates
      # test/e2e/failure-modes.test.ts: a test CA and TLS leaf (openssl), a default cgo build (gcc)
      openssl gcc
      # the Dagger engine built from source (scripts/dagger-engine.sh) and the
      # Debian-based builder image it runs (scripts/builder-image.sh)
      iptables nftables dnsmasq-base containernetworking-plugins mmdebstrap
      # mount/umount for the engine's view (dagger-engine.sh); the archive key
      # that the backports source below and mmdebstrap verify with
      mount debian-archive-keyring
      # test/e2e/shell-scripts.test.ts lints scripts/**/*.sh and .ci/run
      shellcheck
      # .cgo() with musl-gcc (amd64 here), and qemu-aarch64-static to run arm64
      # binaries directly (binfmt_misc need not be mounted); zig comes from
      # PyPI through scripts/zig.sh
      musl-tools qemu-user-static
      # test/e2e/inspect-html.test.ts renders `gostatic inspect --html` in a
      # real headless browser (no console errors, a screenshot of the treemap)
      chromium)

POLICY=/usr/sbin/policy-rc.d
POLICY_SAVED=/usr/sbin/policy-rc.d.gostatic-saved
MARK='written by gostatic scripts/install-tools.sh'
UNIT=docker-registry.service

log() { echo "install-tools: $*" >&2; }

# An earlier run killed during its install left our policy-rc.d in place
# (and maybe the host's set aside): undo that first.
if grep -qsF "$MARK" "$POLICY"; then
  rm -f "$POLICY"
  log "removed the $POLICY an interrupted run left"
fi
if [ -e "$POLICY_SAVED" ] || [ -L "$POLICY_SAVED" ]; then
  mv -f "$POLICY_SAVED" "$POLICY"
  log "restored the host's $POLICY that an interrupted run set aside"
fi

# Debian's docker-registry package enables a unit (and an init script) that
# serves a registry on :5000 on all interfaces with htpasswd auth. After a
# reboot on a systemd (or sysvinit) host it would hold the port that
# scripts/services.sh's loopback registry needs, so it is disabled and
# masked; services.sh runs the binary itself. Without systemctl (or without
# the package) there is nothing to do.
disable_packaged_registry() {
  [ -e "/lib/systemd/system/$UNIT" ] || [ -e /etc/init.d/docker-registry ] || return 0
  if command -v systemctl >/dev/null; then
    local state
    state=$(systemctl is-enabled "$UNIT" 2>/dev/null || true)
    if [ "$state" != masked ]; then
      if [ -d /run/systemd/system ]; then # systemd is the running init
        systemctl disable --now "$UNIT" >/dev/null 2>&1 || true
      else
        systemctl disable "$UNIT" >/dev/null 2>&1 || true
      fi
      systemctl mask "$UNIT" >/dev/null 2>&1 || log "warning: could not mask $UNIT"
      log "$UNIT ${state:-unknown} -> $(systemctl is-enabled "$UNIT" 2>/dev/null || true) (services.sh runs its own registry on 127.0.0.1:5000)"
    fi
    if [ -d /run/systemd/system ] && systemctl is-active --quiet "$UNIT" 2>/dev/null; then
      systemctl stop "$UNIT" || true
    fi
  fi
  # sysvinit: S links would start /etc/init.d/docker-registry at boot.
  if [ -e /etc/init.d/docker-registry ] && command -v update-rc.d >/dev/null &&
     compgen -G '/etc/rc[2-5].d/S*docker-registry' >/dev/null; then
    update-rc.d docker-registry disable >/dev/null 2>&1 || log "warning: update-rc.d docker-registry disable failed"
  fi
}

need=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || need+=("$p")
done
if [ ${#need[@]} -eq 0 ]; then
  disable_packaged_registry
  log "all ${#PKGS[@]} packages present"
  exit 0
fi

if ! grep -rqs 'bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/; then
  cat > /etc/apt/sources.list.d/gostatic-backports.sources <<'SRC'
Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
fi
export DEBIAN_FRONTEND=noninteractive
# A dpkg run cut short earlier ("dpkg was interrupted") blocks every install.
dpkg --configure -a >/dev/null
apt-get update -qq -o Acquire::Retries=3
log "installing ${need[*]}"

# docker-registry's postinst would start a registry on all interfaces with its
# default config, and docker.io's a dockerd; a policy-rc.d that says 101 keeps
# apt from starting any service. A host's own policy-rc.d is set aside for
# the install and put back after, whatever happens.
restore_policy() {
  if [ -e "$POLICY_SAVED" ] || [ -L "$POLICY_SAVED" ]; then mv -f "$POLICY_SAVED" "$POLICY"
  else rm -f "$POLICY"; fi
}
if [ -e "$POLICY" ] || [ -L "$POLICY" ]; then mv -f "$POLICY" "$POLICY_SAVED"; fi
trap restore_policy EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
printf '#!/bin/sh\n# %s for one apt-get install\nexit 101\n' "$MARK" >"$POLICY.tmp"
chmod 0755 "$POLICY.tmp" && mv -f "$POLICY.tmp" "$POLICY"
apt-get install -y -qq -o Acquire::Retries=3 --no-install-recommends "${need[@]}" >/dev/null
disable_packaged_registry
