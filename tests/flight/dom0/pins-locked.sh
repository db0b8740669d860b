# Last on the PV host, as an operator does at boot: lock the pins.  Then
# a new pin and a level-1 setup are refused (-EPERM), so a dom0 taken
# over after boot can neither bring a hypervisor of its own nor hand the
# hypervisor a key it knows, while level 2 goes on working; an xl
# migrate --encrypted at level 1 is refused and leaves the guest as it
# was.
set -e
. /flight/steps/flight-lib.sh
domid=$(guest_domid)
flight-bad-args-level2 --lock "$domid"
encmig identity | tee /run/identity
grep -q 'locked until reboot' /run/identity
before=$(last_tick)
if migrate locked1 --encrypted; then
    echo "FAIL: a level-1 migration went through with the pins locked"
    exit 1
fi
grep -E 'pins are locked|Operation not permitted' /run/xl-locked1.log | head -n 2
grep -qE 'pins are locked|Operation not permitted' /run/xl-locked1.log
[ "$(guest_domid)" = "$domid" ]
no_session "$domid"
guest_running
wait_tick "$before" 120
echo "ts-pins-locked: pins locked; a pin and level 1 refused, level 2 works"
