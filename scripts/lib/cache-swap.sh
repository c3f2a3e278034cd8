#!/usr/bin/env bash
# Puts a freshly built tool folder in place of the cached one, so a reader
# never sees half of either: the old one moves aside, the new one is renamed
# in, the old one goes. Shared by scripts/cosign.sh and scripts/zig.sh. Sourced.

swap_into_place() { # swap_into_place <new-dir> <cache-dir>
  rm -rf "$2.old"
  if [ -e "$2" ]; then mv "$2" "$2.old"; fi
  mv "$1" "$2"
  rm -rf "$2.old"
}
