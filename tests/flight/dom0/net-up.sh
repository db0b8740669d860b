# The two-host flight's network: an e1000 on QEMU's socket netdev, which
# joins the two hosts; 10.0.0.1 on host a, 10.0.0.2 on host b, each
# serving flight-link on ports 7000-7004.  Host a waits until b answers,
# then pins b's host key under b's address and has b pin its own, each
# listed at the other as a source too (both directions migrate).
set -e
. /flight/steps/flight-lib.sh
[ -n "$(pair_side)" ]
insmod /flight/modules/e1000.ko
ip link set lo up
ip addr add "$(pair_ip)/24" dev eth0
ip link set eth0 up
setsid flight-link serve 7000 7001 7002 7003 7004 \
    > /run/link-serve.log 2>&1 < /dev/null &
ip addr show eth0
if [ "$(pair_side)" = a ]; then
    n=0
    until out=$(on_peer 'echo up at $(cut -d" " -f1 /proc/uptime)s' \
                2>/dev/null) && [ -n "$out" ]; do
        n=$((n + 1))
        [ $n -le 300 ] || { echo "host b never answered"; exit 1; }
        sleep 1
    done
    echo "host b: $out (after $n s)"
    pair_keys
    cat /etc/encmig/known_hosts
fi
