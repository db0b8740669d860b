# encmig probe answers from the hypervisor: interface 1.2, plain memory;
# with RDRAND an identity (ts-probe checks that Xen's console showed the
# same one at boot).
set -e
domid=$(cat /run/guest-domid)
encmig probe "$domid" | tee /tmp/probe
grep -qx 'interface version 1.2' /tmp/probe
grep -qx 'memory backend plain' /tmp/probe
grep -q '^capabilities.* export' /tmp/probe
grep -q '^capabilities.* state' /tmp/probe
# Westmere has AES-NI and PCLMULQDQ: the hypervisor uses its AES-NI path.
grep -q '^capabilities.* aesni' /tmp/probe
if grep -qw rdrand /proc/cpuinfo; then
    grep -q '^capabilities.* identity' /tmp/probe
    fp=$(sed -n 's/^hypervisor identity \(SHA256:[A-Za-z0-9+/]\{43\}\)$/\1/p' /tmp/probe)
    [ -n "$fp" ]
    encmig identity | tee /tmp/identity
    grep -qx "hypervisor identity $fp" /tmp/identity
    grep -q '^hypervisor key x25519 [A-Za-z0-9+/]\{43\}=$' /tmp/identity
else
    # No RDRAND: no identity, level 1 only.
    ! grep -q '^capabilities.* identity' /tmp/probe
fi
