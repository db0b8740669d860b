# At host b, after the encrypted move: the guest's own checksum of its
# pattern equals the one it printed at boot at host a.
set -e
. /flight/steps/flight-lib.sh
t=$(peer_do last_tick)
got=$(peer_do check_after "$t" 180)
echo "pattern at host b: ${got#* } (boot at host a: $(cat /run/boot-sum))"
[ "${got#* }" = "$(cat /run/boot-sum)" ]
echo "ts-guest-memory-intact-remote: pattern intact at host b"
