# A second encrypted migration, of the guest that arrived by the first:
# a new session, and the guest and its pattern survive it too.
set -e
. /flight/steps/flight-lib.sh
before=$(last_tick)
old=$(guest_domid)
migrate enc2 --encrypted
new=$(guest_domid)
echo "domid $old -> $new; migration took $(cat /run/time-enc2) s"
[ -n "$new" ]
[ "$new" != "$old" ]
guest_running
wait_tick "$before" 120
got=$(check_after "$before" 120)
echo "pattern after the second move: ${got#* } (boot $(boot_sum))"
[ "${got#* }" = "$(boot_sum)" ]
[ "$(tap enc2 markers)" -eq 0 ]
echo "ts-migrate-encrypted-twice: $(cat /run/time-enc2) s, pattern intact"
