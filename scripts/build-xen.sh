#!/bin/bash
# Build the Xen 4.17.5 hypervisor with the encmig component.
#
# Takes Debian's xen source package at the pinned version (its own patches
# applied by dpkg-source), applies xen/patches/*.patch, places the
# component's sources (xen/arch/x86/encmig/) and the public header
# (hypercalls/include/public/) into the tree, configures with Debian's
# config plus CONFIG_ENCMIG=y and builds with the hypervisor's own flags
# (warnings are errors).
#
# Artifacts (xen, xen.gz, xen-syms, xenpolicy, config, build.log) are
# cached in ${ENCMIG_CACHE:-/var/cache/encmig}/xen-<hash>/, the hash
# covering every input: this script, the patches, the component's
# sources, the public header and the pinned version.  A cache hit does
# nothing else.
#
# Usage: scripts/build-xen.sh             build (or find) the hypervisor
#        scripts/build-xen.sh --print-dir print the artifact directory
# The last line of a build is "xen: DIR".
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cache=${ENCMIG_CACHE:-/var/cache/encmig}
jobs=$(nproc)
log() { echo "build-xen: $*" >&2; }
# shellcheck source=scripts/build-lib.sh
. "$top/scripts/build-lib.sh"
XEN_UPSTREAM=${XEN_VERSION%-*}

# Every input, in a stable order; the hash names the artifact directory.
inputs() {
    (cd "$top" &&
     printf '%s\n' scripts/build-xen.sh scripts/build-lib.sh &&
     find xen/patches -maxdepth 1 -name '*.patch' | LC_ALL=C sort &&
     find xen/arch/x86/encmig -maxdepth 1 -type f \
         \( -name '*.c' -o -name '*.h' -o -name '*.S' \) | LC_ALL=C sort &&
     find hypercalls/include/public -maxdepth 1 -name '*.h' | LC_ALL=C sort)
}

out="$cache/xen-$(input_hash)"
if [ "${1:-}" = --print-dir ]; then
    echo "$out"
    exit 0
fi

t0=$(now)
if [ -f "$out/.complete" ]; then
    touch "$out"                 # used now: pruning keeps it
    log "cache hit: $out ($(since "$t0") s)"
    echo "xen: $out"
    exit 0
fi

mkdir -p "$cache"
exec 9>"$cache/.build-xen.lock"
flock 9
if [ -f "$out/.complete" ]; then        # built meanwhile by another run
    touch "$out"                 # used now: pruning keeps it
    log "cache hit: $out"
    echo "xen: $out"
    exit 0
fi

# Build dependencies.
need=()
for p in build-essential bison flex python3 mawk gzip xz-utils patch \
         dpkg-dev checkpolicy m4; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
        need+=("$p")
done
have_src() {
    grep -Rqs '^Types:.*deb-src' /etc/apt/sources.list.d/ 2>/dev/null ||
        grep -qs '^deb-src .* bookworm ' /etc/apt/sources.list 2>/dev/null
}
src_added=no
if ! have_src; then
    [ "$(id -u)" -eq 0 ] || { log "no deb-src entry and not root"; exit 1; }
    log "adding a deb-src entry for bookworm"
    cat > /etc/apt/sources.list.d/encmig-deb-src.sources <<'EOF'
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
    src_added=yes
fi
srcdir="$cache/src"
dsc="$srcdir/xen_$XEN_VERSION.dsc"
if [ ${#need[@]} -gt 0 ] || [ $src_added = yes ] || [ ! -f "$dsc" ]; then
    [ "$(id -u)" -eq 0 ] || { log "missing: ${need[*]} (not root)"; exit 1; }
    log "apt-get update"
    apt-get update -q >/dev/null
fi
if [ ${#need[@]} -gt 0 ]; then
    log "installing ${need[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
        --no-install-recommends "${need[@]}" >/dev/null
fi

# Source, downloaded once and kept.
t_fetch=$(now)
if [ ! -f "$dsc" ]; then
    mkdir -p "$srcdir.tmp"
    (cd "$srcdir.tmp" &&
     apt-get source -q --download-only "xen=$XEN_VERSION" >/dev/null 2>&1) || {
        log "apt-get source xen=$XEN_VERSION failed"; exit 1; }
    rm -rf "$srcdir" && mv "$srcdir.tmp" "$srcdir"
fi
work=$(mktemp -d "$cache/work.XXXXXX")
trap 'rm -rf "$work"' EXIT
tree="$work/xen-$XEN_UPSTREAM"
dpkg-source -q -x "$dsc" "$tree" >/dev/null 2>&1 || {
    log "dpkg-source -x failed"; exit 1; }
log "source ready ($(since "$t_fetch") s)"

# The series, then the component's sources and its public header.
for p in "$top"/xen/patches/*.patch; do
    patch -d "$tree" -p1 -s --forward --no-backup-if-mismatch < "$p" || {
        log "patch $(basename "$p") does not apply"; exit 1; }
done
cp "$top"/hypercalls/include/public/*.h "$tree/xen/include/public/"
mkdir -p "$tree/xen/arch/x86/encmig"
(cd "$top" && inputs | grep '^xen/arch/x86/encmig/') | while read -r f; do
    cp "$top/$f" "$tree/xen/arch/x86/encmig/"
done

# Debian's config plus the component, and FLASK built in (its hooks for
# encmig are compiled on every build) but not chosen: the dummy module
# stays the default, as in Debian's build; xsm=flask selects FLASK.
cp "$tree/debian/xen-kconfig" "$tree/xen/.config"
# No policy built in (that would depend on this machine's checkpolicy):
# a policy is a boot module.
printf '%s\n' CONFIG_ENCMIG=y CONFIG_XSM=y CONFIG_XSM_FLASK=y \
    CONFIG_XSM_DUMMY_DEFAULT=y '# CONFIG_XSM_FLASK_POLICY is not set' \
    >> "$tree/xen/.config"
make -s -C "$tree/xen" XEN_TARGET_ARCH=x86_64 olddefconfig >/dev/null
for opt in CONFIG_ENCMIG CONFIG_XSM_FLASK CONFIG_XSM_DUMMY_DEFAULT; do
    grep -qx "$opt=y" "$tree/xen/.config" || {
        log "$opt did not stay set"; exit 1; }
done

t_build=$(now)
log "building the hypervisor (make -j$jobs)"
if ! make -C "$tree/xen" -j"$jobs" XEN_TARGET_ARCH=x86_64 \
        > "$work/build.log" 2>&1; then
    grep -E -B2 -A6 'error|Error' "$work/build.log" | tail -n 60 >&2
    mkdir -p "$cache/failed"
    cp "$work/build.log" "$cache/failed/build-$(date +%s).log"
    log "build FAILED (log kept in $cache/failed/)"
    exit 1
fi
log "hypervisor built ($(since "$t_build") s)"

# The example FLASK policy with encmig_t (patch 0006) and without
# dom0_policy (patch 0007: dom0 cannot replace the policy or set FLASK
# permissive), a boot module for the flight's flask=enforcing host.
sed 's/^dom0_policy = on$/dom0_policy = off/' \
    "$tree/tools/flask/policy/modules/modules.conf" > "$work/modules.conf"
grep -qx 'dom0_policy = off' "$work/modules.conf" || {
    log "no dom0_policy module to turn off"; exit 1; }
make -s -C "$tree/tools/flask/policy" -f Makefile.common \
    FLASK_BUILD_DIR="$tree/tools/flask/policy" MOD_CONF="$work/modules.conf" \
    XEN_FULLVERSION="$XEN_UPSTREAM" > "$work/policy.log" 2>&1 || {
    cat "$work/policy.log" >&2; log "the FLASK policy did not build"; exit 1; }
log "FLASK policy built"

rm -rf "$out.tmp" && mkdir -p "$out.tmp"
cp "$tree/xen/xen" "$tree/xen/xen.gz" "$tree/xen/xen-syms" "$out.tmp/"
cp "$tree/tools/flask/policy/xenpolicy-$XEN_UPSTREAM" "$out.tmp/xenpolicy"
cp "$tree/xen/.config" "$out.tmp/config"
cp "$work/build.log" "$out.tmp/build.log"
inputs > "$out.tmp/inputs"
echo "$XEN_VERSION" > "$out.tmp/version"
touch "$out.tmp/.complete"
rm -rf "$out" && mv "$out.tmp" "$out"
# Keep the three builds used last (a cache hit touches its directory, so
# that a long run on an older build keeps it; the names are hex: ls is
# fine here).
# shellcheck disable=SC2010
ls -dt "$cache"/xen-[0-9a-f]*/ 2>/dev/null | grep -v '\.tmp/$' | tail -n +4 |
    xargs -r rm -rf || true

log "done: $out (total $(since "$t0") s)"
echo "xen: $out"
