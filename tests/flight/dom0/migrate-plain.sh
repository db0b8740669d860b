# The baseline: xl migrate to localhost, unencrypted, with the patched xl
# (which must behave as Debian's did).  The guest goes on ticking under a
# new domid, and the wire carried its marker in the clear.
set -e
. /flight/steps/flight-lib.sh
before=$(last_tick)
old=$(guest_domid)
migrate plain
new=$(guest_domid)
echo "domid $old -> $new; migration took $(cat /run/time-plain) s"
[ -n "$new" ]
[ "$new" != "$old" ]
guest_running
wait_tick "$before" 120
echo "ticks: $before before, $(last_tick) after"
echo "wire: $(tap plain bytes) bytes, $(tap plain markers) markers"
[ "$(tap plain markers)" -gt 0 ]
echo "ts-migrate-plain: $(cat /run/time-plain) s for the guest"
