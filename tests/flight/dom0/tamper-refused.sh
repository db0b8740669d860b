# One bit flipped in transit: the destination refuses the stream, no
# guest is left there, and the source's guest runs on, untouched.  The
# same for one bit of xl's configuration message, and for the MAC of its
# "go" message.  Then a destination whose host key is not pinned, and a
# source the destination does not list: refused before anything of the
# guest is sent.
set -e
. /flight/steps/flight-lib.sh
old=$(guest_domid)
refused_flip tamper $((64 * 1024 * 1024 + 12345))
xl dmesg | grep encmig | tail -n 3

# One bit of xl's configuration message (after the 128-byte HELLO, the
# 72-byte SOURCE_AUTH, the level-1 message with its MAC, 36 bytes, and
# xl's 48-byte header), which the destination would parse: refused by
# its MAC, before anything is parsed or any domain made.
at=$((128 + 72 + 36 + 48 + 20))
if FLIGHT_TAP_FLIP_AT=$at migrate config --encrypted; then
    echo "FAIL: a tampered configuration was accepted"
    exit 1
fi
echo "flipped at byte $(tap config flipped) of $(tap config bytes)"
grep -q "configuration failed authentication" /run/xl-config.log
[ "$(guest_domid)" = "$old" ]
no_session "$old"
guest_running
echo "tampered configuration refused"

# One bit of the MAC behind xl's "go" message (the domain is suspended by
# then, and the source has given it up): the destination refuses to start
# its copy, destroys it and says so, authenticated; the source resumes.
go="domain is yours, you are cleared to unpause"
before=$(last_tick)
if FLIGHT_TAP_FLIP_AT="after:$go:5" migrate gomac --encrypted; then
    echo "FAIL: a forged go message was accepted"
    exit 1
fi
echo "flipped at byte $(tap gomac flipped) of $(tap gomac bytes)"
grep -q "GO message failed authentication" /run/xl-gomac.log
grep -q "Resumed OK" /run/xl-gomac.log
[ "$(guest_domid)" = "$old" ]
no_session "$old"
guest_running
wait_tick "$before" 120
echo "forged go refused; the source resumed its guest, ticking at $(last_tick)"

# refused NAME FILE TEXT WHY: with /etc/encmig/FILE holding only TEXT
# (empty: no file), an encrypted migration fails saying WHY, before
# anything of the guest has moved; FILE is restored either way.
refused() {
    f=/etc/encmig/$2
    mv "$f" "$f.saved"
    [ -z "$3" ] || echo "$3" > "$f"
    rc=0
    migrate "$1" --encrypted || rc=$?
    rm -f "$f"
    mv "$f.saved" "$f"
    if [ $rc -eq 0 ]; then
        echo "FAIL: $1: the migration was accepted"
        exit 1
    fi
    grep -q "$4" "/run/xl-$1.log"
    echo "$1 refused; wire carried $(tap "$1" bytes) bytes"
    [ "$(guest_domid)" = "$old" ]
    guest_running
}

refused unpinned known_hosts "" 'is not in /etc/encmig/known_hosts'
# A list with another host's key only (here 32 zero bytes).
refused unlisted authorized_sources \
    "other encmig-ed25519 AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=" \
    'is not authorized'
echo "ts-tamper-refused: flipped page, configuration and go message refused;" \
     "unpinned host and unlisted source refused"
