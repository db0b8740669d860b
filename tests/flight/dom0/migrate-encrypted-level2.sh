# xl migrate --encrypted at level 2 (ENCMIG_LEVEL=2 at both ends): the
# hypervisor pins its own identity, the destination being this host; the
# two hypervisors agree the keys through dom0 (an offer, an accept, the
# export session from the blob, the arrived guest's claim) and each
# records the session's level in Xen's log.  The guest, its ticks and its
# pattern survive, no marker crosses the wire, no session is left.
set -e
. /flight/steps/flight-lib.sh
host_keys
pin_self
before=$(last_tick)
old=$(guest_domid)
ENCMIG_LEVEL=2 migrate l2 --encrypted
new=$(guest_domid)
echo "domid $old -> $new; migration took $(cat /run/time-l2) s"
[ -n "$new" ]
[ "$new" != "$old" ]
guest_running
grep -q 'migration sender: level 2: the hypervisors agreed the keys' \
    /run/xl-l2.log
grep -q 'migration target: level 2: the hypervisors agreed the keys' \
    /run/xl-l2.log
xl dmesg | grep 'encmig' | tail -n 4
xl dmesg | grep -q "d$old: encmig export session (level 2)"
xl dmesg | grep -q "d$new: encmig import session (level 2)"
no_session "$new"
[ "$(grep -c 'page records, [1-9][0-9]* state records' /run/xl-l2.log)" \
    -eq 2 ]
wait_tick "$before" 120
got=$(check_after "$before" 120)
echo "pattern after the level-2 move: ${got#* } (boot $(boot_sum))"
[ "${got#* }" = "$(boot_sum)" ]
[ "$(tap l2 markers)" -eq 0 ]
# The PV host moved the guest at level 1 before; the level-2 host did not.
if [ -f /run/time-enc ]; then
    echo "ts-migrate-encrypted-level2: $(cat /run/time-l2) s for the" \
         "guest (level 1: $(cat /run/time-enc) s)"
else
    echo "ts-migrate-encrypted-level2: $(cat /run/time-l2) s for the" \
         "guest"
fi
