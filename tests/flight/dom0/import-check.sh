# Records imported back into the (paused) guest's own data frames are all
# written and change nothing; an import into one of its page tables is
# refused; the guest lives on.
set -e
domid=$(cat /run/guest-domid)
log=/var/log/xen/console/guest-guest.log
flight-import-check "$domid"
before=$(grep -c GUEST-TICK "$log" || true)
for _ in $(seq 1 60); do
    now=$(grep -c GUEST-TICK "$log" || true)
    [ "$now" -gt "$before" ] && break
    sleep 1
done
echo "guest ticks: $before -> $now"
[ "$now" -gt "$before" ]
