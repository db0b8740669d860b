# xl migrate --encrypted --streams N: three streams at level 1, then two
# at level 2 (the hypervisor's own key pinned, as migrate-encrypted-level2
# does).  Both xl agree the count; the helper has the hypervisor seal
# each of libxc's batches in N parts side by side, the wire carries them
# on streams 0, 1, ... in turn (flight-rectap watches it), the
# destination imports them in that order, and Xen sets up both sessions
# with N streams.  The guest, its ticks and its pattern survive each
# move, no marker crosses the wire, no session is left.  A count xl
# cannot take is refused before anything starts.
set -e
. /flight/steps/flight-lib.sh
host_keys
pin_self

# Refused before anything starts: no --encrypted, or a count that is
# not 1 to 16.
first=$(guest_domid)
for args in "--streams 2" "--encrypted --streams 0" \
            "--encrypted --streams 17" "--encrypted --streams 2x"; do
    # shellcheck disable=SC2086
    if xl migrate -s /flight/bin/flight-shim $args guest localhost \
        > /run/xl-streams-bad.log 2>&1; then
        echo "FAIL: xl migrate $args went ahead"
        exit 1
    fi
    echo "xl migrate $args: $(head -n 1 /run/xl-streams-bad.log)"
    grep -q -- '--streams' /run/xl-streams-bad.log
done
[ "$(guest_domid)" = "$first" ]
no_session "$first"

# streams_move NAME LEVEL N
streams_move() {
    before=$(last_tick)
    old=$(guest_domid)
    ENCMIG_LEVEL=$2 FLIGHT_TAP_RECORD=0x13:pass \
        migrate "$1" --encrypted --streams "$3"
    new=$(guest_domid)
    echo "level $2, $3 streams: domid $old -> $new in $(cat "/run/time-$1") s"
    [ -n "$new" ]
    [ "$new" != "$old" ]
    guest_running
    grep -q "migration sender: level $2: .*; $3 streams" "/run/xl-$1.log"
    grep -q "migration target: level $2: .*; $3 streams" "/run/xl-$1.log"
    cat "/run/tap-$1.rec"
    grep -qx "streams $3" "/run/tap-$1.rec"
    # Each of libxc's batches (up to 1024 pages) is cut in N parts.
    batches=$(sed -n 's/^batches //p' "/run/tap-$1.rec")
    mib=$(sed -n 's/^memory = //p' /flight/guest.cfg)
    [ "$batches" -ge $((mib * 256 / 1024 * $3)) ]
    xl dmesg | grep -q "d$old: encmig export session (level $2)"
    xl dmesg | grep -q "d$new: encmig import session (level $2)"
    no_session "$new"
    [ "$(grep -c 'page records, [1-9][0-9]* state records' \
        "/run/xl-$1.log")" -eq 2 ]
    wait_tick "$before" 120
    got=$(check_after "$before" 120)
    echo "pattern after the move: ${got#* } (boot $(boot_sum))"
    [ "${got#* }" = "$(boot_sum)" ]
    [ "$(tap "$1" markers)" -eq 0 ]
}

streams_move streams3 1 3
streams_move streams2-l2 2 2
echo "ts-migrate-encrypted-streams: 3 streams at level 1 in" \
     "$(cat /run/time-streams3) s, 2 at level 2 in" \
     "$(cat /run/time-streams2-l2) s (one stream, level 1:" \
     "$(cat /run/time-enc 2>/dev/null || echo ?) s)"
