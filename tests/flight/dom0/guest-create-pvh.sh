# A PVH guest (the SVM host model): the PV guest's kernel and busybox
# initramfs, 128 MiB, 1 vCPU, in an HVM container without a device model.
set -e
. /flight/steps/flight-lib.sh
create_guest /flight/guest-pvh.cfg guest-guest.log 300
xl list -l guest | grep -q '"type": "pvh"'
xl domid guest > /run/guest-domid
echo "guest domid $(cat /run/guest-domid), PVH"
