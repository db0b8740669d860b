# The simulator's encrypted migration with its stream over RDMA:
# soft-RoCE on eth0, source and destination both in this dom0 (one
# emulated Linux host), the control connection on TCP.  The guest
# arrives verified; rxe0's counters show the stream went by RDMA, and
# no plaintext marker was in what was sent.  The same migration over
# TCP after it, for the two stream times side by side (printed, not
# judged: one emulated CPU runs both ends).
set -e
. /flight/steps/flight-lib.sh
t0=$(uptime_s)
rdma_up
echo "rxe0 up in $(secs_since "$t0") s"
d=/run/rdma-keys
rdma_keys $d
before=$(rdma_sent)
sim_receiver $d 7100 /run/rdma-dst.log --transport rdma
t1=$(uptime_s)
sim_source $d 7100 32M 200 /run/rdma-src.log --transport rdma || {
    cat /run/rdma-src.log /run/rdma-dst.log; exit 1; }
secs=$(secs_since "$t1")
wait
cat /run/rdma-src.log /run/rdma-dst.log
grep -q '^  transport         RDMA' /run/rdma-src.log
grep -q '^  verified          yes' /run/rdma-src.log
grep -q '^  plaintext on wire none found' /run/rdma-src.log
grep -q 'guest received (32 MiB), running here' /run/rdma-dst.log
sent=$(( $(rdma_sent) - before ))
echo "rxe0 sent $sent packets"
# At most 4 KiB of stream per packet: 32 MiB is 8192 of them at least.
[ "$sent" -ge 8192 ]

sim_receiver $d 7102 /run/tcp-dst.log
sim_source $d 7102 32M 200 /run/tcp-src.log || {
    cat /run/tcp-src.log /run/tcp-dst.log; exit 1; }
wait
grep -q '^  transport         TCP' /run/tcp-src.log
grep -q '^  verified          yes' /run/tcp-src.log
r=$(stream_secs /run/rdma-src.log) t=$(stream_secs /run/tcp-src.log)
echo "ts-migrate-rdma-sim: a 32 MiB simulated guest moved in $secs s," \
     "its stream in $sent RDMA packets, verified, no plaintext;" \
     "stream $r s by RDMA, $t s by TCP (TCP/RDMA" \
     "$(awk -v r="$r" -v t="$t" 'BEGIN { printf "%.2f", t / r }'))"
