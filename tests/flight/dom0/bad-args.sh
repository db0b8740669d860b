# Hostile arguments get the simulator's -errno; the guest lives on.
set -e
domid=$(cat /run/guest-domid)
log=/var/log/xen/console/guest-guest.log
flight-bad-args "$domid"
# The guest still runs: its console keeps ticking.
before=$(grep -c GUEST-TICK "$log" || true)
for _ in $(seq 1 60); do
    now=$(grep -c GUEST-TICK "$log" || true)
    [ "$now" -gt "$before" ] && break
    sleep 1
done
echo "guest ticks: $before -> $now"
[ "$now" -gt "$before" ]
xl list
