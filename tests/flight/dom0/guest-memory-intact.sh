# The pattern the guest wrote at boot still has its checksum, as the guest
# itself computes it after the encrypted migration.
set -e
. /flight/steps/flight-lib.sh
before=$(cat /run/enc-before)
want=$(boot_sum)
got=$(check_after "$before" 120)
echo "boot checksum $want"
echo "after the move (tick ${got% *}): ${got#* }"
[ -n "$want" ]
[ "${got#* }" = "$want" ]
echo "ts-guest-memory-intact: 4 MiB pattern checksum unchanged"
