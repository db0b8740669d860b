# The hypervisor's log has no crash, BUG, WARN or assertion, and nothing
# from the component but its session lines.
xl dmesg > /tmp/xl-dmesg
echo "xl dmesg: $(wc -l < /tmp/xl-dmesg) lines"
grep -n 'encmig' /tmp/xl-dmesg
bad=$(grep -nE 'Xen BUG|BUG at|WARN|Assertion|FATAL|Panic|PANIC|crashed|Xen call trace|domain_crash|Fatal page fault|trap|encmig.*(error|fail)' /tmp/xl-dmesg |
      grep -v 'encmig session ended\|encmig export session\|encmig import session')
if [ -n "$bad" ]; then
    echo "suspicious lines:"
    echo "$bad"
    exit 1
fi
xl list
echo "clean"
