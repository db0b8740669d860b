/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * rectap: an attacker on the wire who knows libxc's record framing.
 *
 *   flight-rectap REPORT [libxl:]TYPE:ACTION
 *
 * Copies standard input to standard output, as the wire between xl and
 * xl migrate-receive, until libxc's image header (Xen's
 * docs/specs/libxc-migration-stream.pandoc: 8 bytes 0xff, "XENF"), then
 * record by record up to libxc's END, then, for a libxl: target, libxl's
 * sealed frames up to libxl's END (docs/stream.md: u32le type, u32le
 * length, ciphertext, 16-byte tag; no padding), then the rest as it
 * comes.  The first record of TYPE (e.g. 0x14, ENCMIG_STATE; libxl:3,
 * the device model's EMULATOR_CONTEXT) suffers ACTION:
 *
 *   flip:OFF   one bit of its body's byte OFF flipped
 *   drop       left out
 *   dup        sent twice (a replay)
 *   swap       sent after the record that follows it (a reorder)
 *   hold:DIR   its body kept as DIR/batch, DIR/held made, and the record
 *              sent on once DIR/go exists (the no-key-in-dom0 step looks
 *              through dom0 while the migration waits half-way)
 *   pass       nothing: the stream is only watched
 *
 * and REPORT gets "done ACTION TYPE at OFFSET" or "done none", then
 * "batches N" and "streams M": the ENCMIG_PAGES records that passed and
 * how many streams they came on (docs/stream.md, sections 3 and 6).
 * Nothing else of the stream is kept.
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

#define IHDR_SIZE   24           /* libxc's image header */
#define DHDR_SIZE   16           /* and its domain header */
#define BODY_MAX    (128U << 20) /* libxc's own limit on a record */
#define REC_END     0            /* libxc's END, and libxl's */
#define REC_PAGES   0x13         /* ENCMIG_PAGES: u32le count, u32le stream */
#define STREAMS_MAX 16
#define FRAME_TAG   16           /* after each of libxl's sealed frames */
#define HOLD_MAX    1800         /* seconds a held record waits for DIR/go */

static const uint8_t magic[12] = {
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 'X', 'E', 'N', 'F',
};

struct rec {
    uint8_t hdr[8];
    uint8_t *body;
    uint32_t type, padded;      /* padded: all that follows the header */
};

/* What is attacked, and how. */
struct attack {
    unsigned long type;
    const char *action;
    unsigned long flip;
    int done;
    uint64_t at;
    struct rec held;            /* swap: waits for the next record */
};

static uint64_t out_off;

/* ENCMIG_PAGES records passed on, and the streams they named. */
static uint64_t batches;
static uint32_t streams_seen;    /* bit s: stream s; bit 31: out of range */

static void watch(const struct rec *r)
{
    uint32_t stream;

    if ( r->type != REC_PAGES || r->padded < 8 )
        return;
    memcpy(&stream, r->body + 4, 4);     /* little-endian, as is x86 */
    batches++;
    streams_seen |= stream < STREAMS_MAX ? 1U << stream : 1U << 31;
}

/* Bytes read ahead while looking for libxc's header, served first. */
static uint8_t ahead[64 * 1024];
static size_t ahead_at, ahead_len;

static int read_full(uint8_t *p, size_t len)
{
    size_t n = ahead_len - ahead_at < len ? ahead_len - ahead_at : len;

    memcpy(p, ahead + ahead_at, n);
    ahead_at += n;
    p += n;
    len -= n;
    return flight_read_all(0, p, len);
}

static int write_full(const uint8_t *p, size_t len)
{
    out_off += len;
    return flight_write_all(1, p, len);
}

/*
 * Copy up to and including libxc's two headers; -1 if they never come.
 * Every byte is passed on as soon as it is read: the handshake before
 * them is a conversation, and a byte held back could stall it.
 */
static int to_libxc(void)
{
    uint8_t rest[IHDR_SIZE + DHDR_SIZE - sizeof(magic)];
    unsigned int ffs = 0, tail = 0;
    ssize_t n;
    size_t i;

    for ( ;; )
    {
        n = read(0, ahead, sizeof(ahead));
        if ( n < 0 && errno == EINTR )
            continue;
        if ( n <= 0 )
            return -1;
        for ( i = 0; i < (size_t)n; i++ )
        {
            uint8_t c = ahead[i];

            if ( tail && c == magic[8 + tail] )
            {
                if ( ++tail == 4 )
                    break;
                continue;
            }
            tail = 0;
            if ( c == 0xff )
                ffs += ffs < 8;
            else
            {
                tail = c == magic[8] && ffs == 8;
                ffs = 0;
            }
        }
        if ( i < (size_t)n )
        {
            ahead_at = i + 1;
            ahead_len = n;
            if ( write_full(ahead, ahead_at) )
                return -1;
            break;
        }
        if ( write_full(ahead, n) )
            return -1;
    }
    if ( read_full(rest, sizeof(rest)) || write_full(rest, sizeof(rest)) )
        return -1;
    return 0;
}

/* A record of libxc's, or (frame) one of libxl's sealed frames. */
static int rec_read(struct rec *r, int frame)
{
    uint32_t len;

    if ( read_full(r->hdr, sizeof(r->hdr)) )
        return -1;
    memcpy(&r->type, r->hdr, 4);
    memcpy(&len, r->hdr + 4, 4);
    if ( len > BODY_MAX )
        return -1;
    r->padded = frame ? len + FRAME_TAG : (len + 7) & ~7U;
    r->body = malloc(r->padded ? r->padded : 1);
    if ( !r->body || read_full(r->body, r->padded) )
        return -1;
    return 0;
}

/* hold:DIR: keep r's body, say so, wait for the go.  0 or -1. */
static int hold(const char *dir, const struct rec *r)
{
    char path[4096];
    unsigned int tenths;
    FILE *f;

    snprintf(path, sizeof(path), "%s/batch", dir);
    if ( !(f = fopen(path, "wb")) )
        return -1;
    if ( fwrite(r->body, 1, r->padded, f) != r->padded )
    {
        fclose(f);
        return -1;
    }
    if ( fclose(f) )
        return -1;
    snprintf(path, sizeof(path), "%s/held", dir);
    if ( !(f = fopen(path, "w")) || fclose(f) )
        return -1;
    snprintf(path, sizeof(path), "%s/go", dir);
    for ( tenths = 0; tenths < HOLD_MAX * 10; tenths++ )
    {
        if ( !access(path, F_OK) )
            return 0;
        usleep(100000);
    }
    fprintf(stderr, "flight-rectap: no %s after %u s\n", path, HOLD_MAX);
    return -1;
}

static int rec_write(const struct rec *r)
{
    return write_full(r->hdr, sizeof(r->hdr)) ||
           write_full(r->body, r->padded) ? -1 : 0;
}

/* The rest of the stream (libxl's and xl's bytes), as it comes. */
static int copy_rest(void)
{
    static uint8_t buf[64 * 1024];
    ssize_t n;

    if ( ahead_at < ahead_len &&
         write_full(ahead + ahead_at, ahead_len - ahead_at) )
        return -1;
    ahead_at = ahead_len;

    while ( (n = read(0, buf, sizeof(buf))) != 0 )
    {
        if ( n < 0 && errno == EINTR )
            continue;
        if ( n < 0 || write_full(buf, n) )
            return -1;
    }
    return 0;
}

/*
 * Records (or frames) up to and including the END, the first of the
 * attack's type attacked when armed.  0 at the END, -1 if the stream
 * broke first.
 */
static int pass_records(struct attack *a, int frame, int armed)
{
    struct rec r;

    for ( ;; )
    {
        if ( rec_read(&r, frame) )
            return -1;
        if ( armed && !a->done && r.type == a->type &&
             strcmp(a->action, "pass") &&
             (strncmp(a->action, "flip:", 5) || a->flip < r.padded) )
        {
            a->done = 1;
            a->at = out_off;
            if ( !strcmp(a->action, "drop") )
            {
                free(r.body);
                continue;
            }
            if ( !strcmp(a->action, "swap") )
            {
                a->held = r;
                continue;
            }
            if ( !strcmp(a->action, "dup") && rec_write(&r) )
                return -1;
            if ( !strncmp(a->action, "hold:", 5) && hold(a->action + 5, &r) )
                return -1;
            if ( !strncmp(a->action, "flip:", 5) )
                r.body[a->flip] ^= 0x04;
        }
        if ( !frame )
            watch(&r);
        if ( rec_write(&r) )
            return -1;
        if ( a->held.body && a->held.body != r.body )
        {
            if ( rec_write(&a->held) )
                return -1;
            free(a->held.body);
            a->held.body = NULL;
        }
        free(r.body);
        if ( r.type == REC_END )
            return 0;
    }
}

int main(int argc, char **argv)
{
    struct attack a = { .held.body = NULL };
    const char *spec;
    char *end;
    int libxl = 0, rc = 1;
    FILE *f;

    signal(SIGPIPE, SIG_IGN);
    if ( argc != 3 )
        goto usage;
    spec = argv[2];
    if ( !strncmp(spec, "libxl:", 6) )
    {
        libxl = 1;
        spec += 6;
    }
    if ( !(a.action = strchr(spec, ':')) )
        goto usage;
    a.type = strtoul(spec, &end, 0);
    a.action++;
    if ( end != a.action - 1 ||
         (strncmp(a.action, "flip:", 5) && strcmp(a.action, "drop") &&
          strcmp(a.action, "pass") &&
          strcmp(a.action, "dup") && strcmp(a.action, "swap") &&
          (strncmp(a.action, "hold:", 5) || !a.action[5])) )
    {
        fprintf(stderr, "flight-rectap: bad action %s\n", argv[2]);
        return 2;
    }
    if ( !strncmp(a.action, "flip:", 5) )
        a.flip = strtoul(a.action + 5, NULL, 0);

    if ( to_libxc() || pass_records(&a, 0, !libxl) ||
         (libxl && pass_records(&a, 1, 1)) )
        goto out;
    rc = copy_rest();

 out:
    f = fopen(argv[1], "w");
    if ( f )
    {
        if ( a.done )
            fprintf(f, "done %s %s%#lx at %llu\n", a.action,
                    libxl ? "libxl:" : "", a.type,
                    (unsigned long long)a.at);
        else
            fprintf(f, "done none\n");
        fprintf(f, "batches %llu\nstreams %d\n", (unsigned long long)batches,
                streams_seen >> 31 ? -1 : __builtin_popcount(streams_seen));
        fclose(f);
    }
    return rc;

 usage:
    fprintf(stderr, "usage: flight-rectap REPORT [libxl:]TYPE:ACTION\n");
    return 2;
}
