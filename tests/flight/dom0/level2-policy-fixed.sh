# The policy Xen booted with stays in force: the flight's policy leaves
# out the example policy's dom0_policy module (xen/patches/0007), so dom0
# tries in vain to set FLASK permissive and to load another policy; Xen's
# log names both denials, FLASK still enforces and the guest is still
# out of dom0's reach.
set -e
. /flight/steps/flight-lib.sh
[ "$(xl getenforce)" = Enforcing ]
if xl setenforce 0; then
    echo "FAIL: dom0 set FLASK permissive"
    exit 1
fi
head -c 4096 /dev/zero > /tmp/not-a-policy
if xl loadpolicy /tmp/not-a-policy; then
    echo "FAIL: dom0 loaded a policy"
    exit 1
fi
xl dmesg | grep 'avc:  denied' | grep 'tclass=security' > /tmp/avc-security
cat /tmp/avc-security
grep -q 'denied  { setenforce } ' /tmp/avc-security
grep -q 'denied  { load_policy } ' /tmp/avc-security
[ "$(xl getenforce)" = Enforcing ]
flight-map-denied "$(guest_domid)" > /tmp/map-denied ||
    { cat /tmp/map-denied; exit 1; }
tail -n 1 /tmp/map-denied
echo "ts-level2-policy-fixed: setenforce and loadpolicy refused, FLASK" \
     "still enforcing"
