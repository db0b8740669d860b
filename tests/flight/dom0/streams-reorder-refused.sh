# An attacker on the wire of an `xl migrate --encrypted --streams 3`
# moves the first batch of pages after the next one (stream 1 before
# stream 0), or drops it: the destination refuses the batch that came on
# the wrong stream before importing it, and the source's guest stays
# where it was, with no session, ticking on.
set -e
. /flight/steps/flight-lib.sh
host_keys
old=$(guest_domid)
for action in swap drop; do
    name=streams-$action
    before=$(last_tick)
    if ENCMIG_LEVEL=1 FLIGHT_TAP_RECORD="0x13:$action" \
        migrate "$name" --encrypted --streams 3; then
        echo "FAIL: a migration with its first batch ${action}ped succeeded"
        exit 1
    fi
    cat "/run/tap-$name.rec"
    grep -q "^done $action 0x13 " "/run/tap-$name.rec"
    grep -E 'came on stream' "/run/xl-$name.log" | head -n 2
    grep -q 'batch 0 came on stream 1, not 0' "/run/xl-$name.log"
    [ "$(guest_domid)" = "$old" ]
    no_session "$old"
    sleep 2
    guest_running
    wait_tick "$before" 120
    echo "first batch ${action}ped: refused; source guest ticking at" \
         "$(last_tick)"
done
