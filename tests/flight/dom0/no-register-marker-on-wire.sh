# A guest process keeps the register marker in its XMM and general-purpose
# registers (tests/flight/guest/regmarker.c): the plain migration's wire
# held it, so the check can fail, and the encrypted one's holds neither it
# nor the memory marker.  Where the wiretap found it is printed: in a
# vCPU's saved state (HVM_CONTEXT, X86_PV_VCPU_*) it is the registers
# themselves; in page data, a copy the guest's kernel made of them.
# The vCPU state holds the process's XMM registers only when it was the
# last task in user mode before the save: most of the time, not always,
# so a pass does not always show them protected (docs/xen.md).
set -e
# shellcheck source=tests/flight/dom0/flight-lib.sh
. /flight/steps/flight-lib.sh
# Without the process there is no marker to find: say so first.
cat "$logs"/guest-*.log 2>/dev/null | tr -d '\r' | grep -m 1 GUEST-REGMARKER ||
    echo "the guest's console never said GUEST-REGMARKER"
for t in plain enc; do
    echo "$t: $(tap $t bytes) bytes; register marker $(tap $t regmarkers)" \
         "($(tap $t regmarkers-vcpu) in vCPU state), memory marker" \
         "$(tap $t markers); libxc records $(tap $t libxc-records)," \
         "END $(tap $t libxc-end)"
    grep -e '^markers-in ' -e '^regmarkers-in ' -e '^vcpu-records ' \
        -e '^regmarkers-at ' "/run/tap-$t" | sed 's/^/    /'
done
[ "$(tap plain regmarkers)" -gt 0 ]
[ "$(tap enc regmarkers)" -eq 0 ]
[ "$(tap enc markers)" -eq 0 ]
echo "ts-no-register-marker-on-wire: register marker $(tap plain regmarkers)" \
     "times in clear ($(tap plain regmarkers-vcpu) in vCPU state), 0 encrypted"
