# xl migrate --encrypted of the guest from host a to host b over the
# emulated wire, at level 1: b's key verified under its address, a
# authenticated at b, an export session here and an import session
# there (both ended), a state record sealed on each side, no marker on
# the wire; the guest runs at b.
set -e
. /flight/steps/flight-lib.sh
before=$(last_tick)
old=$(guest_domid)
migrate_to enc 7002 --encrypted
[ -z "$(guest_domid)" ]
new=$(peer_domid)
echo "host b: guest is domain $new after $(cat /run/time-enc) s"
[ -n "$new" ]
grep -q 'host key verified' /run/xl-enc.log
grep -q "source '10.0.0.1' (SHA256:.*) authenticated" /run/peer-enc.log
xl dmesg | grep -q "d$old: encmig export session (level 1)"
peer_do "xl dmesg | grep -q 'd$new: encmig import session (level 1)'"
peer_do no_session "$new"
cat /run/xl-enc.log /run/peer-enc.log |
    grep 'page records, [1-9][0-9]* state records'
[ "$(cat /run/xl-enc.log /run/peer-enc.log |
     grep -c 'page records, [1-9][0-9]* state records')" -eq 2 ]
peer_do guest_running
peer_do wait_tick "$before" 180
echo "wire: $(tap enc bytes) bytes, $(tap enc markers) markers"
[ "$(tap enc markers)" -eq 0 ]
echo "ts-migrate-encrypted-remote: $(cat /run/time-enc) s for the guest," \
     "host to host (plain: $(cat /run/time-plain) s)"
