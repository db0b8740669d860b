# At level 2 the same attacks meet the hypervisors' keys: one bit of a
# page record flipped in transit, the sealed state record dropped, and
# one bit of the end record's MAC, now the hypervisors', flipped.  Each
# time the destination refuses, nothing of the guest is left there, and
# the source's guest runs on, with no session, at level 2 each time.
set -e
. /flight/steps/flight-lib.sh
export ENCMIG_LEVEL=2
refused_flip tamper2 $((64 * 1024 * 1024 + 12345))
grep -q 'migration sender: level 2' /run/xl-tamper2.log

refused_each "state record" 0x14 \
    'failed authentication|encrypted state|encrypted HVM context' drop
grep -q 'migration sender: level 2' /run/xl-tamper-0x14-drop.log
refused_each "end record" 0x15 'failed authentication' flip:60
grep -q 'migration sender: level 2' /run/xl-tamper-0x15-flip.log
echo "ts-tamper-refused-level2: a flipped page, a dropped state record and" \
     "a flipped end MAC refused at level 2, the guest kept running"
