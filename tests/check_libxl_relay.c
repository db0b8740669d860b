/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * check_libxl_relay.c: xl's relay of libxl's records (xl/libxl-relay.h)
 * in both directions, on a libxl stream built here as libxl 4.17 writes
 * it, with libxc's stream inside.  The wire between the two relays is
 * altered in every way the network can: a bit flipped in each part of
 * each frame, a frame dropped, replayed, moved, the stream cut short, a
 * frame of another session, an unknown type, oversize lengths.  Whatever
 * happens, libxl must never be handed a byte that did not verify, nor an
 * END: what it gets is a proper prefix of what the source's libxl wrote.
 */

#define _GNU_SOURCE
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../tools/libxl-encmig/protocol/keys.h"
#include "../tools/libxl-encmig/protocol/libxl-records.h"
#include "../tools/libxl-encmig/protocol/records.h"
#include "../tools/libxl-encmig/xl/libxl-relay.h"

static const uint8_t key[32] = { 0x72, 0x65, 0x6c, 0x61, 0x79 };
static const char secret[] = "DEVICE-MODEL-SECRET";

struct buf {
    uint8_t *p;
    size_t len;
};

static void put(struct buf *b, const void *p, size_t len)
{
    b->p = realloc(b->p, b->len + len + 1);
    ck_assert_ptr_nonnull(b->p);
    if (len)
        memcpy(b->p + b->len, p, len);
    b->len += len;
}

/* A record: u32le type, u32le length, body (fill, or p), zero padding. */
static void put_rec(struct buf *b, uint32_t type, uint32_t len,
                    const void *p, uint8_t fill)
{
    static const uint8_t zero[8];
    uint8_t h[8];
    size_t at;

    encmig_hdr8_put(h, type, len);
    put(b, h, 8);
    at = b->len;
    put(b, p ? p : zero, p ? len : 0);
    if (!p) {
        b->p = realloc(b->p, at + len + 1);
        memset(b->p + at, fill, len);
        b->len = at + len;
    }
    put(b, zero, (8 - (len & 7)) & 7);
}

/* Where each frame lies on the wire the source relay writes. */
struct layout {
    size_t off[8];
    uint32_t type[8], len[8];
    unsigned int n;
    size_t libxc_off, libxc_len, total;
};

static void frame(struct layout *l, size_t *at, uint32_t type, uint32_t len)
{
    l->off[l->n] = *at;
    l->type[l->n] = type;
    l->len[l->n++] = len;
    *at += 8 + len + ENCMIG_LXR_TAG_SIZE;
}

/*
 * libxl's stream as libxl 4.17 writes it for an HVM guest: header,
 * LIBXC_CONTEXT, libxc's stream (headers, records of every padding and a
 * large one, END), EMULATOR_XENSTORE_DATA, EMULATOR_CONTEXT (whose body
 * carries secret), END.  big: the size of the large libxc record.
 */
static void libxl_stream(struct buf *b, struct layout *l, size_t big,
                         bool emulator)
{
    static const uint8_t hdr[16] = { 'L', 'i', 'b', 'x', 'l', 'F', 'm', 't',
                                     0, 0, 0, 2, 0, 0, 0, 0 };
    static const uint8_t lxc[IHDR_SIZE + DHDR_SIZE] = {
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 'X', 'E', 'N', 'F',
        0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0,
        1, 0, 0, 0, 12, 0, 0, 0, 4, 0, 0, 0, 17, 0, 0, 0 };
    uint8_t emu[8 + 4000];
    size_t at = 0, start;

    memset(b, 0, sizeof(*b));
    memset(l, 0, sizeof(*l));
    put(b, hdr, sizeof(hdr));
    frame(l, &at, ENCMIG_LXR_STREAM_HDR, 16);
    put_rec(b, LXR_TYPE_LIBXC_CONTEXT, 0, NULL, 0);
    frame(l, &at, LXR_TYPE_LIBXC_CONTEXT, 0);

    start = b->len;
    put(b, lxc, sizeof(lxc));
    put_rec(b, 0x12, 13, NULL, 0x11);
    put_rec(b, 0x80000042U, 0, NULL, 0);
    put_rec(b, REC_TYPE_ENCMIG_PAGES, big, NULL, 0x5a);
    put_rec(b, 0x0d, 8, NULL, 0x33);
    put_rec(b, REC_TYPE_ENCMIG_END, 80, NULL, 0x44);
    put_rec(b, REC_TYPE_END, 0, NULL, 0);
    l->libxc_off = at;
    l->libxc_len = b->len - start;
    at += l->libxc_len;

    if (emulator) {
        put_rec(b, LXR_TYPE_EMULATOR_XENSTORE_DATA, 8 + 29,
                "\2\0\0\0\0\0\0\0physmap/1/start_addr\0f0000000", 0);
        frame(l, &at, LXR_TYPE_EMULATOR_XENSTORE_DATA, 8 + 29);
        memset(emu, 0x77, sizeof(emu));
        memcpy(emu + 100, secret, strlen(secret));
        put_rec(b, LXR_TYPE_EMULATOR_CONTEXT, sizeof(emu), emu, 0);
        frame(l, &at, LXR_TYPE_EMULATOR_CONTEXT, sizeof(emu));
    }
    put_rec(b, LXR_TYPE_END, 0, NULL, 0);
    frame(l, &at, LXR_TYPE_END, 0);
    l->total = at;
}

static int memfd_with(const struct buf *b)
{
    int fd = memfd_create("wire", 0);

    ck_assert_int_ge(fd, 0);
    if (b && b->len)
        ck_assert_int_eq(write(fd, b->p, b->len), (ssize_t)b->len);
    ck_assert_int_eq(lseek(fd, 0, SEEK_SET), 0);
    return fd;
}

static void slurp(int fd, struct buf *out)
{
    uint8_t chunk[65536];
    ssize_t n;

    memset(out, 0, sizeof(*out));
    while ((n = read(fd, chunk, sizeof(chunk))) > 0)
        put(out, chunk, n);
    ck_assert_int_eq(n, 0);
}

/*
 * The source: in is what libxl writes into the relay, wire what the relay
 * wrote to wire_fd (a memfd, or any fd given).  The relay's verdict.
 */
static int seal_to(const struct buf *in, int wire_fd, char *err,
                   size_t errlen)
{
    struct encmig_relay *r;
    int lfd, rc;
    bool failed;

    ck_assert_int_eq(encmig_relay_start(ENCMIG_SIDE_SOURCE, key, wire_fd,
                                        &lfd, &r, err, errlen), 0);
    /* libxl: blocking writes, as the save helper's. */
    failed = write(lfd, in->p, in->len) != (ssize_t)in->len;
    rc = encmig_relay_finish(r, failed, err, errlen);
    /* The wire is as it was: blocking again. */
    ck_assert_int_eq(fcntl(wire_fd, F_GETFL) & O_NONBLOCK, 0);
    return rc;
}

static int seal(const struct buf *in, struct buf *wire)
{
    char err[256];
    int fd = memfd_with(NULL), rc = seal_to(in, fd, err, sizeof(err));

    ck_assert_int_eq(lseek(fd, 0, SEEK_SET), 0);
    slurp(fd, wire);
    close(fd);
    return rc;
}

/*
 * The destination: libxl reads what the relay hands it until the relay
 * closes its end.  *used: how far into the wire the relay read.
 */
static int open_from(const struct buf *wire, struct buf *out, off_t *used,
                     char *err, size_t errlen)
{
    struct encmig_relay *r;
    int fd = memfd_with(wire), lfd, rc;

    ck_assert_int_eq(encmig_relay_start(ENCMIG_SIDE_DEST, key, fd, &lfd, &r,
                                        err, errlen), 0);
    slurp(lfd, out);
    rc = encmig_relay_finish(r, false, err, errlen);
    if (used)
        *used = lseek(fd, 0, SEEK_CUR);
    close(fd);
    return rc;
}

/*
 * What libxl got from a wire the relay refused: never all of it, and
 * nothing but what the source's libxl wrote, in order.
 */
static void assert_refused(const struct buf *orig, const struct buf *wire,
                           const char *what)
{
    struct buf out;
    char err[256] = "";
    int rc = open_from(wire, &out, NULL, err, sizeof(err));

    ck_assert_msg(rc < 0, "%s: accepted", what);
    ck_assert_msg(err[0], "%s: no reason given", what);
    ck_assert_msg(out.len < orig->len, "%s: libxl got it all", what);
    ck_assert_msg(!out.len || !memcmp(out.p, orig->p, out.len),
                  "%s: libxl got bytes that did not verify", what);
    free(out.p);
}

static bool contains(const struct buf *b, const void *s, size_t len)
{
    return b->len >= len && memmem(b->p, b->len, s, len);
}

START_TEST(test_round_trip)
{
    struct buf in, wire, out, trailer;
    struct layout l;
    char err[256];
    off_t used;
    bool emulator = _i;
    unsigned int i;

    libxl_stream(&in, &l, (3U << 20) + 4, emulator);
    ck_assert_int_eq(seal(&in, &wire), 0);
    ck_assert_uint_eq(wire.len, l.total);
    /* libxl's pieces are sealed, libxc's stream is there as it was. */
    ck_assert(!contains(&wire, "LibxlFmt", 8));
    ck_assert(!contains(&wire, secret, strlen(secret)));
    ck_assert(!contains(&wire, "physmap", 7));
    ck_assert(!memcmp(wire.p + l.libxc_off, in.p + 16 + 8, l.libxc_len));
    for (i = 0; i < l.n; i++) {
        uint32_t t, n;

        encmig_hdr8_get(wire.p + l.off[i], &t, &n);
        ck_assert_uint_eq(t, l.type[i]);
        ck_assert_uint_eq(n, l.len[i]);
    }

    /* xl's messages follow on the wire: the relay leaves them there. */
    trailer = wire;
    trailer.p = NULL;
    trailer.len = 0;
    put(&trailer, wire.p, wire.len);
    put(&trailer, "RECEIVER READY", 14);
    ck_assert_int_eq(open_from(&trailer, &out, &used, err, sizeof(err)), 0);
    ck_assert_uint_eq(out.len, in.len);
    ck_assert(!memcmp(out.p, in.p, in.len));
    ck_assert_int_eq(used, (off_t)wire.len);
    free(out.p);
    free(trailer.p);
    free(wire.p);
    free(in.p);
}
END_TEST

/* Where the kernel cannot splice (a file opened to append), it copies. */
START_TEST(test_copy_without_splice)
{
    struct buf in, wire, out;
    struct layout l;
    char err[256], path[64];
    int fd, afd;

    libxl_stream(&in, &l, 300000, true);
    fd = memfd_with(NULL);
    snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
    afd = open(path, O_WRONLY | O_APPEND);
    ck_assert_int_ge(afd, 0);
    ck_assert_int_eq(seal_to(&in, afd, err, sizeof(err)), 0);
    close(afd);
    slurp(fd, &wire);
    close(fd);
    ck_assert_uint_eq(wire.len, l.total);
    ck_assert_int_eq(open_from(&wire, &out, NULL, err, sizeof(err)), 0);
    ck_assert(out.len == in.len && !memcmp(out.p, in.p, in.len));
    free(out.p);
    free(wire.p);
    free(in.p);
}
END_TEST

/* One bit flipped in each part of each frame: refused, every one. */
START_TEST(test_bit_flips_refused)
{
    struct buf in, wire;
    struct layout l;
    unsigned int i, part;
    char what[96];

    libxl_stream(&in, &l, 70000, true);
    ck_assert_int_eq(seal(&in, &wire), 0);
    for (i = 0; i < l.n; i++) {
        /* type, length, ciphertext (first and last byte), tag */
        size_t at[5] = { 0, 4, 8, 8 + l.len[i] - 1, 8 + l.len[i] + 15 };
        unsigned int bit;

        for (part = 0; part < 5; part++) {
            if ((part == 2 || part == 3) && !l.len[i])
                continue;
            for (bit = 0; bit < 8; bit += 7) {
                wire.p[l.off[i] + at[part]] ^= 1U << bit;
                snprintf(what, sizeof(what), "frame %u part %u bit %u", i,
                         part, bit);
                assert_refused(&in, &wire, what);
                wire.p[l.off[i] + at[part]] ^= 1U << bit;
            }
        }
    }
    free(wire.p);
    free(in.p);
}
END_TEST

/* A wire with frame i dropped, duplicated, or frames i and j swapped. */
static void edit(const struct buf *wire, const struct layout *l,
                 unsigned int i, int op, struct buf *out)
{
    size_t a = l->off[i], n = 8 + l->len[i] + ENCMIG_LXR_TAG_SIZE;

    memset(out, 0, sizeof(*out));
    put(out, wire->p, a);
    if (op == 1)                        /* replayed */
        put(out, wire->p + a, n);
    if (op != 0)
        put(out, wire->p + a, n);
    put(out, wire->p + a + n, wire->len - a - n);
}

START_TEST(test_drop_replay_reorder_refused)
{
    struct buf in, wire, w;
    struct layout l;
    unsigned int i;
    char what[64];
    size_t a, b, na, nb;

    libxl_stream(&in, &l, 9000, true);
    ck_assert_int_eq(seal(&in, &wire), 0);
    for (i = 0; i < l.n; i++) {
        edit(&wire, &l, i, 0, &w);
        snprintf(what, sizeof(what), "frame %u dropped", i);
        assert_refused(&in, &w, what);
        free(w.p);
        if (i + 1 == l.n)
            break;
        edit(&wire, &l, i, 1, &w);
        snprintf(what, sizeof(what), "frame %u replayed", i);
        assert_refused(&in, &w, what);
        free(w.p);
    }
    /*
     * END replayed after END is past libxl's stream: the relay leaves it
     * on the wire unread, for xl, whose messages carry their own MACs.
     */
    edit(&wire, &l, l.n - 1, 1, &w);
    {
        struct buf out;
        char err[256];
        off_t used;

        ck_assert_int_eq(open_from(&w, &out, &used, err, sizeof(err)), 0);
        ck_assert_int_eq(used, (off_t)wire.len);
        free(out.p);
    }
    free(w.p);
    /* The two emulator records swapped (frames 2 and 3, adjacent). */
    a = l.off[2];
    na = 8 + l.len[2] + 16;
    b = l.off[3];
    nb = 8 + l.len[3] + 16;
    ck_assert_uint_eq(a + na, b);
    memset(&w, 0, sizeof(w));
    put(&w, wire.p, a);
    put(&w, wire.p + b, nb);
    put(&w, wire.p + a, na);
    put(&w, wire.p + b + nb, wire.len - b - nb);
    assert_refused(&in, &w, "emulator records swapped");
    free(w.p);
    /* The header's frame again in END's place. */
    memset(&w, 0, sizeof(w));
    put(&w, wire.p, l.off[4]);
    put(&w, wire.p, 8 + 16 + 16);
    assert_refused(&in, &w, "header replayed as the last frame");
    free(w.p);
    free(wire.p);
    free(in.p);
}
END_TEST

/* Cut anywhere: at each frame's start and inside each frame. */
START_TEST(test_truncation_refused)
{
    struct buf in, wire, w;
    struct layout l;
    unsigned int i, k;
    char what[64];

    libxl_stream(&in, &l, 9000, true);
    ck_assert_int_eq(seal(&in, &wire), 0);
    for (i = 0; i < l.n; i++) {
        size_t cut[4] = { 0, 5, 8 + l.len[i] / 2,
                          8 + l.len[i] + ENCMIG_LXR_TAG_SIZE - 1 };

        for (k = 0; k < 4; k++) {
            memset(&w, 0, sizeof(w));
            put(&w, wire.p, l.off[i] + cut[k]);
            snprintf(what, sizeof(what), "cut in frame %u at %zu", i,
                     cut[k]);
            assert_refused(&in, &w, what);
            free(w.p);
        }
    }
    memset(&w, 0, sizeof(w));
    put(&w, wire.p, l.libxc_off + l.libxc_len / 2);
    assert_refused(&in, &w, "cut in libxc's stream");
    {
        struct buf out;
        char err[256];

        ck_assert_int_eq(open_from(&w, &out, NULL, err, sizeof(err)),
                         -EPIPE);
        ck_assert_str_eq(err, "the migration stream ended before libxl's "
                         "END");
        free(out.p);
    }
    free(w.p);
    free(wire.p);
    free(in.p);
}
END_TEST

/* Another session's frames, or a stream sealed under another key. */
START_TEST(test_other_session_refused)
{
    struct buf in, wire, out;
    struct layout l;
    struct encmig_lxr x;
    uint8_t other[32], f[8 + 16 + 16];
    char err[256];

    libxl_stream(&in, &l, 9000, false);
    ck_assert_int_eq(seal(&in, &wire), 0);
    memcpy(other, key, 32);
    other[0] ^= 0x80;
    encmig_lxr_init(&x, other);
    ck_assert_int_eq(encmig_lxr_seal(&x, ENCMIG_LXR_STREAM_HDR, 16, in.p, f,
                                     f + 8, f + 24), 0);
    encmig_lxr_wipe(&x);
    memcpy(wire.p, f, sizeof(f));
    ck_assert_int_eq(open_from(&wire, &out, NULL, err, sizeof(err)),
                     -EBADMSG);
    ck_assert_uint_eq(out.len, 0);
    ck_assert_ptr_nonnull(strstr(err, "failed authentication"));
    free(out.p);
    free(wire.p);
    free(in.p);
}
END_TEST

/* A frame the source's key sealed, at its place, of a type never carried:
 * refused before its body is read. */
START_TEST(test_unknown_type_refused)
{
    struct buf in, wire, w, out;
    struct layout l;
    struct encmig_lxr x;
    uint8_t body[8] = { 0 }, f[8 + 8 + 16];
    char err[256];
    int rc;

    libxl_stream(&in, &l, 9000, false);
    ck_assert_int_eq(seal(&in, &wire), 0);
    encmig_lxr_init(&x, key);
    x.seq = 2;
    ck_assert_int_eq(encmig_lxr_seal(&x, 0x80000001U, 8, body, f, f + 8,
                                     f + 16), 0);
    encmig_lxr_wipe(&x);
    memset(&w, 0, sizeof(w));
    put(&w, wire.p, l.off[2]);
    put(&w, f, sizeof(f));
    put(&w, wire.p + l.off[2], wire.len - l.off[2]);
    rc = open_from(&w, &out, NULL, err, sizeof(err));
    ck_assert_int_eq(rc, -EOPNOTSUPP);
    ck_assert_uint_lt(out.len, in.len);
    free(out.p);
    free(w.p);

    /* The source refuses one from libxl too (a checkpoint's END). */
    free(in.p);
    libxl_stream(&in, &l, 9000, false);
    in.len -= 8;
    put_rec(&in, 4, 0, NULL, 0);
    put_rec(&in, LXR_TYPE_END, 0, NULL, 0);
    free(wire.p);
    ck_assert_int_eq(seal(&in, &wire), -EOPNOTSUPP);
    ck_assert_uint_eq(wire.len, l.off[2]);
    free(wire.p);
    free(in.p);
}
END_TEST

/* Lengths no record can have, from either side: refused unread. */
START_TEST(test_oversize_refused)
{
    struct buf in, wire, w, out;
    struct layout l;
    uint8_t h[8];
    char err[256];

    /* The wire: an emulator frame of LXR_EMULATOR_MAX + 1. */
    libxl_stream(&in, &l, 9000, false);
    ck_assert_int_eq(seal(&in, &wire), 0);
    memset(&w, 0, sizeof(w));
    put(&w, wire.p, l.off[2]);
    encmig_hdr8_put(h, LXR_TYPE_EMULATOR_CONTEXT, LXR_EMULATOR_MAX + 1);
    put(&w, h, 8);
    ck_assert_int_eq(open_from(&w, &out, NULL, err, sizeof(err)), -EMSGSIZE);
    free(out.p);
    free(w.p);
    /* A libxc record past libxc's limit. */
    memset(&w, 0, sizeof(w));
    put(&w, wire.p, l.libxc_off + IHDR_SIZE + DHDR_SIZE);
    encmig_hdr8_put(h, REC_TYPE_ENCMIG_PAGES, LXC_REC_LENGTH_MAX + 8);
    put(&w, h, 8);
    ck_assert_int_eq(open_from(&w, &out, NULL, err, sizeof(err)), -EMSGSIZE);
    free(out.p);
    free(w.p);
    free(wire.p);

    /* From libxl: the same, and the relay writes nothing of it. */
    in.len = 16 + 8 + l.libxc_len;
    encmig_hdr8_put(h, LXR_TYPE_EMULATOR_CONTEXT, 0xfffffff0U);
    put(&in, h, 8);
    ck_assert_int_eq(seal(&in, &wire), -EMSGSIZE);
    ck_assert_uint_eq(wire.len, l.libxc_off + l.libxc_len);
    free(wire.p);
    in.len = 16 + 8 + IHDR_SIZE + DHDR_SIZE;
    encmig_hdr8_put(h, REC_TYPE_ENCMIG_PAGES, LXC_REC_LENGTH_MAX + 8);
    put(&in, h, 8);
    ck_assert_int_eq(seal(&in, &wire), -EMSGSIZE);
    free(wire.p);
    free(in.p);
}
END_TEST

/* What the source refuses from libxl: not libxl's format, bad padding,
 * a stream that ends before END, a bad libxc header. */
START_TEST(test_source_refuses_malformed)
{
    struct buf in, wire;
    struct layout l;

    libxl_stream(&in, &l, 9000, true);
    in.p[11] = 1;                               /* version 1 */
    ck_assert_int_eq(seal(&in, &wire), -EPROTONOSUPPORT);
    ck_assert_uint_eq(wire.len, 0);
    free(wire.p);
    in.p[11] = 2;
    /* EMULATOR_XENSTORE_DATA is 37 bytes: its padding's last byte. */
    in.p[l.libxc_len + 24 + 8 + 39] = 1;
    ck_assert_int_eq(seal(&in, &wire), -EBADMSG);
    free(wire.p);
    in.p[l.libxc_len + 24 + 8 + 39] = 0;
    in.len -= 8;                                /* no END */
    ck_assert_int_eq(seal(&in, &wire), -EPIPE);
    free(wire.p);
    in.p[24 + 8] = 0;                           /* libxc's marker */
    ck_assert_int_eq(seal(&in, &wire), -EBADMSG);
    free(wire.p);
    free(in.p);
}
END_TEST

/* Aborted while waiting on a silent peer: finish stops it at once. */
START_TEST(test_abort_while_waiting)
{
    struct buf in;
    struct layout l;
    struct encmig_relay *r;
    char err[256];
    int p[2], lfd;

    ck_assert_int_eq(pipe(p), 0);
    ck_assert_int_eq(encmig_relay_start(ENCMIG_SIDE_DEST, key, p[0], &lfd,
                                        &r, err, sizeof(err)), 0);
    ck_assert_int_eq(write(p[1], "\xff\xff", 2), 2);   /* half a header */
    ck_assert_int_eq(encmig_relay_finish(r, true, err, sizeof(err)),
                     -ECANCELED);
    ck_assert_int_eq(fcntl(p[0], F_GETFL) & O_NONBLOCK, 0);
    close(p[0]);
    close(p[1]);

    /* The source, stuck on a wire nobody reads. */
    libxl_stream(&in, &l, 600000, false);
    ck_assert_int_eq(pipe(p), 0);
    ck_assert_int_eq(encmig_relay_start(ENCMIG_SIDE_SOURCE, key, p[1],
                                        &lfd, &r, err, sizeof(err)), 0);
    ck_assert_int_eq(write(lfd, in.p, in.len), (ssize_t)in.len);
    ck_assert_int_eq(encmig_relay_finish(r, true, err, sizeof(err)),
                     -ECANCELED);
    ck_assert_int_eq(fcntl(p[1], F_GETFL) & O_NONBLOCK, 0);
    close(p[0]);
    close(p[1]);
    free(in.p);
}
END_TEST

/* A destination whose libxl has gone: the relay stops, it does not hang. */
START_TEST(test_libxl_gone)
{
    struct buf in, wire;
    struct layout l;
    struct encmig_relay *r;
    char err[256];
    int fd, lfd;

    libxl_stream(&in, &l, 4U << 20, true);
    ck_assert_int_eq(seal(&in, &wire), 0);
    fd = memfd_with(&wire);
    ck_assert_int_eq(encmig_relay_start(ENCMIG_SIDE_DEST, key, fd, &lfd, &r,
                                        err, sizeof(err)), 0);
    /* libxl returns without reading: finish closes its end. */
    (void)lfd;
    ck_assert_int_eq(encmig_relay_finish(r, false, err, sizeof(err)),
                     -EPIPE);
    ck_assert_ptr_nonnull(strstr(err, "writing libxl's stream"));
    close(fd);
    free(wire.p);
    free(in.p);
}
END_TEST

static Suite *relay_suite(void)
{
    Suite *s = suite_create("libxl-relay");
    TCase *tc = tcase_create("core");

    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, test_round_trip, 0, 2);
    tcase_add_test(tc, test_copy_without_splice);
    tcase_add_test(tc, test_bit_flips_refused);
    tcase_add_test(tc, test_drop_replay_reorder_refused);
    tcase_add_test(tc, test_truncation_refused);
    tcase_add_test(tc, test_other_session_refused);
    tcase_add_test(tc, test_unknown_type_refused);
    tcase_add_test(tc, test_oversize_refused);
    tcase_add_test(tc, test_source_refuses_malformed);
    tcase_add_test(tc, test_abort_while_waiting);
    tcase_add_test(tc, test_libxl_gone);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(relay_suite());
    int failed;

    /* xl ignores SIGPIPE; so does libxl's side here. */
    signal(SIGPIPE, SIG_IGN);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
