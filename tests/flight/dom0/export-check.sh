# Every page of the (paused) guest, exported and checked in dom0; the
# caller's XMM registers survive the hypercall; the hypervisor preempted
# and continued batches along the way; with AES-NI on the CPU the session
# used the AES-NI cipher.
set -e
domid=$(cat /run/guest-domid)
flight-export-check "$domid"
xl dmesg | grep 'encmig' | tail -n 5
n=$(xl dmesg | sed -n 's/.*encmig session ended (\([0-9]*\) batch continuations.*/\1/p' | tail -n 1)
echo "batch continuations so far: ${n:-none}"
[ "${n:-0}" -gt 0 ]
cipher=$(xl dmesg | sed -n 's/.*encmig export session (level [12]), .*, \([a-z]*\) cipher$/\1/p' | tail -n 1)
echo "cipher in the hypervisor: ${cipher:-unknown}"
if grep -qw aes /proc/cpuinfo && grep -qw pclmulqdq /proc/cpuinfo; then
    [ "$cipher" = aesni ]
else
    [ "$cipher" = portable ]
fi
