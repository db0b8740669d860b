# An RDMA migration cut in the middle, twice: rxe0 deleted under it (the
# link gone), then the receiver killed outright.  Each time the source
# says its guest is still there and running, and the receiver (when it
# lives to say so) that nothing of the guest is left.
set -e
. /flight/steps/flight-lib.sh
d=/run/rdma-keys
[ -f $d/known_hosts ] || rdma_keys $d
# Whatever happens, no simulated guest keeps migrating into later steps.
src=
trap 'kill -9 $src $rdma_rx_pid 2> /dev/null || true' EXIT

# cut_when_flowing HOW: start a migration, wait until the stream flows
# (rxe0 has sent 2000 packets more), then cut it HOW.
cut_when_flowing() {
    rdma_up > /dev/null
    sim_receiver $d 7101 /run/rdma-cut-dst.log --transport rdma
    before=$(rdma_sent)
    # exec: $src is encmig itself, which the trap can kill.
    (exec encmig migrate --keydir $d --known-hosts $d/known_hosts \
        --transport rdma --guest-mem 64M --dirty-rate 20000 guest \
        "$(pair_ip):7101" > /run/rdma-cut-src.log 2>&1 < /dev/null) &
    src=$!
    n=0
    until [ $(( $(rdma_sent) - before )) -ge 2000 ]; do
        n=$((n + 1))
        [ $n -le 600 ] || { echo "the stream never flowed"; return 1; }
        sleep 0.2
    done
    eval "$1"
    if wait $src; then
        echo "the migration succeeded after the cut"
        return 1
    fi
    wait || true
    cat /run/rdma-cut-src.log /run/rdma-cut-dst.log
    grep -q 'the guest is still here and running' /run/rdma-cut-src.log
}

cut_when_flowing 'rdma link delete rxe0'
grep -q 'nothing of the guest is left here' /run/rdma-cut-dst.log
echo "rdma-cut-sim: link deleted mid-stream: the guest stayed"

cut_when_flowing 'kill -9 $rdma_rx_pid'
echo "rdma-cut-sim: receiver killed mid-stream: the guest stayed"
echo "ts-rdma-cut-sim: link cut and receiver killed mid-RDMA-stream;" \
     "the source's guest ran on both times"
