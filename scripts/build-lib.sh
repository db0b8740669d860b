# shellcheck shell=bash
# scripts/build-lib.sh: what the flight's build scripts share (sourced by
# build-xen.sh, build-tools.sh and build-images.sh, after they set top,
# jobs and log).

XEN_VERSION=4.17.5+72-g01140da4e8-1

now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

# need_packages PKG...: install those that are missing (one apt-get update).
need_packages() {
    local need=() p
    for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
            grep -q "ok installed" || need+=("$p")
    done
    [ ${#need[@]} -gt 0 ] || return 0
    log "installing ${need[*]}"
    apt-get update -q >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
        --no-install-recommends "${need[@]}" >/dev/null
}

# input_hash: 16 hex digits over the pinned version and the contents of
# every file that the caller's inputs() lists (paths relative to top).
input_hash() {
    { echo "xen $XEN_VERSION"
      inputs | while read -r f; do
          echo "$f $(sha256sum < "$top/$f" | cut -d' ' -f1)"
      done
    } | sha256sum | cut -c1-16
}

# flight_make DIR TARGET...: make targets in DIR, encmig configured
# --with-xen=yes against the pinned libxen-dev (scripts/deps.sh).
flight_make() {
    local dir=$1
    shift
    if [ ! -x "$top/configure" ]; then
        (cd "$top" && ./autogen.sh >/dev/null 2>&1)
    fi
    mkdir -p "$dir"
    if [ ! -f "$dir/Makefile" ] || [ "$top/configure" -nt "$dir/Makefile" ]
    then
        (cd "$dir" && "$top/configure" -q --with-xen=yes)
    fi
    make -s -C "$dir" -j"$jobs" "$@" >/dev/null
}
