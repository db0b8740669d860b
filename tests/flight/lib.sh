# shellcheck shell=bash
# tests/flight/lib.sh: what the flight's steps share.  Sourced, not run.
#
# The flight runs on the build host.  build-hypervisor and build-images
# make the artifacts; host-boot starts QEMU (TCG) with the hypervisor and a
# dom0 whose /init runs the dom0 half of every later step in order, each
# bracketed on the serial console by markers:
#
#   FLIGHT-BEGIN <step>
#   ... its output ...
#   FLIGHT-END <step> rc=<rc> secs=<seconds>
#
# Each later ts-* step waits for its own FLIGHT-END in the serial log,
# keeps its section as <step>.log and passes when rc=0.  The build steps
# leave the artifact directories in $out/xen-dir and $out/images-dir.

flight_top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
export flight_dir="$flight_top/tests/flight"
cache=${ENCMIG_CACHE:-/var/cache/encmig}

# The run's directory: set by tests/flight/run, or a step run by hand.
out=${FLIGHT_OUT:-$cache/flight/manual}
mkdir -p "$out"
serial="$out/serial.log"

now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
say() { echo "$(basename "$0"): $*"; }
die() { say "FAIL: $*"; exit 1; }

qemu_running() {
    [ -f "$out/qemu.pid" ] && kill -0 "$(cat "$out/qemu.pid")" 2>/dev/null
}

# wait_marker STEP TIMEOUT: wait for FLIGHT-END STEP on the serial console;
# 0 when it came, 1 on timeout or when QEMU went away without it.
wait_marker() {
    local step=$1 timeout=$2 t0
    t0=$(date +%s)
    while :; do
        grep -qa "FLIGHT-END $step " "$serial" 2>/dev/null && return 0
        if ! qemu_running; then
            grep -qa "FLIGHT-END $step " "$serial" 2>/dev/null && return 0
            say "QEMU is not running"
            return 1
        fi
        if [ $(( $(date +%s) - t0 )) -ge "$timeout" ]; then
            say "no FLIGHT-END $step after ${timeout}s"
            return 1
        fi
        sleep 1
    done
}

# section STEP: the serial lines between FLIGHT-BEGIN STEP and its END.
section() {
    tr -d '\r' < "$serial" |
        awk -v s="$1" '
            index($0, "FLIGHT-BEGIN " s) { on = 1; next }
            index($0, "FLIGHT-END " s " ") { on = 0 }
            on'
}

# step_result STEP: rc and seconds of a finished dom0 step, "RC SECS".
step_result() {
    tr -d '\r' < "$serial" |
        sed -n "s/.*FLIGHT-END $1 rc=\([0-9]*\) secs=\([0-9.]*\).*/\1 \2/p" |
        tail -n 1
}

# xen_keys KEYS: type Xen debug keys on its serial console (three
# Ctrl-A hand the input to Xen, three more give it back to dom0).
xen_keys() {
    [ -S "$out/serial.sock" ] || return 0
    printf '\001\001\001%s\001\001\001' "$1" |
        socat -t 2 - "UNIX-CONNECT:$out/serial.sock" >/dev/null 2>&1 || true
}

# A host that stopped answering: where QEMU's CPU is and what its LAPIC
# holds in service (first: the keys below raise an interrupt) into
# hang.txt, then what Xen says of its domains, vCPUs and run queues into
# the serial log; then QEMU is stopped, so that the later steps fail at
# once.
host_hung() {
    qemu_running || return 0
    say "the host is wedged: QEMU's state in hang.txt, Xen's in serial.log"
    [ -S "$out/monitor.sock" ] &&
        printf 'info registers\ninfo lapic\ninfo pic\ninfo cpus\n' |
        socat -t 5 - "UNIX-CONNECT:$out/monitor.sock" > "$out/hang.txt" 2>&1
    xen_keys qdr
    sleep 10
    kill "$(cat "$out/qemu.pid")" 2>/dev/null || true
}

# dom0_step STEP TIMEOUT: the whole host side of a step run in dom0.
# TIMEOUT stays below the step's limit in run, so that a wedged host is
# looked at (host_hung) before run stops the step.
dom0_step() {
    local step=$1 timeout=$2 r rc secs
    wait_marker "$step" "$timeout" || {
        section "$step" > "$out/$step.log"
        tail -n 20 "$out/$step.log"
        host_hung
        die "$step did not finish"
    }
    section "$step" > "$out/$step.log"
    r=$(step_result "$step")
    rc=${r% *}
    secs=${r#* }
    cat "$out/$step.log"
    [ "$rc" = 0 ] || die "$step: rc=$rc in dom0 (${secs}s)"
    say "$step passed in dom0 in ${secs}s"
}
