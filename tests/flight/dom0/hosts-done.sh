# Host a is done: host b may finish (its serve-peer step ends, its
# dmesg-clean runs and it powers off).
set -e
. /flight/steps/flight-lib.sh
on_peer 'touch /run/pair-done'
