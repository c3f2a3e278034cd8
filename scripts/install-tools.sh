#!/usr/bin/env bash
# Installs, idempotently, the system packages the tests need. Debian 12 only.
# upx-ucl lives in bookworm-backports; we add that suite for Debian's own
# archive and nothing else (other suites would replace the system libc).
set -euo pipefail

PKGS=(upx-ucl runc docker.io skopeo umoci busybox-static docker-registry
      # htpasswd (bcrypt) for the auth test registry in scripts/services.sh
      apache2-utils
      binutils binutils-aarch64-linux-gnu llvm jq iproute2 util-linux ca-certificates
      # test/e2e/failure-modes.test.ts: a test CA and TLS leaf (openssl), a default cgo build (gcc)
      openssl gcc
      # the Dagger engine built from source (scripts/dagger-engine.sh) and the
      # Debian-based builder image it runs (scripts/builder-image.sh)
      iptables nftables dnsmasq-base containernetworking-plugins mmdebstrap)

need=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || need+=("$p")
done
if [ ${#need[@]} -eq 0 ]; then
  echo "install-tools: all ${#PKGS[@]} packages present"
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
apt-get update -qq
echo "install-tools: installing ${need[*]}"
# docker-registry's postinst would start a registry on all interfaces with its
# default config; policy-rc.d keeps any service from being started by apt.
printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d; chmod +x /usr/sbin/policy-rc.d
trap 'rm -f /usr/sbin/policy-rc.d' EXIT
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
