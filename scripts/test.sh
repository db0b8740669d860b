#!/bin/bash
# The whole test suite: installs what it needs, builds, runs every test.
# Usage: scripts/test.sh
#   ENCMIG_BUILD=DIR   build directory (default: build, in the tree)
#   ENCMIG_SANITIZE=0  skip the ASan/UBSan/LSan lane
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
build=${ENCMIG_BUILD:-$top/build}
jobs=$(nproc)

bash scripts/deps.sh

passed=0
failed=0
lane_failed=()

# Totals from Check's own summaries ("100%: Checks: 9, Failures: 0, ...")
# and from the scripts' "N passed, N failed"; a test that crashed before
# printing either counts as one failure.
count_checks() {
    local dir=$1 log line c f e
    for log in "$dir"/tests/*.log; do
        [ -f "$log" ] || continue
        line=$(grep -E '^[0-9]+%: Checks: ' "$log" | tail -n 1 || true)
        if [ -n "$line" ]; then
            c=$(sed -E 's/.*Checks: ([0-9]+).*/\1/' <<<"$line")
            f=$(sed -E 's/.*Failures: ([0-9]+).*/\1/' <<<"$line")
            e=$(sed -E 's/.*Errors: ([0-9]+).*/\1/' <<<"$line")
            passed=$((passed + c - f - e))
            failed=$((failed + f + e))
            continue
        fi
        line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1 || true)
        if [ -n "$line" ]; then
            passed=$((passed + $(cut -d' ' -f1 <<<"$line")))
            failed=$((failed + $(cut -d' ' -f3 <<<"$line")))
        elif grep -qE '^(FAIL|ERROR)' "${log%.log}.trs" 2>/dev/null; then
            failed=$((failed + 1))
        fi
    done
}

# Add a script's closing "N passed, N failed" (none: one failure).
count_summary() {
    local line
    line=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$1" | tail -n 1 || true)
    if [ -n "$line" ]; then
        passed=$((passed + $(cut -d' ' -f1 <<<"$line")))
        failed=$((failed + $(cut -d' ' -f3 <<<"$line")))
    else
        failed=$((failed + 1))
    fi
}

# lane NAME BUILDDIR CONFIGURE-ARGS...
lane() {
    local name=$1 dir=$2
    shift 2
    echo "=== $name: configure and build in $dir"
    mkdir -p "$dir"
    (cd "$dir" && "$top/configure" -q "$@" && make -s -j"$jobs") || {
        echo "=== $name: BUILD FAILED"
        lane_failed+=("$name (build)")
        failed=$((failed + 1))
        return 0
    }
    echo "=== $name: make check"
    if ! (cd "$dir" && make -s -j"$jobs" check); then
        lane_failed+=("$name")
        for log in "$dir"/tests/*.log; do
            grep -qE '^(FAIL|ERROR)' "${log%.log}.trs" 2>/dev/null &&
                { echo "--- $log"; tail -n 40 "$log"; }
        done
    fi
    count_checks "$dir"
}

if [ ! -x configure ] || [ configure.ac -nt configure ] ||
   [ Makefile.am -nt Makefile.in ]; then
    ./autogen.sh >/dev/null 2>&1 || { ./autogen.sh; exit 1; }
fi

lane default "$build" --with-xen=auto
if [ "${ENCMIG_SANITIZE:-1}" != 0 ]; then
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
        lane sanitizers "$build-san" --enable-sanitizers CFLAGS="-O1 -g"
fi

# A short libFuzzer run of every target over its committed corpus.
if [ "${ENCMIG_FUZZ:-1}" != 0 ]; then
    bash scripts/fuzz-smoke.sh "$build" 2>&1 | tee "$build/fuzz.out" ||
        lane_failed+=("fuzz smoke")
    count_summary "$build/fuzz.out"
fi

# The flight: Xen 4.17.5 with the component, booted under QEMU with a
# Debian dom0 (docs/xen.md); cached in /var/cache/encmig by input hash.
if [ "${ENCMIG_FLIGHT:-1}" != 0 ]; then
    echo "=== flight"
    bash tests/flight/run 2>&1 | tee "$build/flight.out" || lane_failed+=("flight")
    count_summary "$build/flight.out"
fi

echo "=== make distcheck"
if (cd "$build" && make -s distcheck >distcheck.out 2>&1); then
    echo "distcheck: ok"
    passed=$((passed + 1))
else
    tail -n 40 "$build/distcheck.out"
    lane_failed+=("distcheck")
    failed=$((failed + 1))
fi

if [ ${#lane_failed[@]} -gt 0 ]; then
    echo "FAILED: ${lane_failed[*]}"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ ${#lane_failed[@]} -eq 0 ]
