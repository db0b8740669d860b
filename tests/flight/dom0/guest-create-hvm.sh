# An HVM guest (the SVM host model): the PV guest's kernel and busybox
# initramfs booted by hvmloader and SeaBIOS through Debian's
# qemu-system-xen (-kernel), 128 MiB, 1 vCPU; its console is its serial
# port, which the device model writes to guest-hvm-serial.log.
set -e
log=/var/log/xen/console/guest-hvm-serial.log
xl create /flight/guest-hvm.cfg
for _ in $(seq 1 600); do
    grep -q GUEST-UP "$log" 2>/dev/null && break
    sleep 1
done
xl list
xl list -l guest | grep -q '"type": "hvm"'
grep GUEST-UP "$log" || { tail -n 30 "$log"; tail -n 30 /var/log/xen/qemu-dm-guest.log; exit 1; }
xl domid guest > /run/guest-domid
echo "guest domid $(cat /run/guest-domid), HVM"
