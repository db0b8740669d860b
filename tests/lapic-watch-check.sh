#!/bin/bash
# The flight's lapic-watch nudges a host only in QEMU's lost-interrupt
# state: a dump from a real wedge counts; the same dump with the CPU
# running, interrupts off, an STI shadow, or the vector at or below the
# processor priority does not, and neither does a healthy idle host.
set -u

top=${srcdir:-.}
watch=$top/tests/flight/lapic-watch
dumps=$top/tests/flight/lapic-dumps
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
passed=0
failed=0

# expect NAME WANT SED-SCRIPT: WANT is "stuck" or "not", for wedged.txt
# edited by SED-SCRIPT.
expect() {
    local name=$1 want=$2 got
    sed "$3" "$dumps/wedged.txt" > "$tmp"
    got=$(bash "$watch" --check "$tmp")
    if { [ "$want" = stuck ] && [ -n "$got" ]; } ||
       { [ "$want" = not ] && [ -z "$got" ]; }; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        echo "FAIL: $name: want $want, got '${got}'"
    fi
}

expect wedge stuck ''
expect running not 's/HLT=1/HLT=0/'
expect interrupts-off not 's/RFL=00000202/RFL=00000002/'
expect sti-shadow not 's/II=0/II=1/'
expect below-ppr not 's/^IRR\t 250 /IRR\t 20 /'
expect same-class-as-ppr not 's/PPR 0x10/PPR 0xf0/'
expect nothing-pending not 's/^IRR\t 250 /IRR\t (none)/'
expect two-pending stuck 's/^IRR\t 250 /IRR\t 48 250 /'
expect no-lapic-answer not '/^IRR/d'

if [ -n "$(bash "$watch" --check "$dumps/idle.txt")" ]; then
    failed=$((failed + 1))
    echo "FAIL: idle host counted as stuck"
else
    passed=$((passed + 1))
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
