# A PVH guest (the SVM host model): the PV guest's kernel and busybox
# initramfs, 128 MiB, 1 vCPU, in an HVM container without a device model.
set -e
log=/var/log/xen/console/guest-guest.log
xl create /flight/guest-pvh.cfg
for _ in $(seq 1 300); do
    grep -q GUEST-UP "$log" 2>/dev/null && break
    sleep 1
done
xl list
grep GUEST-UP "$log" || { tail -n 30 "$log"; exit 1; }
xl list -l guest | grep -q '"type": "pvh"'
xl domid guest > /run/guest-domid
echo "guest domid $(cat /run/guest-domid), PVH"
