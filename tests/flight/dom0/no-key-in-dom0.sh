# What dom0 holds while a migration is half-way, at level 1 and then at
# level 2, for the host's flight-keyhunt to try (ts-no-key-in-dom0): it
# must find the key of the level-1 migration and none of the level-2
# one.  flight-rectap keeps libxc's first ENCMIG_PAGES batch off the wire
# while both xl, both helpers and both sessions are live;
# flight-known-pages keeps the batch's records of pages that begin with
# 32 zero bytes (dom0 may read a PV guest on a host without FLASK);
# flight-memdump writes every process's memory, the memfds and the files
# under /run and /tmp, with the session each helper was handed
# (flight-handover copies it) and those records, to the export disk
# (level 1 at 0, level 2 at 1 GiB).  Then the migration goes on and must
# succeed.
set -e
. /flight/steps/flight-lib.sh
host_keys
pin_self

# held LEVEL OFFSET: a level-LEVEL migration, held while dom0 is dumped.
held() {
    level=$1
    d=/run/hunt-$level
    rm -rf /run/hunt-*
    mkdir -p "$d"
    old=$(guest_domid)
    (
        export FLIGHT_TAP_RECORD="0x13:hold:$d" FLIGHT_HANDOVER_DIR="$d"
        export ENCMIG_SAVE_HELPER=/flight/bin/flight-handover
        export ENCMIG_LEVEL="$level"
        migrate "hunt$level" --encrypted
    ) > "$d.migrate" 2>&1 &
    pid=$!
    n=0
    while [ ! -f "$d/held" ] && [ $n -lt 300 ] && kill -0 $pid 2>/dev/null; do
        sleep 1
        n=$((n + 1))
    done
    if [ ! -f "$d/held" ]; then
        echo "FAIL: the level-$level migration never reached its pages"
        wait $pid || true
        cat "$d.migrate"
        return 1
    fi
    echo "level $level: held at the first batch of pages after ${n}s;" \
         "in dom0: $(ps -o comm= | grep -c .) processes"
    ps -o pid=,comm= | grep -E 'xl|helper|flight' | tr '\n' ' '
    echo
    rc=0
    flight-known-pages "$old" "$d/batch" "$d/known" || rc=1
    [ $rc -eq 0 ] && { flight-memdump /dev/vda "$2" || rc=1; }
    touch "$d/go"
    wait $pid || { echo "FAIL: the held migration failed"; rc=1; }
    cat "$d.migrate"
    [ $rc -eq 0 ] || return 1
    grep -q "migration sender: level $level:" "/run/xl-hunt$level.log"
    guest_running
}

[ -b /dev/vda ] || { echo "FAIL: no export disk"; exit 1; }
held 1 0
held 2 $((1 << 30))
no_session "$(guest_domid)"
