# Host b of the two-host flight: serve host a (flight-link, from net-up)
# until a says it is done (/run/pair-done), at most 50 minutes.
. /flight/steps/flight-lib.sh
n=0
while [ ! -f /run/pair-done ]; do
    n=$((n + 1))
    [ $n -le 3000 ] || { echo "host a never said it was done"; exit 1; }
    sleep 1
done
echo "host a is done after $n s"
xl list
