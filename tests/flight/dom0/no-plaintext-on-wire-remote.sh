# The taps' view (the build host reads QEMU's capture of the wire too):
# the plain migration carried the marker, the encrypted ones none.
set -e
. /flight/steps/flight-lib.sh
echo "plain a->b:     $(tap plain bytes) bytes, $(tap plain markers) markers"
echo "encrypted a->b: $(tap enc bytes) bytes, $(tap enc markers) markers"
echo "encrypted b->a: $(peer_do tap back bytes) bytes," \
     "$(peer_do tap back markers) markers"
[ "$(tap plain markers)" -gt 1000 ]
[ "$(tap enc markers)" -eq 0 ]
[ "$(peer_do tap back markers)" -eq 0 ]
