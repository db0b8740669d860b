#!/bin/bash
# The tamper matrix again with the guest on two streams: every record
# dropped, duplicated, swapped (so moved to the other stream), replayed
# or taken from another session, and every field flipped, must still be
# refused with the source's guest intact.
exec ./tests/tamper --streams 2 "$@"
