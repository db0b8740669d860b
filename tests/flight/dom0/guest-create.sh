# A PV guest: Debian's kernel, a busybox initramfs, 128 MiB, 1 vCPU.
set -e
log=/var/log/xen/console/guest-guest.log
xl create /flight/guest.cfg
for _ in $(seq 1 300); do
    grep -q GUEST-UP "$log" 2>/dev/null && break
    sleep 1
done
xl list
grep GUEST-UP "$log" || { tail -n 30 "$log"; exit 1; }
xl domid guest > /run/guest-domid
echo "guest domid $(cat /run/guest-domid)"
