# After the encrypted migration the guest's console goes on counting from
# where it was (the count is in its memory: a reboot would start again).
set -e
. /flight/steps/flight-lib.sh
before=$(cat /run/enc-before)
wait_tick $((before + 2)) 120
now=$(last_tick)
echo "ticks: $before before the migration, $now now"
guest_running
xl list guest
echo "ts-guest-alive: ticking at $now (from $before)"
