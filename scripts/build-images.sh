#!/bin/bash
# Build what the flight boots besides the hypervisor: dom0's kernel and
# initramfs (Debian's Xen 4.17.5 tools, with xl and the encmig save helper
# from scripts/build-tools.sh, the encmig command and the flight's dom0
# programs), with a busybox initramfs for the guest inside it (and in that
# the flight's register-marker process, built static here).
#
# Every Xen package is taken at exactly the pinned version: Debian's
# dependencies only say ">=", and libxenguest reaches into libxenctrl's
# private structures.  The .debs are downloaded once into
# ${ENCMIG_CACHE:-/var/cache/encmig}/debs/.  The encmig command is built
# in build-flight/ (configured --with-xen against the pinned libxen-dev
# that scripts/deps.sh installs), the flight's programs next to it.  The
# images land in $ENCMIG_CACHE/images-<hash>/, the hash covering this
# script, tests/flight/{dom0,guest}/, the binaries and the .debs; a cache
# hit does nothing more.
#
# Usage: scripts/build-images.sh     last line: "images: DIR"
set -euo pipefail

XEN_DEBS="xen-utils-4.17 xen-utils-common xenstore-utils libxenmisc4.17
  libxencall1 libxendevicemodel1 libxenevtchn1 libxenforeignmemory1
  libxengnttab1 libxenhypfs1 libxenstore4 libxentoolcore1 libxentoollog1"
OTHER_DEBS="libc6 libgcc-s1 libyajl2 liblzma5 libncurses6 libtinfo6 libuuid1
  zlib1g libzstd1 libbz2-1.0 libssl3 busybox-static"
# The HVM guest's device model (Debian's qemu-system-xen, which Debian's
# libxl runs as /usr/libexec/xen-qemu-system-i386), its firmware and data,
# and the libraries it and libspice-server1 load.  hvmloader itself is in
# xen-utils-4.17.
HVM_DEBS="qemu-system-xen qemu-system-data seabios libpixman-1-0
  libspice-server1 libjpeg62-turbo libusb-1.0-0 libfdt1 libglib2.0-0
  libffi8 libpcre2-8-0 libmount1 libblkid1 libselinux1 libopus0 liblz4-1
  libsasl2-2 libsasl2-modules-db libdb5.3 libgstreamer1.0-0
  libgstreamer-plugins-base1.0-0 liborc-0.4-0 libstdc++6 libudev1 libdw1
  libelf1 libunwind8 libcap2"
# RDMA in dom0 (soft-RoCE, rdma_rxe): the verbs and rdma_cm libraries
# encmig links, rxe's user-space provider, and iproute2 for its `rdma`
# command alone (with what that loads): iproute2's other commands would
# shadow busybox's and load libraries dom0 does not have.
RDMA_DEBS="libibverbs1 librdmacm1 ibverbs-providers libnl-3-200
  libnl-route-3-200 libmnl0 libbsd0 libmd0 iproute2"

top=$(cd "$(dirname "$0")/.." && pwd)
cache=${ENCMIG_CACHE:-/var/cache/encmig}
bdir=${ENCMIG_FLIGHT_BUILD:-$top/build-flight}
jobs=$(nproc)

log() { echo "build-images: $*" >&2; }
# shellcheck source=scripts/build-lib.sh
. "$top/scripts/build-lib.sh"

t0=$(now)
mkdir -p "$cache/debs"
exec 9>"$cache/.build-images.lock"
flock 9

# Tools for this script; the pinned Xen development files for the build.
need_packages cpio gzip dpkg-dev binutils
bash "$top/scripts/deps.sh"

# The encmig command, against the pinned libxencall/libxenctrl.
t_tools=$(now)
flight_make "$bdir" tools/libxl-encmig/encmig
# The flight's dom0 programs: the repo's hypercall code and the test.
FLIGHT_CFLAGS="-std=gnu11 -O2 -g -Wall -Wextra -Werror -Wno-unused-parameter
  -DHAVE_XEN=1 -I$top/hypercalls -I$top/tests/flight"
FLIGHT_LIBS="$(pkg-config --cflags --libs xencall xencontrol xenguest \
  xenforeignmemory libcrypto)"
for prog in export-check import-check bad-args bad-args-level2 map-denied wiretap \
            rectap known-pages memdump link; do
    extra=()
    [ $prog = wiretap ] && extra=("$top/tests/flight/wire-records.c")
    [ $prog = export-check ] && extra=(-pthread)
    # shellcheck disable=SC2086
    gcc $FLIGHT_CFLAGS -o "$bdir/flight-$prog" "$top/tests/flight/$prog.c" \
        "${extra[@]}" "$top/hypercalls/hc.c" "$top/hypercalls/hc-xen.c" \
        $FLIGHT_LIBS
done
log "dom0 programs built ($(since "$t_tools") s)"
# The guest's process that keeps the register marker in its registers:
# static, with the build host's gcc.  Its marker must never be whole in
# the binary (only halves), or the guest's memory would hold it too.
gcc -std=gnu11 -static -O2 -Wall -Wextra -Werror -I"$top/tests/flight" \
    -o "$bdir/flight-regmarker" "$top/tests/flight/guest/regmarker.c"
regmark=$(sed -n 's/^#define FLIGHT_REG_MARK_\(LO\|HI\) "\(.*\)"$/\2/p' \
          "$top/tests/flight/regmarker.h" | tr -d '\n')
[ ${#regmark} -eq 16 ] || { log "no register marker in regmarker.h"; exit 1; }
if grep -qF -- "$regmark" "$bdir/flight-regmarker"; then
    log "flight-regmarker holds its marker whole"
    exit 1
fi
tools=$(bash "$top/scripts/build-tools.sh" | sed -n 's/^tools: //p')
[ -x "$tools/xl" ] || { log "no xl from build-tools.sh"; exit 1; }

# The .debs: Xen's at the pinned version, the kernel that linux-image-amd64
# points at, the rest as the archive has them.
t_debs=$(now)
kernel=$(apt-cache depends linux-image-amd64 2>/dev/null |
         sed -n 's/.*Depends: \(linux-image-[0-9].*-amd64\)$/\1/p' | head -n 1)
if [ -z "$kernel" ]; then
    apt-get update -q >/dev/null
    kernel=$(apt-cache depends linux-image-amd64 |
             sed -n 's/.*Depends: \(linux-image-[0-9].*-amd64\)$/\1/p' |
             head -n 1)
fi
[ -n "$kernel" ] || { log "cannot tell which kernel linux-image-amd64 is"; exit 1; }
want=()
for p in $XEN_DEBS; do want+=("$p=$XEN_VERSION"); done
# One apt-cache call for every candidate version: each call reads the cache.
# shellcheck disable=SC2086
candidates=$(apt-cache policy $OTHER_DEBS $HVM_DEBS $RDMA_DEBS "$kernel" |
             awk '/^[^ ].*:$/ { p = substr($0, 1, length($0) - 1) }
                  /^  Candidate: / { print p "=" $2 }')
for p in $OTHER_DEBS $HVM_DEBS $RDMA_DEBS "$kernel"; do
    pv=$(grep -m1 "^$p=" <<<"$candidates" || true)
    [ -n "$pv" ] && [ "${pv#*=}" != "(none)" ] || {
        log "no candidate for $p"; exit 1; }
    want+=("$pv")
done
debs=()
fetch=()
for pv in "${want[@]}"; do
    p=${pv%%=*}
    v=${pv#*=}
    f="${p}_${v//:/%3a}_"        # apt-get download writes ':' as %3a
    hit=$(ls "$cache/debs/$f"*.deb 2>/dev/null | head -n 1 || true)
    if [ -n "$hit" ]; then debs+=("$hit"); else fetch+=("$pv"); fi
done
if [ ${#fetch[@]} -gt 0 ]; then
    log "downloading ${#fetch[@]} packages"
    (cd "$cache/debs" && apt-get download -q "${fetch[@]}" >/dev/null) || {
        apt-get update -q >/dev/null
        (cd "$cache/debs" && apt-get download -q "${fetch[@]}" >/dev/null)
    }
    for pv in "${fetch[@]}"; do
        p=${pv%%=*}
        v=${pv#*=}
        debs+=("$(ls "$cache/debs/${p}_${v//:/%3a}_"*.deb | head -n 1)")
    done
fi
log "packages ready ($(since "$t_debs") s)"

# The images' inputs, and so their name.
key=$( { sha256sum "$top/scripts/build-images.sh" "$top/scripts/build-lib.sh"
         find "$top/tests/flight/dom0" "$top/tests/flight/guest" -type f |
             LC_ALL=C sort | xargs sha256sum
         sha256sum "$bdir/tools/libxl-encmig/encmig" \
                   "$bdir/flight-export-check" "$bdir/flight-import-check" \
                   "$bdir/flight-bad-args" "$bdir/flight-bad-args-level2" \
                   "$bdir/flight-map-denied" "$bdir/flight-wiretap" \
                   "$bdir/flight-rectap" "$bdir/flight-regmarker" \
                   "$bdir/flight-known-pages" "$bdir/flight-memdump" \
                   "$bdir/flight-link" \
                   "$tools/xl" "$tools/libxl-save-helper-encmig"
         printf '%s\n' "${debs[@]##*/}" | LC_ALL=C sort
       } | sed "s|$top/||; s|$bdir/||; s|$tools/||" | sha256sum | cut -c1-16)
out="$cache/images-$key"
if [ -f "$out/.complete" ]; then
    touch "$out"                 # used now: pruning keeps it
    log "cache hit: $out ($(since "$t0") s)"
    echo "images: $out"
    exit 0
fi

t_img=$(now)
work=$(mktemp -d "$cache/images-work.XXXXXX")
trap 'rm -rf "$work"' EXIT
root="$work/dom0"
mkdir -p "$root" "$work/kernel"

kdeb=
for d in "${debs[@]}"; do
    case ${d##*/} in
    linux-image-*) kdeb=$d ;;
    iproute2_*)
        mkdir -p "$work/iproute2"
        dpkg-deb -x "$d" "$work/iproute2"
        ;;
    *) dpkg-deb -x "$d" "$root" ;;
    esac
done
dpkg-deb --fsys-tarfile "$kdeb" |
    tar -x -C "$work/kernel" --wildcards './boot/vmlinuz-*' \
        './lib/modules/*/kernel/drivers/xen/*' \
        './lib/modules/*/kernel/drivers/virtio/*' \
        './lib/modules/*/kernel/drivers/block/virtio_blk.ko*' \
        './lib/modules/*/kernel/drivers/net/ethernet/intel/e1000/*' \
        './lib/modules/*/kernel/drivers/infiniband/*' \
        './lib/modules/*/kernel/crypto/crc32_generic.ko*' \
        './lib/modules/*/kernel/fs/configfs/*' \
        './lib/modules/*/kernel/net/ipv4/udp_tunnel.ko*' \
        './lib/modules/*/kernel/net/ipv6/ip6_udp_tunnel.ko*'
vmlinuz=$(ls "$work"/kernel/boot/vmlinuz-* | head -n 1)
mkdir -p "$root/flight/modules" "$root/flight/bin" "$root/flight/steps"
# e1000: the two-host flight's NIC (net-up loads it); then soft-RoCE,
# in the order rdma-up loads it (shared/design/XEN-QEMU.md).
for m in xen-evtchn xen-privcmd xen-gntdev xen-gntalloc xenfs virtio_ring \
         virtio virtio_pci_modern_dev virtio_pci_legacy_dev virtio_pci \
         virtio_blk e1000 crc32_generic configfs udp_tunnel ip6_udp_tunnel \
         ib_core ib_uverbs rdma_rxe ib_cm iw_cm rdma_cm rdma_ucm; do
    f=$(find "$work/kernel/lib/modules" -name "$m.ko*" | head -n 1)
    [ -n "$f" ] || { log "module $m not in $kdeb"; exit 1; }
    case $f in
    *.ko) cp "$f" "$root/flight/modules/$m.ko" ;;
    *.ko.xz) xz -dc "$f" > "$root/flight/modules/$m.ko" ;;
    *) log "module $f: unknown compression"; exit 1 ;;
    esac
done

# Trim what dom0 never reads (the device model's firmware for other
# architectures among it).
rm -rf "$root"/usr/share/qemu/{openbios-*,slof.bin,skiboot.lid,hppa-*,s390-*} \
    "$root"/usr/share/qemu/{opensbi-*,palcode-*,u-boot*,qemu_vga.ndrv}
rm -rf "$root"/usr/share/doc "$root"/usr/share/man "$root"/usr/share/locale \
    "$root"/usr/share/info "$root"/usr/share/lintian "$root"/usr/lib/python3* \
    "$root"/usr/lib/x86_64-linux-gnu/gconv "$root"/etc/init.d \
    "$root"/usr/lib/xen-4.17/bin/oxenstored "$root"/usr/sbin/oxenstored

# busybox applets, where nothing else has the name.
busybox_links() {
    local r=$1 a
    for a in $("$r/bin/busybox" --list); do
        [ -e "$r/bin/$a" ] || [ -e "$r/sbin/$a" ] || [ -e "$r/usr/bin/$a" ] ||
            [ -e "$r/usr/sbin/$a" ] || ln -s busybox "$r/bin/$a"
    done
}
busybox_links "$root"

# The guest (PV or PVH): busybox, an /init that ticks on its console,
# and the process that holds the register marker.
groot="$work/guest"
mkdir -p "$groot/bin" "$groot/proc" "$groot/sys" "$groot/dev" "$groot/tmp"
cp "$root/bin/busybox" "$groot/bin/"
busybox_links "$groot"
install -m 755 "$top/tests/flight/guest/init" "$groot/init"
install -m 755 "$bdir/flight-regmarker" "$groot/bin/regmarker"
(cd "$groot" && find . | LC_ALL=C sort | cpio -o -H newc --quiet | gzip -9) \
    > "$root/flight/guest-initrd.gz"

# The flight in dom0.
install -m 755 "$top/tests/flight/dom0/init" "$root/init"
# Every list of steps (order: the PV host; order-svm: the SVM host model)
# with its steps, and the guests' configurations.  The HVM guest boots
# the same kernel through the device model (-kernel), whose serial port
# it writes its console to.
cp "$top"/tests/flight/dom0/order* "$top"/tests/flight/dom0/guest*.cfg \
    "$root/flight/"
for s in $(cat "$top"/tests/flight/dom0/order* | LC_ALL=C sort -u); do
    cp "$top/tests/flight/dom0/$s.sh" "$root/flight/steps/"
done
cp "$top/tests/flight/dom0/flight-lib.sh" "$root/flight/steps/"
install -m 755 "$top/tests/flight/dom0/flight-shim" \
    "$top/tests/flight/dom0/flight-pair-shim" \
    "$top/tests/flight/dom0/flight-handover" "$root/flight/bin/"
# xl with --encrypted in place of Debian's (plain migrations unchanged);
# the encmig save helper beside Debian's, which plain migrations still use.
install -m 755 "$tools/xl" "$root/usr/lib/xen-4.17/bin/xl"
install -m 755 "$tools/libxl-save-helper-encmig" \
    "$root/usr/lib/xen-4.17/bin/libxl-save-helper-encmig"
install -m 755 "$bdir/tools/libxl-encmig/encmig" "$root/flight/bin/encmig"
install -m 755 "$work/iproute2/usr/bin/rdma" "$root/flight/bin/rdma"
install -m 755 "$bdir/flight-export-check" "$bdir/flight-import-check" \
    "$bdir/flight-bad-args" "$bdir/flight-bad-args-level2" \
    "$bdir/flight-map-denied" "$bdir/flight-wiretap" "$bdir/flight-rectap" \
    "$bdir/flight-known-pages" "$bdir/flight-memdump" "$bdir/flight-link" \
    "$root/flight/bin/"
cp "$vmlinuz" "$root/flight/vmlinuz"
mkdir -p "$root/proc" "$root/sys" "$root/dev" "$root/run" "$root/tmp" \
    "$root/etc" "$root/var/lib/xen" "$root/var/log/xen"
ldconfig -r "$root" 2>/dev/null || true

# Every library the programs dom0 runs must be in the image.
needed_missing() {
    local f lib dirs="lib/x86_64-linux-gnu usr/lib/x86_64-linux-gnu"
    for f in "$@"; do
        readelf -d "$f" 2>/dev/null |
            sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | while read -r lib; do
            found=no
            for d in $dirs; do
                [ -e "$root/$d/$lib" ] && found=yes
            done
            [ $found = yes ] || echo "${f#"$root"/}: $lib"
        done
    done
}
missing=$(needed_missing "$root"/flight/bin/flight-* "$root"/flight/bin/encmig \
    "$root"/flight/bin/rdma "$root"/usr/lib/x86_64-linux-gnu/libibverbs/*.so \
    "$root"/usr/lib/xen-4.17/bin/{xl,xenstored,xenconsoled,xen-init-dom0} \
    "$root"/usr/lib/xen-4.17/bin/libxl-save-helper-encmig \
    "$root"/usr/libexec/xen-qemu-system-i386 \
    "$root"/usr/lib/x86_64-linux-gnu/lib{spice-server,gst}*.so.* \
    "$root"/usr/lib/x86_64-linux-gnu/libxen*.so.* \
    "$root"/usr/lib/x86_64-linux-gnu/libxl*.so.* | sort -u)
if [ -n "$missing" ]; then
    log "libraries missing from dom0's image:"
    echo "$missing" >&2
    exit 1
fi

rm -rf "$out.tmp" && mkdir -p "$out.tmp"
(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc --quiet | gzip -6) \
    > "$out.tmp/dom0-initrd.gz"
cp "$vmlinuz" "$out.tmp/vmlinuz"
printf '%s\n' "${debs[@]##*/}" > "$out.tmp/debs"
touch "$out.tmp/.complete"
rm -rf "$out" && mv "$out.tmp" "$out"
# Keep the three builds used last (a cache hit touches its directory, so
# that a long run on an older build keeps it; the names are hex: ls is
# fine here).
# shellcheck disable=SC2010
ls -dt "$cache"/images-[0-9a-f]*/ 2>/dev/null | grep -v '\.tmp/$' | tail -n +4 |
    xargs -r rm -rf || true
log "images built: dom0 initramfs $(du -h "$out/dom0-initrd.gz" | cut -f1)," \
    "$(since "$t_img") s; total $(since "$t0") s"
echo "images: $out"
