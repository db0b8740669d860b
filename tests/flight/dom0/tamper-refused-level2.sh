# At level 2 the same attacks meet the hypervisors' keys: one bit of a
# page record flipped in transit, the sealed state record dropped, and
# one bit of the end record's MAC, now the hypervisors', flipped.  Each
# time the destination refuses, nothing of the guest is left there, and
# the source's guest runs on, with no session, at level 2 each time.
set -e
. /flight/steps/flight-lib.sh
export ENCMIG_LEVEL=2
old=$(guest_domid)
before=$(last_tick)
at=$((64 * 1024 * 1024 + 12345))
if FLIGHT_TAP_FLIP_AT=$at migrate tamper2 --encrypted; then
    echo "FAIL: a tampered level-2 migration succeeded"
    exit 1
fi
echo "flipped at byte $(tap tamper2 flipped) of $(tap tamper2 bytes)"
[ "$(tap tamper2 flipped)" = "$at" ]
grep -q 'migration sender: level 2' /run/xl-tamper2.log
grep -E 'failed authentication|altered' /run/xl-tamper2.log | head -n 3
grep -qE 'failed authentication|altered' /run/xl-tamper2.log
[ "$(guest_domid)" = "$old" ]
no_session "$old"
sleep 2
guest_running
wait_tick "$before" 120
echo "page record flipped: refused; source guest ticking at $(last_tick)"

refused_each "state record" 0x14 \
    'failed authentication|encrypted state|encrypted HVM context' drop
grep -q 'migration sender: level 2' /run/xl-tamper-0x14-drop.log
refused_each "end record" 0x15 'failed authentication' flip:60
grep -q 'migration sender: level 2' /run/xl-tamper-0x15-flip.log
echo "ts-tamper-refused-level2: a flipped page, a dropped state record and" \
     "a flipped end MAC refused at level 2, the guest kept running"
