# At host b, after the encrypted move: the guest's tick count goes on
# from where it was (it is in its memory).
set -e
. /flight/steps/flight-lib.sh
t=$(peer_do last_tick)
peer_do wait_tick "$t" 120
echo "ts-guest-alive-remote: host b's guest ticks $t -> $(peer_do last_tick)"
