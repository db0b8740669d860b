/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * wiretap: the flight's view of a migration stream in transit.
 *
 *   flight-wiretap REPORT [FLIP_AT | after:TEXT:SKIP]
 *
 * Copies standard input to standard output, as the wire between xl and
 * xl migrate-receive.  Counts the bytes and the occurrences of two
 * markers: the guest's memory marker (FLIGHT_MARKER, default below; the
 * guest writes it all over its memory) and its register marker
 * (FLIGHT_REG_MARKER, default from regmarker.h; a guest process keeps it
 * in its registers), and tells for each which part of the stream it was
 * in (wire-records.h): a found register marker in a vCPU's saved state is
 * the registers themselves, one in page data a copy the guest's kernel
 * spilled to memory.  With FLIP_AT it flips one bit of the byte at that
 * offset, as an attacker on the wire would; with after:TEXT:SKIP, of the
 * byte SKIP bytes after the first TEXT (e.g. in the MAC behind one of
 * xl's fixed messages).  At the end of the stream it writes
 *
 *   bytes N
 *   markers N
 *   regmarkers N
 *   regmarkers-vcpu N                  (of those, in vCPU-state records)
 *   flipped OFFSET|none
 *   libxc-records N
 *   libxc-end yes|no|broken            (its END seen; a record made no sense)
 *   markers-in PART N                  (a line for each part with any)
 *   regmarkers-in PART N
 *   vcpu-records TYPE N                (records of vCPU state, by type)
 *   regmarkers-at PART+OFFSET ...      (the first few in vCPU-state records,
 *                                       OFFSET from the start of the body)
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

#include "io-util.h"
#include "regmarker.h"
#include "wire-records.h"

#define CHUNK     (256 * 1024)
#define MAX_MARK  64
#define MAX_PARTS 64      /* parts of the stream a marker is tallied in */
#define MAX_AT    32      /* offsets of register markers in vCPU state */

struct marker {
    const char *name;     /* in the report */
    const char *text;
    size_t len;
    uint64_t total, vcpu;
};

/*
 * How many of each marker (0: memory, 1: register) each part held, and
 * how many records of the part's type there were.
 */
static struct tally {
    uint32_t type;
    uint64_t hits[2];
    uint64_t records;
} parts[MAX_PARTS];
static size_t nr_parts;

static struct wire_part at_part[MAX_AT];
static uint64_t at_off[MAX_AT];
static size_t nr_at;

/* The part's line in parts[], or NULL when they are all taken. */
static struct tally *part_of(uint32_t type)
{
    size_t i;

    for ( i = 0; i < nr_parts && parts[i].type != type; i++ )
        ;
    if ( i == nr_parts && nr_parts < MAX_PARTS )
        parts[nr_parts++].type = type;
    return i < nr_parts ? &parts[i] : NULL;
}

static void count_hit(struct marker *m, int which, struct wire_part part,
                      uint64_t at)
{
    struct tally *p = part_of(part.type);

    m->total++;
    if ( p )
        p->hits[which]++;
    if ( !wire_is_vcpu(part.type) )
        return;
    m->vcpu++;
    if ( which == 1 && nr_at < MAX_AT )
    {
        at_part[nr_at] = part;
        at_off[nr_at++] = at - part.at - 8;     /* past the record header */
    }
}

/*
 * Marker m in buf (whose first byte is at offset base), only where it can
 * end in the bytes past carry: none is counted twice.
 */
static void find(struct marker *m, int which, const struct wire_walk *w,
                 const uint8_t *buf, size_t carry, const uint8_t *end,
                 uint64_t base)
{
    const uint8_t *p = buf + (carry > m->len - 1 ? carry - (m->len - 1) : 0);

    for ( ; (p = memmem(p, end - p, m->text, m->len)); p += m->len )
        count_hit(m, which, wire_where(w, base + (p - buf)), base + (p - buf));
}

static int by_type(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

    return x < y ? -1 : x > y;
}

static const char *part_name(uint32_t type, char *tmp, size_t size)
{
    const char *name = wire_name(type);

    if ( name )
        return name;
    snprintf(tmp, size, "0x%x", type);
    return tmp;
}

static int report(const char *path, const struct marker *mem,
                  const struct marker *reg, const struct wire_walk *w,
                  int flipped, uint64_t flip_at, uint64_t bytes)
{
    char tmp[4096], n1[16];
    size_t i;
    FILE *f;

    /* Whole or not at all: the flight reads it as soon as it exists. */
    snprintf(tmp, sizeof(tmp), "%s.tmp", path);
    f = fopen(tmp, "w");
    if ( !f )
        return 1;
    fprintf(f, "bytes %llu\nmarkers %llu\nregmarkers %llu\n"
            "regmarkers-vcpu %llu\n", (unsigned long long)bytes,
            (unsigned long long)mem->total, (unsigned long long)reg->total,
            (unsigned long long)reg->vcpu);
    if ( flipped )
        fprintf(f, "flipped %llu\n", (unsigned long long)flip_at);
    else
        fprintf(f, "flipped none\n");
    qsort(parts, nr_parts, sizeof(parts[0]), by_type);
    fprintf(f, "libxc-records %llu\nlibxc-end %s\n",
            (unsigned long long)w->records,
            w->broken ? "broken" : w->ended ? "yes" : "no");
    for ( i = 0; i < nr_parts; i++ )
    {
        const char *name = part_name(parts[i].type, n1, sizeof(n1));

        if ( parts[i].hits[0] )
            fprintf(f, "%s-in %s %llu\n", mem->name, name,
                    (unsigned long long)parts[i].hits[0]);
        if ( parts[i].hits[1] )
            fprintf(f, "%s-in %s %llu\n", reg->name, name,
                    (unsigned long long)parts[i].hits[1]);
    }
    /* Which records carried vCPU state: in the clear, or sealed. */
    for ( i = 0; i < nr_parts; i++ )
        if ( wire_is_vcpu(parts[i].type) && parts[i].records )
            fprintf(f, "vcpu-records %s %llu\n",
                    part_name(parts[i].type, n1, sizeof(n1)),
                    (unsigned long long)parts[i].records);
    if ( nr_at )
    {
        fprintf(f, "%s-at", reg->name);
        for ( i = 0; i < nr_at; i++ )
            fprintf(f, " %s+%llu", part_name(at_part[i].type, n1, sizeof(n1)),
                    (unsigned long long)at_off[i]);
        fprintf(f, "\n");
    }
    if ( fclose(f) || rename(tmp, path) )
        return 1;
    return 0;
}

int main(int argc, char **argv)
{
    static uint8_t buf[MAX_MARK + CHUNK];
    struct marker mem = { .name = "markers",
                          .text = getenv("FLIGHT_MARKER") };
    struct marker reg = { .name = "regmarkers",
                          .text = getenv("FLIGHT_REG_MARKER") };
    uint64_t bytes = 0, flip_at = UINT64_MAX, skip = 0;
    char after[MAX_MARK + 1] = "";
    size_t keep, alen = 0, carry = 0, begun;
    int flipped = 0, rc = 0;
    struct wire_walk w;

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
    if ( !mem.text || !*mem.text )
        mem.text = "ENCMIG-FLIGHT-MARKER";
    if ( !reg.text || !*reg.text )
        reg.text = FLIGHT_REG_MARK_LO FLIGHT_REG_MARK_HI;
    mem.len = strlen(mem.text);
    reg.len = strlen(reg.text);
    if ( mem.len > MAX_MARK || reg.len > MAX_MARK )
        return 2;
    /* What the next chunk's search needs of this one's end. */
    keep = mem.len > reg.len ? mem.len : reg.len;
    keep = (keep > alen ? keep : alen) - 1;
    wire_init(&w);
    signal(SIGPIPE, SIG_IGN);

    for ( ;; )
    {
        ssize_t n = read(0, buf + carry, CHUNK);
        const uint8_t *p, *end;
        uint64_t base = bytes - carry;    /* the offset of buf[0] */

        if ( n < 0 && errno == EINTR )
            continue;
        if ( n <= 0 )
        {
            rc = n < 0;
            break;
        }
        end = buf + carry + n;
        if ( alen && flip_at == UINT64_MAX &&
             (p = memmem(buf, end - buf, after, alen)) )
            flip_at = base + (p - buf) + alen + skip;
        if ( flip_at >= bytes && flip_at < bytes + n )
        {
            buf[carry + (flip_at - bytes)] ^= 0x10;
            flipped = 1;
        }
        /* The walk and the markers see the bytes as they go on. */
        begun = w.n;
        if ( wire_feed(&w, bytes, buf + carry, n) )
        {
            rc = 1;
            break;
        }
        for ( ; begun < w.n; begun++ )
        {
            struct tally *p = part_of(w.q[begun].type);

            if ( p )
                p->records++;
        }
        bytes += n;
        find(&mem, 0, &w, buf, carry, end, base);
        find(&reg, 1, &w, buf, carry, end, base);
        if ( bytes > keep )
            wire_forget(&w, bytes - keep);

        if ( flight_write_all(1, buf + carry, n) )
        {
            rc = 1;
            break;
        }
        carry = keep;
        if ( carry > (size_t)(end - buf) )
            carry = end - buf;
        memmove(buf, end - carry, carry);
    }

    if ( report(argv[1], &mem, &reg, &w, flipped, flip_at, bytes) )
        return 1;
    return rc;
}
