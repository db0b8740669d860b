#!/bin/bash
# Live migration between two hosts in their own network namespaces, joined
# by a veth pair: encrypted and plain, each must verify, and only the plain
# one may show the guest's plaintext marker on the wire.  Needs root and
# network namespaces; skips (77) without them.  Addresses live only inside
# the two namespaces it makes, and everything is removed on exit.
set -u

encmig=${ENCMIG:-./tools/libxl-encmig/encmig}
[ "$(id -u)" -eq 0 ] || { echo "SKIP: not root"; exit 77; }
command -v ip >/dev/null || { echo "SKIP: no ip(8)"; exit 77; }

tag=$$
ns_a=encmig-a-$tag ns_b=encmig-b-$tag
veth_a=ema$tag veth_b=emb$tag
net=10.$((200 + tag % 50)).$((tag / 50 % 250)).
addr_a=${net}1 addr_b=${net}2
dir=$(mktemp -d)
pids=()

cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
    wait 2>/dev/null
    ip netns del "$ns_a" 2>/dev/null
    ip netns del "$ns_b" 2>/dev/null
    rm -rf "$dir"
}
trap cleanup EXIT

if ! ip netns add "$ns_a" 2>/dev/null; then
    echo "SKIP: cannot make network namespaces"
    exit 77
fi
ip netns add "$ns_b" || exit 1
ip link add "$veth_a" netns "$ns_a" type veth peer name "$veth_b" netns "$ns_b" || exit 1
ip -n "$ns_a" addr add "$addr_a/30" dev "$veth_a" &&
ip -n "$ns_b" addr add "$addr_b/30" dev "$veth_b" &&
ip -n "$ns_a" link set "$veth_a" up && ip -n "$ns_b" link set "$veth_b" up &&
ip -n "$ns_a" link set lo up && ip -n "$ns_b" link set lo up || exit 1

# Each end its own key: the destination pinned, the source authorized.
"$encmig" keygen --keydir "$dir/a" >/dev/null || exit 1
"$encmig" keygen --keydir "$dir/b" >/dev/null || exit 1
echo "$addr_b $(cut -d' ' -f1,2 "$dir/b/host_ed25519_key.pub")" > "$dir/known_hosts"
echo "$addr_a $(cut -d' ' -f1,2 "$dir/a/host_ed25519_key.pub")" > "$dir/b/authorized_sources"

failed=0
# migrate MODE PORT [--plain]
migrate() {
    local mode=$1 port=$2 out recv_opts=()
    shift 2
    # Nothing authenticates a plain migration's source.
    [ "$mode" = plain ] && recv_opts=(--any-source)
    ip netns exec "$ns_b" "$encmig" migrate-receive --listen "$addr_b:$port" \
        --keydir "$dir/b" "${recv_opts[@]}" 2>"$dir/recv-$mode.log" &
    pids+=($!)
    for _ in $(seq 100); do
        grep -q "waiting for a migration" "$dir/recv-$mode.log" && break
        sleep 0.1
    done
    out=$(timeout 120 ip netns exec "$ns_a" "$encmig" migrate --json \
        --keydir "$dir/a" --known-hosts "$dir/known_hosts" \
        --guest-mem 32M --dirty-rate 10000 "$@" guest "$addr_b:$port" \
        2>"$dir/send-$mode.log")
    wait "${pids[-1]}"
    local rc=$?
    echo "$mode: $out"
    if [ $rc -ne 0 ] || ! grep -q '"verified": true' <<<"$out"; then
        echo "FAIL: $mode migration between namespaces"
        cat "$dir/send-$mode.log" "$dir/recv-$mode.log"
        failed=$((failed + 1))
        return
    fi
    case $mode in
    encrypted) grep -q '"plaintext_found": false' <<<"$out" ||
                   { echo "FAIL: plaintext on the wire"; failed=$((failed + 1)); } ;;
    plain)     grep -q '"plaintext_found": true' <<<"$out" ||
                   { echo "FAIL: marker detector saw nothing"; failed=$((failed + 1)); } ;;
    esac
}

migrate encrypted 8102
migrate plain 8103 --plain

echo "$((2 - failed)) passed, $failed failed"
[ $failed -eq 0 ]
