/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * wiretap: the flight's view of a migration stream in transit.
 *
 *   flight-wiretap REPORT [FLIP_AT | after:TEXT:SKIP]
 *
 * Copies standard input to standard output, as the wire between xl and
 * xl migrate-receive.  Counts the bytes and the occurrences of the guest's
 * marker (FLIGHT_MARKER, default below; the guest writes it all over its
 * memory), and with FLIP_AT flips one bit of the byte at that offset, as
 * an attacker on the wire would; with after:TEXT:SKIP, of the byte SKIP
 * bytes after the first TEXT (e.g. in the MAC behind one of xl's fixed
 * messages).  At the end of the stream it writes
 *
 *   bytes N
 *   markers N
 *   flipped OFFSET|none
 *
 * to REPORT.  Nothing of the stream itself is kept.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CHUNK     (256 * 1024)
#define MAX_MARK  64

static int write_all(int fd, const uint8_t *p, size_t len)
{
    while ( len )
    {
        ssize_t n = write(fd, p, len);

        if ( n < 0 && errno == EINTR )
            continue;
        if ( n <= 0 )
            return -1;
        p += n;
        len -= n;
    }
    return 0;
}

int main(int argc, char **argv)
{
    const char *marker = getenv("FLIGHT_MARKER");
    static uint8_t buf[MAX_MARK + CHUNK];
    uint64_t bytes = 0, markers = 0, flip_at = UINT64_MAX, skip = 0;
    char after[MAX_MARK + 1] = "";
    size_t mlen, alen = 0, carry = 0;
    int flipped = 0, rc = 0;
    char tmp[4096];
    FILE *f;

    if ( argc < 2 || argc > 3 )
    {
        fprintf(stderr, "usage: flight-wiretap REPORT [FLIP_AT]\n");
        return 2;
    }
    if ( argc == 3 && !strncmp(argv[2], "after:", 6) )
    {
        const char *t = argv[2] + 6, *colon = strrchr(t, ':');

        if ( !colon || colon == t || (size_t)(colon - t) > MAX_MARK )
            return 2;
        alen = colon - t;
        memcpy(after, t, alen);
        skip = strtoull(colon + 1, NULL, 0);
    }
    else if ( argc == 3 )
        flip_at = strtoull(argv[2], NULL, 0);
    if ( !marker || !*marker )
        marker = "ENCMIG-FLIGHT-MARKER";
    mlen = strlen(marker);
    if ( mlen > MAX_MARK )
        return 2;
    signal(SIGPIPE, SIG_IGN);

    for ( ;; )
    {
        ssize_t n = read(0, buf + carry, CHUNK);
        const uint8_t *p, *end;

        if ( n < 0 && errno == EINTR )
            continue;
        if ( n <= 0 )
        {
            rc = n < 0;
            break;
        }
        /* Markers, across the chunk boundary too (carry holds the tail). */
        end = buf + carry + n;
        if ( alen && flip_at == UINT64_MAX &&
             (p = memmem(buf, end - buf, after, alen)) )
            flip_at = bytes - carry + (p - buf) + alen + skip;
        if ( flip_at >= bytes && flip_at < bytes + n )
        {
            buf[carry + (flip_at - bytes)] ^= 0x10;
            flipped = 1;
        }
        bytes += n;

        /* Only where a marker can end in the new bytes: none twice. */
        p = buf + (carry > mlen - 1 ? carry - (mlen - 1) : 0);
        for ( ; (p = memmem(p, end - p, marker, mlen)); p += mlen )
            markers++;

        if ( write_all(1, buf + carry, n) )
        {
            rc = 1;
            break;
        }
        carry = (mlen > alen ? mlen : alen) - 1;
        if ( carry > (size_t)(end - buf) )
            carry = end - buf;
        memmove(buf, end - carry, carry);
    }

    /* Whole or not at all: the flight reads it as soon as it exists. */
    snprintf(tmp, sizeof(tmp), "%s.tmp", argv[1]);
    f = fopen(tmp, "w");
    if ( !f )
        return 1;
    fprintf(f, "bytes %llu\nmarkers %llu\n", (unsigned long long)bytes,
            (unsigned long long)markers);
    if ( flipped )
        fprintf(f, "flipped %llu\n", (unsigned long long)flip_at);
    else
        fprintf(f, "flipped none\n");
    if ( fclose(f) || rename(tmp, argv[1]) )
        return 1;
    return rc;
}
