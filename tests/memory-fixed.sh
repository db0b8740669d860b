#!/bin/bash
# A migration costs fixed memory: migrate a 256 MiB and a 2 GiB guest on
# loopback and compare the source's migration buffers (equal) and its peak
# RSS less the guest's memory (within 8 MiB of each other).
set -u

encmig=${ENCMIG:-./tools/libxl-encmig/encmig}
dir=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$dir"' EXIT

# Each end its own key: the destination pinned, the source authorized.
"$encmig" keygen --keydir "$dir/a" >/dev/null || exit 1
"$encmig" keygen --keydir "$dir/b" >/dev/null || exit 1
echo "127.0.0.1 $(cut -d' ' -f1,2 "$dir/b/host_ed25519_key.pub")" > "$dir/known_hosts"
echo "source $(cut -d' ' -f1,2 "$dir/a/host_ed25519_key.pub")" > "$dir/b/authorized_sources"

# run SIZE PORT: prints "buffer_bytes overhead_bytes"
run() {
    local size=$1 port=$2 out
    "$encmig" migrate-receive --listen "127.0.0.1:$port" --keydir "$dir/b" \
        2>"$dir/recv-$size.log" &
    for _ in $(seq 100); do
        grep -q "waiting for a migration" "$dir/recv-$size.log" && break
        sleep 0.1
    done
    out=$(timeout 300 "$encmig" migrate --json --keydir "$dir/a" \
        --known-hosts "$dir/known_hosts" --guest-mem "$size" \
        --dirty-rate 5000 guest "127.0.0.1:$port" 2>"$dir/send-$size.log")
    wait $! || { cat "$dir/recv-$size.log" >&2; return 1; }
    grep -q '"verified": true' <<<"$out" || { echo "$out" >&2; return 1; }
    python3 - "$out" <<'PY'
import json, sys
j = json.loads(sys.argv[1])
print(j["buffer_bytes"], j["peak_rss_kib"] * 1024 - j["guest_bytes"])
PY
}

small=$(run 256M 8112) || { echo "0 passed, 1 failed"; exit 1; }
large=$(run 2G 8113) || { echo "0 passed, 1 failed"; exit 1; }
read -r buf_s over_s <<<"$small"
read -r buf_l over_l <<<"$large"
diff=$((over_l > over_s ? over_l - over_s : over_s - over_l))
echo "256 MiB guest: buffers $buf_s bytes, RSS beyond the guest $((over_s >> 10)) KiB"
echo "2 GiB guest:   buffers $buf_l bytes, RSS beyond the guest $((over_l >> 10)) KiB"
echo "difference:    $((diff >> 10)) KiB (limit 8192 KiB)"
if [ "$buf_s" -eq "$buf_l" ] && [ "$diff" -lt $((8 << 20)) ]; then
    echo "1 passed, 0 failed"
else
    echo "0 passed, 1 failed"
    exit 1
fi
