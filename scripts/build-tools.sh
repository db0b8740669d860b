#!/bin/bash
# Build the dom0 toolstack pieces of `xl migrate --encrypted` from Debian's
# Xen 4.17.5 source: libxenguest.a with xen/patches/tools/ applied, linked
# statically into libxl-save-helper-encmig (with encmig's hooks), and xl
# with --encrypted.  Everything else stays Debian's: both programs link
# dynamically against the pinned 4.17.5 libraries dom0 carries, and libxl
# picks the helper through LIBXL_SAVE_HELPER, so plain migrations run
# Debian's helper exactly as before.
#
# encmig's side (libencmig-tools.a, libencmig.a, configured --with-xen
# against the pinned libxen-dev) is built in build-flight/.  The programs
# land in ${ENCMIG_CACHE:-/var/cache/encmig}/tools-<hash>/, the hash over
# every input; a cache hit does nothing more.
#
# Usage: scripts/build-tools.sh            last line: "tools: DIR"
#        scripts/build-tools.sh --print-dir
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cache=${ENCMIG_CACHE:-/var/cache/encmig}
bdir=${ENCMIG_FLIGHT_BUILD:-$top/build-flight}
jobs=$(nproc)
log() { echo "build-tools: $*" >&2; }
# shellcheck source=scripts/build-lib.sh
. "$top/scripts/build-lib.sh"
XEN_UPSTREAM=${XEN_VERSION%-*}

inputs() {
    (cd "$top" &&
     printf '%s\n' scripts/build-tools.sh scripts/build-lib.sh configure.ac \
         Makefile.am &&
     find xen/patches/tools tools/libxl-encmig hypercalls \
          xen/arch/x86/encmig -type f \
          \( -name '*.patch' -o -name '*.c' -o -name '*.h' -o -name '*.S' \) |
         LC_ALL=C sort)
}

out="$cache/tools-$(input_hash)"
if [ "${1:-}" = --print-dir ]; then
    echo "$out"
    exit 0
fi
t0=$(now)
if [ -f "$out/.complete" ]; then
    touch "$out"                 # used now: pruning keeps it
    log "cache hit: $out"
    echo "tools: $out"
    exit 0
fi

mkdir -p "$cache"
exec 9>"$cache/.build-tools.lock"
flock 9
if [ -f "$out/.complete" ]; then
    touch "$out"                 # used now: pruning keeps it
    log "cache hit: $out"
    echo "tools: $out"
    exit 0
fi

# What Xen's tools configure checks for, besides the pinned libxen-dev.
need_packages build-essential autoconf autotools-dev pkg-config python3 \
    python3-dev perl flex bison acpica-tools uuid-dev libncurses-dev \
    libyajl-dev zlib1g-dev liblzma-dev libzstd-dev libssl-dev dpkg-dev patch
bash "$top/scripts/deps.sh"

# encmig's libraries, against the pinned libxencall.
t_enc=$(now)
flight_make "$bdir" libencmig-tools.a libencmig.a
log "encmig libraries ready ($(since "$t_enc") s)"

# The source: the same package build-xen.sh fetched (it runs first).
dsc="$cache/src/xen_$XEN_VERSION.dsc"
[ -f "$dsc" ] || bash "$top/scripts/build-xen.sh" >/dev/null
[ -f "$dsc" ] || { log "no $dsc"; exit 1; }
work=$(mktemp -d "$cache/tools-work.XXXXXX")
trap 'rm -rf "$work"' EXIT
tree="$work/xen-$XEN_UPSTREAM"
t_src=$(now)
dpkg-source -q -x "$dsc" "$tree" >/dev/null 2>&1 || {
    log "dpkg-source -x failed"; exit 1; }
for p in "$top"/xen/patches/tools/*.patch; do
    patch -d "$tree" -p1 -s --forward --no-backup-if-mismatch < "$p" || {
        log "patch $(basename "$p") does not apply"; exit 1; }
done
# Debian's patches drop the generated configure and config.{sub,guess}.
cp /usr/share/misc/config.sub /usr/share/misc/config.guess "$tree/"
(cd "$tree/tools" && autoconf -f && autoheader) >/dev/null 2>&1
log "source ready ($(since "$t_src") s)"

t_cfg=$(now)
export WGET=/bin/false GIT=/bin/false       # the build must not download
# Debian's libxenguest uses lzma, zstd and zlib only: keep bzip2 and lzo
# out even where their headers are installed.
(cd "$tree/tools" && ./configure -q \
    ac_cv_header_bzlib_h=no ac_cv_header_lzo_lzo1x_h=no \
    --prefix=/usr --includedir=/usr/include \
    --libdir=/usr/lib/x86_64-linux-gnu \
    --with-libexec-libdir-suffix=/x86_64-linux-gnu \
    --with-libexec-leaf-dir=xen-4.17 --sysconfdir=/etc --localstatedir=/var \
    --disable-qemu-traditional --disable-rombios --disable-ipxe \
    --disable-seabios --disable-ovmf --disable-ocamltools --disable-golang \
    --disable-xsmpolicy --disable-pvshim --disable-monitors \
    --disable-systemd --disable-werror \
    --with-system-qemu=/usr/libexec/xen-qemu-system-i386 \
    --with-system-seabios=/usr/share/seabios/bios-256k.bin \
    --with-system-ovmf=/usr/share/ovmf/OVMF.fd) > "$work/build.log" 2>&1 || {
    tail -n 30 "$work/build.log" >&2; log "configure failed"; exit 1; }
log "configured ($(since "$t_cfg") s)"

t_build=$(now)
mk=("EXTRA_CFLAGS_XEN_TOOLS=$(dpkg-buildflags --get CFLAGS) $(dpkg-buildflags --get CPPFLAGS)"
    "PREPEND_LDFLAGS_XEN_TOOLS=$(dpkg-buildflags --get LDFLAGS)")
# Debian's shared libraries for all but libxenguest; with --as-needed a
# library must come after what uses it.
sys=(LDLIBS_libxentoollog=-lxentoollog LDLIBS_libxenctrl=-lxenctrl
     LDLIBS_libxentoolcore=-lxentoolcore LDLIBS_libxenlight=-lxenlight
     LDLIBS_libxenutil=-lxlutil)
guest_a="$tree/tools/libs/guest/libxenguest.a"
enc_inc="-I$top/tools/libxl-encmig/xl"
# run CMD...: one build command into the log; stop with its errors.
run() {
    "$@" >> "$work/build.log" 2>&1 && return 0
    grep -E -B2 -A6 'error|Error' "$work/build.log" | tail -n 60 >&2
    mkdir -p "$cache/failed"
    cp "$work/build.log" "$cache/failed/tools-$(date +%s).log"
    log "build FAILED (log kept in $cache/failed/)"
    exit 1
}
run make -s -j"$jobs" -C "$tree/tools/include" "${mk[@]}"
run make -s -j"$jobs" -C "$tree/tools/libs/guest" "${mk[@]}" libxenguest.a

# encmig's hooks, against the patched xenguest.h.
# shellcheck disable=SC2046
run gcc $(dpkg-buildflags --get CFLAGS) -std=gnu11 -Wall -Wextra -Werror \
    -Wno-unused-parameter -D__XEN_TOOLS__ -I"$tree/tools/include" \
    $enc_inc -c -o "$work/xg-hooks.o" "$top/tools/libxl-encmig/xl/xg-hooks.c"
enc_libs="$work/xg-hooks.o $bdir/libencmig-tools.a $bdir/libencmig.a"
enc_libs+=" -lxencall -lxenctrl -lxentoollog -lcrypto -lpthread"

run make -j"$jobs" -C "$tree/tools/libs/light" "${mk[@]}" -o libxenlight.so \
    libxl-save-helper "${sys[@]}" \
    "CFLAGS_libxl_save_helper.o=-DLIBXL_SAVE_HELPER_ENCMIG $enc_inc" \
    "LDLIBS_libxenguest=$guest_a -lxenevtchn -lxencall -lxenforeignmemory -lxenctrl -lxentoollog -llzma -lzstd -lz" \
    "APPEND_LDFLAGS=$enc_libs"
run make -s -C "$tree/tools/libs/light" "${mk[@]}" \
    "$tree/tools/libs/light/../../../tools/include/_libxl_types_json.h"
run make -j"$jobs" -C "$tree/tools/xl" "${mk[@]}" xl "${sys[@]}" \
    "CFLAGS_xl_migrate.o=-DXL_ENCMIG $enc_inc" \
    "CFLAGS_xl_saverestore.o=-DXL_ENCMIG $enc_inc" \
    "CFLAGS_xl_vmcontrol.o=-DXL_ENCMIG $enc_inc" \
    "APPEND_LDFLAGS=$enc_libs"
log "built ($(since "$t_build") s)"

helper="$tree/tools/libs/light/libxl-save-helper"
xl="$tree/tools/xl/xl"
nm "$helper" > "$work/helper.nm"
grep -q ' T xc_domain_save$' "$work/helper.nm" || {
    log "libxenguest is not linked into the helper"; exit 1; }
grep -q ' T encmig_xg_hooks_from_env$' "$work/helper.nm" || {
    log "the helper has no encmig hooks"; exit 1; }
for b in "$helper" "$xl"; do
    readelf -d "$b" > "$work/dynamic"
    if grep -qE 'RPATH|RUNPATH|libxenguest' "$work/dynamic"; then
        log "$(basename "$b") links what dom0 must not:" \
            "$(grep -E 'RPATH|RUNPATH|libxenguest' "$work/dynamic")"
        exit 1
    fi
done

rm -rf "$out.tmp" && mkdir -p "$out.tmp"
cp "$xl" "$out.tmp/xl"
cp "$helper" "$out.tmp/libxl-save-helper-encmig"
cp "$work/build.log" "$out.tmp/build.log"
inputs > "$out.tmp/inputs"
touch "$out.tmp/.complete"
rm -rf "$out" && mv "$out.tmp" "$out"
# shellcheck disable=SC2010
ls -dt "$cache"/tools-[0-9a-f]*/ 2>/dev/null | grep -v '\.tmp/$' |
    tail -n +4 | xargs -r rm -rf || true
log "done: $out (total $(since "$t0") s)"
echo "tools: $out"
