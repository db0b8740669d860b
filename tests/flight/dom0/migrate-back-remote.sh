# The migration back: host b's xl migrates the guest to host a,
# encrypted (each host pinned the other's key under its address in
# net-up); it runs here again, ticking on with its pattern intact, and
# is gone from b; no marker on the wire; no session left at either end.
set -e
. /flight/steps/flight-lib.sh
before=$(peer_do last_tick)
peer_do migrate_to back 7004 --encrypted
[ -z "$(peer_domid)" ]
new=$(guest_domid)
echo "host a: guest is domain $new after $(peer_do cat /run/time-back) s"
[ -n "$new" ]
guest_running
xl dmesg | grep -q "d$new: encmig import session (level 1)"
no_session "$new"
wait_tick "$before" 180
got=$(check_after "$before" 180)
echo "pattern back at host a: ${got#* } (boot $(cat /run/boot-sum))"
[ "${got#* }" = "$(cat /run/boot-sum)" ]
markers=$(peer_do tap back markers)
echo "wire: $(peer_do tap back bytes) bytes, $markers markers"
[ "$markers" -eq 0 ]
echo "ts-migrate-back-remote: $(peer_do cat /run/time-back) s, b to a," \
     "encrypted"
