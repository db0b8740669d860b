#!/bin/bash
# Install what encmig needs to build and test on Debian 12, if missing.
# Xen's libraries are pinned to the exact 4.17.5 build the project targets:
# libxenguest reaches into libxenctrl's internals, so versions never mix.
set -euo pipefail

XEN_VERSION=4.17.5+72-g01140da4e8-1
XEN_PKGS="libxen-dev libxenmisc4.17 libxencall1 libxendevicemodel1
  libxenevtchn1 libxenforeignmemory1 libxengnttab1 libxenstore4
  libxentoolcore1 libxentoollog1 libxenhypfs1"
BASE_PKGS="build-essential autoconf automake pkg-config libssl-dev check
  clang llvm libclang-rt-dev iproute2 openssh-client openssh-server
  libibverbs-dev librdmacm-dev"

missing=()
for p in $BASE_PKGS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
        missing+=("$p")
done
for p in $XEN_PKGS; do
    v=$(dpkg-query -W -f='${Version}' "$p" 2>/dev/null || true)
    [ "$v" = "$XEN_VERSION" ] || missing+=("$p=$XEN_VERSION")
done

[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
    echo "deps: missing packages and not root: ${missing[*]}" >&2
    exit 1
fi
echo "deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null
apt-get install -y -q --no-install-recommends --allow-downgrades \
    "${missing[@]}" >/dev/null
