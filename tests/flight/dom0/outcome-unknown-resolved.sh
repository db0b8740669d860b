# The last word of the commit lost, so that the source cannot know where
# the guest runs: xl leaves it suspended as guest--migratedaway and says
# the state is undefined; `encmig resolve` settles it after a look at the
# destination.  Twice: the destination's report altered (the guest runs
# there: the source's copy is destroyed), and the destination's
# permission to resume altered after a refused GO (it runs nowhere: the
# source's copy is renamed back and resumed).
set -e
. /flight/steps/flight-lib.sh
report="my copy unpause results are as follows"
go="domain is yours, you are cleared to unpause"

# away: the domid of the copy xl left behind, after the undefined ending.
away() {
    grep -q "Domain state is now undefined" "/run/xl-$1.log"
    xl list > /run/list-$1
    cat /run/list-$1 >&2
    xl domid guest--migratedaway
}

# 1. The report's MAC (the status byte, then 32 bytes of MAC) altered.
before=$(last_tick)
if FLIGHT_TAP_BACK_FLIP_AT="after:$report:6" migrate lostreport --encrypted
then
    echo "FAIL: an altered report was accepted"
    exit 1
fi
echo "flipped at byte $(sed -n 's/^flipped //p' /run/tap-lostreport.back)" \
     "of the way back"
grep -q "the target's report failed authentication" /run/xl-lostreport.log
dom=$(away lostreport)
# It runs at the destination (here, as guest): destroy the paused copy.
xl list | awk '$1 == "guest" { n++ } END { exit n != 1 }'
encmig resolve "$dom" --destroy
guest_running
wait_tick "$before" 120
echo "report lost: the paused copy (domid $dom) destroyed; the guest runs" \
     "on as domid $(guest_domid), ticking at $(last_tick)"

# 2. GO altered (the destination refuses and destroys its copy), and the
# MAC of its permission to resume altered on the way back.
before=$(last_tick)
old=$(guest_domid)
if FLIGHT_TAP_FLIP_AT="after:$go:5" FLIGHT_TAP_BACK_FLIP_AT="after:$go:5" \
    migrate lostperm --encrypted
then
    echo "FAIL: a forged go message was accepted"
    exit 1
fi
grep -q "the permission to resume failed authentication" /run/xl-lostperm.log
dom=$(away lostperm)
[ "$dom" = "$old" ]
# Nothing runs anywhere: resume the paused copy, under its own name.
! xl list | awk '$1 == "guest"' | grep -q .
encmig resolve "$dom" --resume
guest_running
[ "$(guest_domid)" = "$old" ]
no_session "$old"
wait_tick "$before" 120
echo "permission lost: the paused copy (domid $old) resumed, ticking at" \
     "$(last_tick)"

# encmig resolve refuses a domain that xl did not leave behind.
if encmig resolve "$old" --destroy; then
    echo "FAIL: resolve destroyed a running guest"
    exit 1
fi
guest_running
echo "ts-outcome-unknown-resolved: report lost (destroyed here) and" \
     "permission lost (resumed here) settled with encmig resolve"
