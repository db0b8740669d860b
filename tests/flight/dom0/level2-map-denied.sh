# Under flask=enforcing with encmig_t, dom0 created the guest and moved it
# at level 2 without one denial; now it tries to read the arrived guest
# (foreign mappings, vCPU and HVM context: flight-map-denied) and is
# refused each time, and Xen's log names FLASK's denial of each to the
# guest's label.
set -e
. /flight/steps/flight-lib.sh
domid=$(guest_domid)
[ "$(guest_label)" = system_u:system_r:encmig_t ]
n=$(xl dmesg | grep -c 'avc:  denied' || true)
xl dmesg | grep 'avc:  denied' || true
echo "denials before this step: $n"
[ "$n" -eq 0 ]
flight-map-denied "$domid"
xl dmesg | grep 'avc:  denied' > /tmp/avc
cat /tmp/avc
for perm in map_read map_write getvcpucontext gethvmc; do
    grep -E "denied  \{[^}]* ${perm}[ }]" /tmp/avc | grep " target=d$domid " |
        grep -q 'tcontext=system_u:system_r:encmig_t ' ||
        { echo "no denial of $perm to the guest"; exit 1; }
done
if grep -v 'tcontext=system_u:system_r:encmig_t ' /tmp/avc; then
    echo "denials to other labels"; exit 1
fi
echo "ts-level2-map-denied: $(wc -l < /tmp/avc) denials, all to encmig_t"
