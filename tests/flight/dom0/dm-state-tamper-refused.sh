# The HVM guest's device model state (libxl's EMULATOR_CONTEXT, sealed
# by xl's relay under the session's libxl key) attacked on the wire by
# someone who knows the frame layout: one bit flipped, the frame dropped,
# replayed and moved after libxl's END.  Each time the destination
# refuses before QEMU reads a byte of it, no guest is left there, and the
# source's guest runs on, untouched.
set -e
. /flight/steps/flight-lib.sh
refused_each "device model state" libxl:0x3 \
    "libxl record (EMULATOR_CONTEXT|END).*(authentication|order)|before libxl's END"
echo "ts-dm-state-tamper-refused: flipped, dropped, replayed and reordered" \
     "device model state refused, the guest kept running"
