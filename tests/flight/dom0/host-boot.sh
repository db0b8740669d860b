# Xen and dom0 are up: the toolstack talks to the hypervisor.
set -e
xl info > /tmp/xl-info
cat /tmp/xl-info
grep -q '^xen_version *: 4\.17' /tmp/xl-info
grep -q '^xen_caps ' /tmp/xl-info
xl list
