# A PV guest: Debian's kernel, a busybox initramfs, 96 MiB, 1 vCPU.
set -e
. /flight/steps/flight-lib.sh
create_guest /flight/guest.cfg guest-guest.log 300
xl domid guest > /run/guest-domid
echo "guest domid $(cat /run/guest-domid)"
