/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * keyhunt.c: the no-key-in-dom0 step's trial, on the build host: does
 * anything dom0 held while a migration waited half-way open one of that
 * migration's page records?
 *
 * Usage: flight-keyhunt ARCHIVE OFFSET found|none
 *
 * ARCHIVE, from byte OFFSET, is what flight-memdump took of dom0
 * (memdump.h).  In it, the step's directory holds `known' (records of
 * the held batch whose pages begin with 32 zero bytes, from
 * flight-known-pages) and `handover.*' (the session xl handed to each
 * save/restore helper, copied by flight-handover).  Every 32-byte window,
 * at every byte offset, of every entry is tried as the page key and as
 * the key the page key is derived from, with each session id a handover
 * names (key-trial.h).  Windows with fewer than 16 distinct byte values
 * are passed over: a random key has so few with probability below 4e-17,
 * and they are most of memory (zeros, pointers, text).
 *
 * "found" passes when some window opens a record (the positive control,
 * at level 1); "none" when none does (level 2).  Where a window opens a
 * record is printed, never what it holds.
 *
 * That the scan reads the processes' memory where keys live is checked on
 * the way: xl holds the session's two control keys (docs/stream.md,
 * "Keys") for the whole migration at either level, and each must turn up
 * in some process's mapping, or the trial fails whatever it found.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "key-trial.h"
#include "memdump.h"
#include "../../tools/libxl-encmig/protocol/keys.h"
#include "../../tools/libxl-encmig/xl/xg-session.h"

#define WINDOW        32
#define MIN_DISTINCT  16
#define CHUNK         (4U << 20)
#define MAX_BEACONS   8

/* A key dom0 is meant to hold, to show that the scan would see one. */
struct beacon {
    uint8_t key[32];
    unsigned int seen;                  /* in process mappings */
    char first[MEMDUMP_NAME_MAX + 1];   /* the first of them */
};

struct entry {
    struct memdump_hdr h;
    char name[MEMDUMP_NAME_MAX + 1];
    uint64_t at;                        /* of its bytes, in the archive */
};

struct hunt {
    int fd;
    struct key_trial *t;
    uint64_t bytes, windows, tried;
    unsigned int hits, entries, unreadable, records, handovers;
    struct beacon beacon[MAX_BEACONS];
    unsigned int nr_beacons;
};

static void die(const char *what)
{
    fprintf(stderr, "flight-keyhunt: %s\n", what);
    exit(1);
}

static void get(int fd, void *p, size_t len, uint64_t at)
{
    uint8_t *b = p;

    while ( len )
    {
        ssize_t n = pread(fd, b, len, at);

        if ( n < 0 && errno == EINTR )
            continue;
        if ( n <= 0 )
            die("the archive ends early");
        b += n;
        len -= n;
        at += n;
    }
}

/* The entry at *at, moving *at past it; 0 at the archive's end. */
static int next(int fd, uint64_t *at, struct entry *e)
{
    get(fd, &e->h, sizeof(e->h), *at);
    if ( !memcmp(e->h.magic, MEMDUMP_END, sizeof(e->h.magic)) )
        return 0;
    if ( memcmp(e->h.magic, MEMDUMP_MAGIC, sizeof(e->h.magic)) ||
         e->h.name_len > MEMDUMP_NAME_MAX )
        die("not an archive of flight-memdump's");
    get(fd, e->name, e->h.name_len, *at + sizeof(e->h));
    e->name[e->h.name_len] = 0;
    e->at = *at + sizeof(e->h) + e->h.name_len;
    *at = e->at + e->h.len;
    return 1;
}

/* A key xl derives from km as xl does (keys.c), unless the other end's
 * handover gave it already. */
static void add_beacon(struct hunt *h, const uint8_t key[32])
{
    unsigned int i;

    for ( i = 0; i < h->nr_beacons; i++ )
        if ( !memcmp(h->beacon[i].key, key, 32) )
            return;
    if ( h->nr_beacons == MAX_BEACONS )
        die("too many handovers");
    memcpy(h->beacon[h->nr_beacons++].key, key, 32);
}

static int ends_with(const char *s, const char *tail)
{
    size_t a = strlen(s), b = strlen(tail);

    return a >= b && !strcmp(s + a - b, tail);
}

/* Records and session ids from the step's files. */
static void take_inputs(struct hunt *h, const struct entry *e)
{
    static const uint8_t zero[XEN_ENCMIG_SESSION_ID_SIZE];
    uint8_t rec[XEN_ENCMIG_REC_SIZE];
    struct encmig_session_blob b;
    struct encmig_keys k;
    uint64_t off;

    if ( e->h.kind != MEMDUMP_FILE )
        return;
    if ( ends_with(e->name, "/known") )
    {
        for ( off = 0; off + sizeof(rec) <= e->h.len; off += sizeof(rec) )
        {
            get(h->fd, rec, sizeof(rec), e->at + off);
            if ( key_trial_add_record(h->t, rec) )
                break;
            h->records++;
        }
        return;
    }
    if ( !strstr(e->name, "/handover.") || e->h.len != sizeof(b) )
        return;
    get(h->fd, &b, sizeof(b), e->at);
    if ( !memcmp(b.magic, ENCMIG_SESSION_MAGIC, sizeof(b.magic)) )
    {
        h->handovers++;
        printf("%s: level %" PRIu32 ", %s\n", e->name, b.level,
               b.direction == XEN_ENCMIG_DIR_EXPORT ? "export" : "import");
        if ( encmig_keys_derive(&b.km, &k) )
            die("deriving a handover's keys failed");
        add_beacon(h, k.control[ENCMIG_SIDE_SOURCE]);
        add_beacon(h, k.control[ENCMIG_SIDE_DEST]);
        encmig_keys_wipe(&k);
        if ( key_trial_add_salt(h->t, b.km.session_id) ||
             (memcmp(b.session_id, zero, sizeof(zero)) &&
              key_trial_add_salt(h->t, b.session_id)) )
            die("too many session ids");
    }
    OPENSSL_cleanse(&b, sizeof(b));
}

/* Every window that starts in buf[0, len - WINDOW]. */
static void try_windows(struct hunt *h, const struct entry *e, uint64_t base,
                        const uint8_t *buf, size_t len)
{
    unsigned int count[256] = { 0 }, distinct = 0, j;
    size_t i;
    int r;

    if ( len < WINDOW )
        return;
    for ( i = 0; i < WINDOW; i++ )
        distinct += !count[buf[i]]++;
    for ( i = 0; ; i++ )
    {
        h->windows++;
        if ( distinct >= MIN_DISTINCT )
        {
            for ( j = 0; e->h.kind == MEMDUMP_MAPPING && j < h->nr_beacons;
                  j++ )
            {
                struct beacon *b = &h->beacon[j];

                if ( memcmp(buf + i, b->key, WINDOW) )
                    continue;
                if ( !b->seen++ )
                    snprintf(b->first, sizeof(b->first), "%s", e->name);
            }
            h->tried++;
            r = key_trial_run(h->t, buf + i);
            if ( r < 0 )
                die("OpenSSL failed");
            if ( r != KEY_TRIAL_NONE )
            {
                h->hits++;
                printf("found: %s, at %#" PRIx64 ", %s", e->name, base + i,
                       r == KEY_TRIAL_PAGE_KEY
                       ? "as the page key"
                       : "as the key the page key is derived from");
                if ( r >= KEY_TRIAL_HKDF_INPUT )
                    printf(" (session id %d)", r - KEY_TRIAL_HKDF_INPUT);
                printf("\n");
            }
        }
        if ( i + WINDOW == len )
            break;
        distinct -= !--count[buf[i]];
        distinct += !count[buf[i + WINDOW]]++;
    }
}

/* An entry's bytes in chunks that overlap by WINDOW - 1. */
static void hunt_entry(struct hunt *h, const struct entry *e)
{
    static uint8_t buf[CHUNK];
    uint64_t done = 0;
    size_t have = 0, want;

    h->bytes += e->h.len;
    while ( done < e->h.len )
    {
        want = sizeof(buf) - have;
        if ( want > e->h.len - done )
            want = e->h.len - done;
        get(h->fd, buf + have, want, e->at + done);
        done += want;
        have += want;
        try_windows(h, e, e->h.base + done - have, buf, have);
        if ( have < WINDOW )
            break;
        memmove(buf, buf + have - (WINDOW - 1), WINDOW - 1);
        have = WINDOW - 1;
    }
}

int main(int argc, char **argv)
{
    static const uint8_t zero[32];
    struct hunt h = { .fd = -1 };
    struct timespec t0, t1;
    struct entry e;
    uint64_t start, at;
    unsigned int i, blind = 0;
    char *end;
    int want_found;

    if ( argc != 4 || (strcmp(argv[3], "found") && strcmp(argv[3], "none")) )
    {
        fprintf(stderr, "usage: flight-keyhunt ARCHIVE OFFSET found|none\n");
        return 2;
    }
    want_found = !strcmp(argv[3], "found");
    errno = 0;
    start = strtoull(argv[2], &end, 0);
    if ( errno || *end || end == argv[2] )
        die("bad offset");
    clock_gettime(CLOCK_MONOTONIC, &t0);
    h.fd = open(argv[1], O_RDONLY | O_CLOEXEC);
    h.t = key_trial_new(zero);
    if ( h.fd < 0 || !h.t )
        die("cannot open the archive, or OpenSSL failed");

    for ( at = start; next(h.fd, &at, &e); )
        take_inputs(&h, &e);
    if ( !h.records || !h.handovers )
    {
        fprintf(stderr, "flight-keyhunt: %u records and %u handovers:"
                " nothing to try\n", h.records, h.handovers);
        return 1;
    }

    for ( at = start; next(h.fd, &at, &e); )
    {
        h.entries++;
        if ( e.h.kind == MEMDUMP_UNREADABLE )
        {
            h.unreadable++;
            printf("unreadable: %s\n", e.name);
            continue;
        }
        hunt_entry(&h, &e);
    }

    clock_gettime(CLOCK_MONOTONIC, &t1);
    printf("tried %" PRIu64 " of the %" PRIu64 " windows in %" PRIu64
           " bytes of %u entries (%u unreadable) against %u records with"
           " %u session ids in %.1f s\n", h.tried, h.windows, h.bytes,
           h.entries, h.unreadable, h.records, key_trial_salts(h.t),
           (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9);
    printf("windows that open a record: %u\n", h.hits);
    for ( i = 0; i < h.nr_beacons; i++ )
    {
        blind += !h.beacon[i].seen;
        printf("control key %u: %u times in process memory, first in %s\n",
               i, h.beacon[i].seen, h.beacon[i].seen ? h.beacon[i].first
                                                     : "none");
    }
    printf("control keys xl holds (as it must), found in process memory:"
           " %u of %u\n", h.nr_beacons - blind, h.nr_beacons);
    OPENSSL_cleanse(h.beacon, sizeof(h.beacon));
    key_trial_free(h.t);
    close(h.fd);
    return !blind && (h.hits > 0) == want_found ? 0 : 1;
}
