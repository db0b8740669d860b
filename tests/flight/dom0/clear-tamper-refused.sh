# What crosses in the clear but authenticated (docs/stream.md: under the
# end record's MAC) attacked on the wire by someone who knows libxc's
# framing: one bit flipped in the first record of each such type the
# guest sends, where libxc would otherwise take the change as it is (a
# TSC frequency, an HVM parameter, a CPUID leaf; for a PV guest also a
# page table, its P2M frame list, its vCPU context and shared info).
# Each migration is refused before the destination starts the guest, and
# the source's guest runs on.
set -e
. /flight/steps/flight-lib.sh
# type, its name, where in its body to flip a bit
if xl list -l guest | grep -q '"type": "pv"'; then
    records="0x1:PAGE_DATA:8000 0x3:X86_PV_P2M_FRAMES:8
        0x4:X86_PV_VCPU_BASIC:40 0x7:SHARED_INFO:40"
else
    records="0xa:HVM_PARAMS:20"
fi
records="$records 0x8:X86_TSC_INFO:9 0x11:X86_CPUID_POLICY:10"
for r in $records; do
    type=${r%%:*}
    rest=${r#*:}
    refused_each "${rest%%:*}" "$type" \
        'failed authentication|Restore failed' "flip:${rest#*:}"
done
echo "ts-clear-tamper-refused: one bit flipped in each record sent in" \
     "the clear ($(echo $records | sed 's/:[0-9]*\( \|$\)/ /g; s/0x[0-9a-f]*://g')): refused"
