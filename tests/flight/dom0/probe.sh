# encmig probe answers from the hypervisor: interface 1.1, plain memory.
set -e
domid=$(cat /run/guest-domid)
encmig probe "$domid" | tee /tmp/probe
grep -qx 'interface version 1.1' /tmp/probe
grep -qx 'memory backend plain' /tmp/probe
grep -q '^capabilities.* export' /tmp/probe
grep -q '^capabilities.* state' /tmp/probe
# Westmere has AES-NI and PCLMULQDQ: the hypervisor uses its AES-NI path.
grep -q '^capabilities.* aesni' /tmp/probe
