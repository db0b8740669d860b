# The guest's marker was on the wire of the plain migration and is nowhere
# in the encrypted one's.
set -e
. /flight/steps/flight-lib.sh
echo "plain:     $(tap plain bytes) bytes, $(tap plain markers) markers"
echo "encrypted: $(tap enc bytes) bytes, $(tap enc markers) markers"
[ "$(tap plain markers)" -gt 1000 ]
[ "$(tap enc markers)" -eq 0 ]
[ "$(tap enc bytes)" -gt 100000000 ]
echo "ts-no-plaintext-on-wire: $(tap plain markers) markers in clear," \
     "0 encrypted"
