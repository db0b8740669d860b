#!/bin/bash
# A short run of every libFuzzer target over its committed seed corpus.
# Usage: scripts/fuzz-smoke.sh [BUILDDIR]        (default: build, in the tree)
#   FUZZ_SECONDS=N   seconds per target (default 60; 0: only replay the corpus)
#   CC_FUZZ=CC       the clang that builds the targets (default clang)
# Builds `make fuzz` in BUILDDIR (configuring it if it has no Makefile),
# copies each corpus to a scratch directory and fuzzes that, so the
# committed corpus is never touched.  A crash, leak, timeout or
# out-of-memory fails its target; the input is kept under
# BUILDDIR/tests/fuzz/artifacts/.  Installs nothing: scripts/deps.sh does.
# The last line is "N passed, N failed".
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$top/build}
mkdir -p "$build" && build=$(cd "$build" && pwd)
seconds=${FUZZ_SECONDS:-60}
cc=${CC_FUZZ:-clang}

# target  -max_len: the largest input worth mutating
targets=(
    "stream 65536"
    "handshake 8192"
    "import 8192"
    "xg 4096"
)

passed=0
failed=0

echo "=== fuzz smoke: ${seconds}s per target in $build"

summary() {
    echo "$passed passed, $failed failed"
    [ "$failed" -eq 0 ]
}

build_failed() {
    echo "fuzz: $*"
    failed=$((failed + ${#targets[@]}))
    summary
    exit 1
}

command -v "$cc" >/dev/null ||
    build_failed "$cc not found (scripts/deps.sh installs clang and" \
                 "libclang-rt-dev)"
if [ ! -f "$build/Makefile" ]; then
    if [ ! -x "$top/configure" ]; then
        (cd "$top" && ./autogen.sh >/dev/null 2>&1) ||
            build_failed "autogen.sh failed"
    fi
    (cd "$build" && "$top/configure" -q --with-xen=auto) ||
        build_failed "configure failed"
fi
(cd "$build" && make -s fuzz CC_FUZZ="$cc" >fuzz-build.log 2>&1) || {
    tail -n 30 "$build/fuzz-build.log"
    build_failed "make fuzz failed (log: $build/fuzz-build.log)"
}

work=$(mktemp -d "${TMPDIR:-/tmp}/encmig-fuzz-smoke.XXXXXX")
trap 'rm -rf "$work"' EXIT
artifacts=$build/tests/fuzz/artifacts
mkdir -p "$artifacts"

for t in "${targets[@]}"; do
    read -r name maxlen <<<"$t"
    bin=$build/tests/fuzz/fuzz-$name
    corpus=$work/corpus-$name
    log=$work/$name.log
    mkdir -p "$corpus" "$work/tmp-$name" "$work/art-$name"
    cp "$top/tests/fuzz/corpus/$name/"* "$corpus/"
    if [ "$seconds" -gt 0 ]; then
        run=(-max_total_time="$seconds")
    else
        run=(-runs=0)
    fi

    # The targets make their scratch files under TMPDIR; libFuzzer's
    # -timeout catches a hung input, timeout(1) a hung libFuzzer.
    TMPDIR=$work/tmp-$name \
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
        timeout --kill-after=10 $((seconds + 300)) \
        "$bin" "${run[@]}" -max_len="$maxlen" -timeout=20 \
        -rss_limit_mb=4096 -print_final_stats=1 \
        -artifact_prefix="$work/art-$name/" "$corpus" >"$log" 2>&1
    rc=$?

    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    cov=$(grep -oE '(DONE|INITED) +cov: [0-9]+ ft: [0-9]+' "$log" | tail -n 1 |
          sed -E 's/.*cov: ([0-9]+) ft: ([0-9]+)/cov \1, ft \2/')
    # Slow units are written there too, and are not failures.
    found=$(ls "$work/art-$name" 2>/dev/null |
            grep -E '^(crash|leak|timeout|oom)-' | head -n 1)
    if [ "$rc" -eq 0 ] && [ -z "$found" ]; then
        echo "fuzz-$name: ok, ${execs:-?} executions, ${cov:-no coverage line}"
        passed=$((passed + 1))
    else
        echo "fuzz-$name: FAILED (exit $rc), ${execs:-?} executions"
        grep -E 'ERROR: |SUMMARY: |fuzz invariant: |^    #[0-9]+ ' "$log" |
            head -n 30
        for a in "$work/art-$name"/*; do
            [ -f "$a" ] || continue
            cp "$a" "$artifacts/fuzz-$name-$(basename "$a")"
            echo "fuzz-$name: input kept in" \
                 "$artifacts/fuzz-$name-$(basename "$a")"
        done
        cp "$log" "$artifacts/fuzz-$name.log"
        echo "fuzz-$name: log in $artifacts/fuzz-$name.log"
        failed=$((failed + 1))
    fi
done

summary
