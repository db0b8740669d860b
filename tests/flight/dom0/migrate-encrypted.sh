# xl migrate --encrypted to localhost: dom0 gets a host key, pins it for
# "localhost" and, being its own source too, lists it in its
# authorized_sources; the guest moves with every data page re-keyed by
# the hypervisor (an export session on the source, an import session on
# the destination, both ended), and its vCPU state sealed by it.
set -e
. /flight/steps/flight-lib.sh
host_keys

before=$(last_tick)
echo "$before" > /run/enc-before
old=$(guest_domid)
sessions0=$(xl dmesg | grep -c 'encmig session ended' || true)
migrate enc --encrypted
new=$(guest_domid)
echo "domid $old -> $new; migration took $(cat /run/time-enc) s"
[ -n "$new" ]
[ "$new" != "$old" ]
guest_running
grep -q 'host key verified' /run/xl-enc.log
grep -q "source 'localhost' (SHA256:.*) authenticated" /run/xl-enc.log
xl dmesg | grep 'encmig' | tail -n 4
xl dmesg | grep -q "d$old: encmig export session (level 1)"
xl dmesg | grep -q "d$new: encmig import session (level 1)"
sessions=$(xl dmesg | grep -c 'encmig session ended')
echo "sessions ended: $sessions0 before, $sessions after"
[ "$sessions" -ge $((sessions0 + 2)) ]
no_session "$new"
# The vCPU state crossed sealed by the hypervisor: a state record on
# each side (the helper's closing line for each domain).
grep 'page records, .* state records' /run/xl-enc.log
[ "$(grep -c 'page records, [1-9][0-9]* state records' /run/xl-enc.log)" \
    -eq 2 ]
echo "ts-migrate-encrypted: $(cat /run/time-enc) s for the guest" \
     "(plain: $(cat /run/time-plain) s)"
