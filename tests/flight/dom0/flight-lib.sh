# Shared by the flight's dom0 steps (sourced).  The guest ticks on its
# console; xenconsoled logs each domain it sees into its own file (after a
# localhost migration the guest's is guest-guest--incoming.log), so every
# look at the guest reads all of them.
logs=/var/log/xen/console

uptime_s() { cut -d' ' -f1 /proc/uptime; }
secs_since() { awk -v a="$1" -v b="$(uptime_s)" 'BEGIN { printf "%.1f", b - a }'; }

# The highest tick the guest has printed, 0 before any.
last_tick() {
    cat "$logs"/guest-*.log 2>/dev/null | tr -d '\r' |
        sed -n 's/^GUEST-TICK \([0-9]*\)$/\1/p' | sort -n | tail -n 1 |
        grep . || echo 0
}

# wait_tick N TIMEOUT: until the guest has printed a tick above N.
wait_tick() {
    n=0
    while [ "$(last_tick)" -le "$1" ]; do
        n=$((n + 1))
        [ $n -gt "$2" ] && return 1
        sleep 1
    done
    return 0
}

# The pattern's checksum as the guest printed it at boot.
boot_sum() {
    cat "$logs"/guest-*.log 2>/dev/null | tr -d '\r' |
        sed -n 's/.*GUEST-PATTERN \([0-9a-f]*\) .*/\1/p' | head -n 1
}

# check_after N TIMEOUT: the first pattern check of a tick above N, "TICK SUM".
check_after() {
    n=0
    while :; do
        r=$(cat "$logs"/guest-*.log 2>/dev/null | tr -d '\r' |
            awk -v t="$1" '$1 == "GUEST-CHECK" && $2 > t { print $2, $3 }' |
            sort -n | head -n 1)
        [ -n "$r" ] && { echo "$r"; return 0; }
        n=$((n + 1))
        [ $n -gt "$2" ] && return 1
        sleep 1
    done
}

guest_domid() { xl domid guest 2>/dev/null; }
# host_keys: dom0's host key (made once), pinned for "localhost" and, dom0
# being its own source too, listed in its authorized_sources.
host_keys() {
    mkdir -p /etc/encmig
    if [ ! -f /etc/encmig/host_ed25519_key ]; then
        encmig keygen > /run/keygen.log 2>&1 ||
            { cat /run/keygen.log; return 1; }
    fi
    echo "localhost $(cut -d' ' -f1,2 /etc/encmig/host_ed25519_key.pub)" \
        > /etc/encmig/known_hosts
    echo "localhost $(cut -d' ' -f1,2 /etc/encmig/host_ed25519_key.pub)" \
        > /etc/encmig/authorized_sources
    cat /etc/encmig/known_hosts /etc/encmig/authorized_sources
}

# pin_self: the hypervisor's own key pinned (it is source and destination
# of the flight's level-2 migrations); pinned already is fine.
pin_self() {
    self=$(encmig identity | sed -n 's/^hypervisor key x25519 //p')
    [ -n "$self" ] || return 1
    encmig identity --pin "$self"
}

# The guest's FLASK label.
guest_label() { xl list -Z guest | awk 'NR == 2 { print $NF }'; }

# create_guest CFG LOG TIMEOUT: xl create CFG, then wait up to TIMEOUT
# seconds for the guest to say it is up in the console log LOG.
create_guest() {
    xl create "$1" || return 1
    for _ in $(seq 1 "$3"); do
        grep -q GUEST-UP "$logs/$2" 2>/dev/null && break
        sleep 1
    done
    xl list
    grep GUEST-UP "$logs/$2" || { tail -n 30 "$logs/$2"; return 1; }
}

# no_session DOMID: the hypervisor holds no encmig session for it.
no_session() {
    encmig session "$1" | tee /run/session
    grep -q 'no session' /run/session
}

# The guest runs: listed once, not paused, no incoming copy left over.
guest_running() {
    xl list | awk '$1 == "guest" { n++; s = $5 } END { exit !(n == 1 && s !~ /p/) }' &&
        ! xl list | grep -q -- '--incoming\|--migratedaway'
}

# migrate NAME [xl migrate options]: migrate the guest to localhost through
# the wiretap (report in /run/tap-NAME); the time goes to /run/time-NAME.
# A migration that hangs is stopped after 10 minutes.  An encrypted one
# runs at level 1 unless ENCMIG_LEVEL says otherwise: the PV host's
# hypervisor has an identity and, once bad-args-level2 has run, its own
# pin, and the level-1 steps are to stay level 1.
migrate() {
    name=$1
    shift
    rm -f /run/tap-$name
    t0=$(uptime_s)
    rc=0
    ENCMIG_LEVEL=${ENCMIG_LEVEL:-1} FLIGHT_TAP_REPORT=/run/tap-$name timeout 600 \
        xl -v migrate -s /flight/bin/flight-shim "$@" guest localhost \
        > /run/xl-$name.log 2>&1 || rc=$?
    secs_since "$t0" > /run/time-$name
    grep -v 'progress\|^xc: detail\|^libxl: debug' /run/xl-$name.log |
        sed 's/^/    xl: /' | tail -n 40
    [ $rc -eq 124 ] && { echo "xl migrate hung: stopped"; xl list; ps; }
    return $rc
}

# tap NAME FIELD: from the wiretap's report, once it is written.
tap() {
    n=0
    while [ ! -f "/run/tap-$1" ] && [ $n -lt 30 ]; do
        sleep 1
        n=$((n + 1))
    done
    sed -n "s/^$2 //p" "/run/tap-$1"
}

# refused_flip NAME AT: the encrypted migration NAME with one bit of the
# wire flipped at byte AT must fail its authentication at the
# destination and leave the source's guest where it was, with no
# session, ticking on.
refused_flip() {
    name=$1
    old=$(guest_domid)
    before=$(last_tick)
    if FLIGHT_TAP_FLIP_AT=$2 migrate "$name" --encrypted; then
        echo "FAIL: a tampered migration succeeded"
        return 1
    fi
    echo "flipped at byte $(tap "$name" flipped) of $(tap "$name" bytes)"
    [ "$(tap "$name" flipped)" = "$2" ] || return 1
    grep -E 'failed authentication|altered|refused' "/run/xl-$name.log" |
        head -n 3
    grep -qE 'failed authentication|altered' "/run/xl-$name.log" || return 1
    [ "$(guest_domid)" = "$old" ] || return 1
    no_session "$old" || return 1
    sleep 2
    guest_running || return 1
    wait_tick "$before" 120 || return 1
    echo "source guest (domid $old) ticking: $before -> $(last_tick)"
}

# refused_each WHAT TARGET REASON [ACTIONS]: the encrypted migration,
# its first TARGET record (flight-rectap's [libxl:]TYPE, in hex as it
# reports it: 0x14, libxl:0x3) attacked by each of ACTIONS in turn
# (default: flipped, dropped, replayed and moved after the next one).
# Each must fail with REASON (an extended regular expression) in xl's
# log, leave the source's guest where it was, with no session, ticking on.
refused_each() {
    what=$1
    target=$2
    reason=$3
    old=$(guest_domid)
    for action in ${4:-flip:40 drop dup swap}; do
        name=tamper-${target##*:}-${action%%:*}
        before=$(last_tick)
        if FLIGHT_TAP_RECORD="$target:$action" migrate "$name" --encrypted; then
            echo "FAIL: a migration with its $what ${action} succeeded"
            return 1
        fi
        cat "/run/tap-$name.rec"
        grep -q "^done $action $target " "/run/tap-$name.rec" || return 1
        grep -E "$reason" "/run/xl-$name.log" | head -n 2
        grep -qE "$reason" "/run/xl-$name.log" || return 1
        [ "$(guest_domid)" = "$old" ] || return 1
        no_session "$old" || return 1
        sleep 2
        guest_running || return 1
        wait_tick "$before" 120 || return 1
        echo "$what $action: refused; source guest ticking at $(last_tick)"
    done
}

# The two-host flight (tests/flight/run, host "pair"): dom0 of host a
# (10.0.0.1, where the guest starts) drives host b (10.0.0.2) through
# flight-link, which both serve on ports 7000-7004 (net-up): 7000 for
# commands, the others for one migration each, so that the capture of
# the wire can tell the migrations apart.
pair_side() { sed -n 's/.*flight_pair=\([ab]\).*/\1/p' /proc/cmdline; }
pair_ip() { if [ "$(pair_side)" = a ]; then echo 10.0.0.1; else echo 10.0.0.2; fi; }
peer_ip() { if [ "$(pair_side)" = a ]; then echo 10.0.0.2; else echo 10.0.0.1; fi; }

# on_peer CMD...: CMD run by the peer's dom0 (its stderr to its
# /run/link.log).
on_peer() { flight-link connect "$(peer_ip)" 7000 "$@" < /dev/null; }

# migrate_to NAME PORT [xl migrate options]: as migrate, to the peer,
# over PORT; the peer's side of it (xl migrate-receive's messages) in
# /run/peer-NAME.log.
migrate_to() {
    name=$1
    port=$2
    shift 2
    rm -f /run/tap-$name
    on_peer ': > /run/link.log'
    t0=$(uptime_s)
    rc=0
    ENCMIG_LEVEL=${ENCMIG_LEVEL:-1} FLIGHT_TAP_REPORT=/run/tap-$name \
        FLIGHT_PAIR_PORT=$port timeout 900 \
        xl -v migrate -s /flight/bin/flight-pair-shim "$@" guest "$(peer_ip)" \
        > /run/xl-$name.log 2>&1 || rc=$?
    secs_since "$t0" > /run/time-$name
    on_peer 'cat /run/link.log' > /run/peer-$name.log || true
    grep -v 'progress\|^xc: detail\|^libxl: debug' /run/xl-$name.log |
        sed 's/^/    xl: /' | tail -n 30
    grep -v 'progress\|^xc: detail\|^libxl: debug' /run/peer-$name.log |
        sed 's/^/    peer xl: /' | tail -n 20
    [ $rc -eq 124 ] && { echo "xl migrate hung: stopped"; xl list; }
    return $rc
}

# pair_keys: each host's key pinned at the other under its address, and
# listed there as a source (both directions migrate).
pair_keys() {
    host_keys > /dev/null
    on_peer '. /flight/steps/flight-lib.sh; host_keys' > /dev/null
    mine=$(cut -d' ' -f1,2 /etc/encmig/host_ed25519_key.pub)
    theirs=$(on_peer 'cut -d" " -f1,2 /etc/encmig/host_ed25519_key.pub')
    [ -n "$theirs" ] || return 1
    echo "$(peer_ip) $theirs" >> /etc/encmig/known_hosts
    echo "$(peer_ip) $theirs" >> /etc/encmig/authorized_sources
    on_peer "echo '$(pair_ip) $mine' >> /etc/encmig/known_hosts;" \
        "echo '$(pair_ip) $mine' >> /etc/encmig/authorized_sources"
}

# peer_do CMD...: CMD run by the peer's dom0 with flight-lib.sh there;
# its output, and its exit status (flight-link carries only bytes: the
# status comes back as a last line).
peer_do() {
    out=$(on_peer ". /flight/steps/flight-lib.sh; $*;" \
          'rc=$?; echo; echo "FLIGHT-RC=$rc"') || return 1
    # The status line, and the empty line before it when CMD's output
    # ended with a newline of its own.
    printf '%s\n' "$out" | sed '$d' | sed '${/^$/d;}'
    [ "$(printf '%s\n' "$out" | tail -n 1)" = FLIGHT-RC=0 ]
}
peer_domid() { on_peer 'xl domid guest 2>/dev/null'; }

# Soft-RoCE on eth0 (shared/design/XEN-QEMU.md): the modules in that
# order (rdma link add fails with ENOENT without crc32_generic), then rxe0.
rdma_up() {
    for m in crc32_generic configfs udp_tunnel ip6_udp_tunnel ib_core \
             ib_uverbs rdma_rxe ib_cm iw_cm rdma_cm rdma_ucm; do
        grep -q "^$m " /proc/modules || insmod "/flight/modules/$m.ko"
    done
    rdma link show rxe0/1 > /dev/null 2>&1 ||
        rdma link add rxe0 type rxe netdev eth0
    rdma link show rxe0/1
}

# Packets rxe0 has sent, from its hardware counters.
rdma_sent() {
    rdma statistic show link rxe0/1 | tr ' ' '\n' |
        awk 'p { print; exit } $0 == "sent_pkts" { p = 1 }'
}

# rdma_keys DIR: a host key for the simulator's migrations to this host,
# pinned under this host's address and listed as a source.
rdma_keys() {
    rm -rf "$1"
    encmig keygen --keydir "$1" > /dev/null
    pub=$(cut -d' ' -f1,2 "$1/host_ed25519_key.pub")
    echo "$(pair_ip) $pub" > "$1/known_hosts"
    echo "self $pub" > "$1/authorized_sources"
}

# sim_receiver DIR PORT LOG [ARG...]: a simulator receiver at this
# host's address, in the background (its pid in rdma_rx_pid); returns
# once it listens.
sim_receiver() {
    local dir=$1 port=$2 log=$3
    shift 3
    setsid encmig migrate-receive --listen "$(pair_ip):$port" \
        --keydir "$dir" --run 1 "$@" > "$log" 2>&1 < /dev/null &
    rdma_rx_pid=$!
    n=0
    until grep -qs 'waiting for a migration' "$log"; do
        n=$((n + 1))
        [ $n -le 60 ] || { cat "$log"; return 1; }
        sleep 1
    done
}

# sim_source DIR PORT MEM RATE LOG [ARG...]: migrate a simulated guest
# there.
sim_source() {
    local dir=$1 port=$2 mem=$3 rate=$4 log=$5
    shift 5
    encmig migrate --keydir "$dir" --known-hosts "$dir/known_hosts" \
        --guest-mem "$mem" --dirty-rate "$rate" "$@" \
        guest "$(pair_ip):$port" > "$log" 2>&1 < /dev/null
}

# The seconds of stream a simulator migration's summary reports.
stream_secs() { sed -n 's/.* in \([0-9.]*\) s of stream.*/\1/p' "$1"; }
