# The guest's sealed state (ENCMIG_STATE, 0x14) attacked on the wire by
# someone who knows libxc's framing: one bit of it flipped, the record
# dropped, replayed and moved after the next one.  Each time the
# destination refuses (the end record's MAC covers the state record, and
# the restorer and the hypervisor check it again), no guest is left
# there, and the source's guest runs on, untouched.
set -e
. /flight/steps/flight-lib.sh
old=$(guest_domid)
for action in flip:40 drop dup swap; do
    name=state-${action%%:*}
    before=$(last_tick)
    if FLIGHT_TAP_RECORD="0x14:$action" migrate "$name" --encrypted; then
        echo "FAIL: a migration with its state record ${action} succeeded"
        exit 1
    fi
    cat "/run/tap-$name.rec"
    grep -q "^done $action 0x14" "/run/tap-$name.rec"
    grep -E 'failed authentication|encrypted state|refused|out of' \
        "/run/xl-$name.log" | head -n 2
    grep -qE 'failed authentication|encrypted state|encrypted HVM context' \
        "/run/xl-$name.log"
    [ "$(guest_domid)" = "$old" ]
    no_session "$old"
    sleep 2
    guest_running
    wait_tick "$before" 120
    echo "state record $action: refused; source guest ticking at $(last_tick)"
done
echo "ts-state-tamper-refused: flipped, dropped, replayed and reordered" \
     "state records refused, the guest kept running"
