# An encrypted migration from host a to host b over port 7003, where
# flight-wire, an attacker on the emulated wire between the hosts, flips
# one bit of the stream 8 MiB in and mends the TCP checksum: host b
# refuses the record and keeps no guest, host a's guest keeps ticking
# with no session left.
set -e
. /flight/steps/flight-lib.sh
old=$(guest_domid)
before=$(last_tick)
if migrate_to tamper 7003 --encrypted; then
    echo "FAIL: a tampered migration succeeded"
    exit 1
fi
echo "the stream left host a with $(tap tamper bytes) bytes"
grep -hE 'failed authentication|altered' /run/xl-tamper.log \
    /run/peer-tamper.log | head -n 2
grep -qE 'failed authentication|altered' /run/peer-tamper.log
[ "$(guest_domid)" = "$old" ]
[ -z "$(peer_domid)" ]
no_session "$old"
sleep 2
guest_running
wait_tick "$before" 120
echo "ts-tamper-refused-remote: refused at host b; host a's guest ticking" \
     "at $(last_tick)"
