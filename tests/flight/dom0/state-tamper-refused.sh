# The guest's sealed state (ENCMIG_STATE, 0x14) attacked on the wire by
# someone who knows libxc's framing: one bit of it flipped, the record
# dropped, replayed and moved after the next one.  Each time the
# destination refuses (the end record's MAC covers the state record, and
# the restorer and the hypervisor check it again), no guest is left
# there, and the source's guest runs on, untouched.
set -e
. /flight/steps/flight-lib.sh
refused_each "state record" 0x14 \
    'failed authentication|encrypted state|encrypted HVM context'
echo "ts-state-tamper-refused: flipped, dropped, replayed and reordered" \
     "state records refused, the guest kept running"
