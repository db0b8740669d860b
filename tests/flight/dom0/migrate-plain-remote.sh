# Plain xl migrate of the guest from host a to host b over the emulated
# wire: it runs there, its ticks going on and its pattern intact, and is
# gone from here; the marker was on the wire (the check can fail).
set -e
. /flight/steps/flight-lib.sh
before=$(last_tick)
boot_sum > /run/boot-sum
[ -s /run/boot-sum ]
migrate_to plain 7001
[ -z "$(guest_domid)" ]
new=$(peer_domid)
echo "host b: guest is domain $new after $(cat /run/time-plain) s"
[ -n "$new" ]
peer_do guest_running
peer_do wait_tick "$before" 180
got=$(peer_do check_after "$before" 180)
echo "pattern at host b: ${got#* } (boot $(cat /run/boot-sum))"
[ "${got#* }" = "$(cat /run/boot-sum)" ]
echo "wire: $(tap plain bytes) bytes, $(tap plain markers) markers"
[ "$(tap plain markers)" -gt 1000 ]
echo "ts-migrate-plain-remote: $(cat /run/time-plain) s for the guest," \
     "host to host"
