/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * check_xg.c: the session libxenguest's hooks drive (xg-session.c), on two
 * simulated hosts.  The source side writes a stream as the patched
 * libxenguest would (headers and plain records through the transcript,
 * data pages through save_pages, then ENCMIG_END and END); the
 * destination side reads it back as the patched restore loop does.
 */

#define _GNU_SOURCE
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <unistd.h>

#include "testutil.h"
#include "../tools/libxl-encmig/protocol/records.h"
#include "../tools/libxl-encmig/protocol/stream.h"
#include "../tools/libxl-encmig/xl/session-fd.h"
#include "../tools/libxl-encmig/xl/xg-session.h"

#define PAGES   100U
#define BATCH   40U
#define SEED    0x5eed00c5ULL

struct pair {
    struct tu_host a, b;
    struct xen_encmig_keymat km;
    uint8_t transcript[ENCMIG_HS_HASH_SIZE];
    struct encmig_xg *src, *dst;
    int stream;                         /* memfd the stream goes through */
    uint8_t state[SIM_VCPU_STATE_SIZE + XEN_ENCMIG_STATE_OVERHEAD];
    uint32_t state_len;                 /* the ENCMIG_STATE body received */
    uint32_t level;                     /* as xl agreed it */
    uint32_t streams;                   /* likewise; 0: 1 */
    uint8_t session_id[XEN_ENCMIG_SESSION_ID_SIZE]; /* level 2: to claim */
};

/* The level the pairs of a test run at: each test runs at both. */
static uint32_t test_level = 1;
/* And the number of streams: 1 unless a test says. */
static uint32_t test_streams = 1;

static int blob_fd(const struct pair *p, uint32_t direction,
                   const uint8_t *transcript)
{
    struct encmig_session_blob b;
    int fd = memfd_create("session", 0);

    ck_assert_int_ge(fd, 0);
    memset(&b, 0, sizeof(b));
    memcpy(b.magic, ENCMIG_SESSION_MAGIC, sizeof(b.magic));
    b.direction = direction;
    b.level = p->level ? p->level : 1;
    b.nr_streams = p->streams ? p->streams : 1;
    memcpy(b.session_id, p->session_id, sizeof(b.session_id));
    b.km = p->km;
    memcpy(b.transcript, transcript, sizeof(b.transcript));
    ck_assert_int_eq(write(fd, &b, sizeof(b)), sizeof(b));
    return fd;
}

/* A session taken over as the helper takes it; hc then belongs to it. */
static struct encmig_xg *take(struct tu_host *t, int fd)
{
    struct encmig_xg *x;
    char err[256];

    ck_assert_int_eq(encmig_xg_take(fd, t->hc, &x, err, sizeof(err)), 0);
    t->hc = NULL;
    return x;
}

/*
 * What xl does at level 2 before the helpers run (xl-level.c): each
 * hypervisor pinned the other, the source's offer, the destination's
 * accept, the source's export session; the destination's guest claims
 * the agreement when its helper begins.
 */
static void pair_agree(struct pair *p)
{
    struct xen_encmig_identity ia = { 0 }, ib = { 0 };
    struct xen_encmig_offer off;
    struct xen_encmig_l2_accept io;
    struct xen_encmig_l2_export ex;

    ck_assert_int_eq(encmig_hc_identity(p->a.hc, 0, XEN_ENCMIG_ID_get, &ia), 0);
    ck_assert_int_eq(encmig_hc_identity(p->b.hc, 0, XEN_ENCMIG_ID_get, &ib), 0);
    ck_assert_int_eq(encmig_hc_identity(p->a.hc, 0, XEN_ENCMIG_ID_pin, &ib), 0);
    ck_assert_int_eq(encmig_hc_identity(p->b.hc, 0, XEN_ENCMIG_ID_pin, &ia), 0);
    ck_assert_int_eq(encmig_hc_offer(p->a.hc, p->a.domid, &off), 0);
    memset(&io, 0, sizeof(io));
    memcpy(io.peer, off.pub, sizeof(io.peer));
    memcpy(io.peer_eph, off.eph, sizeof(io.peer_eph));
    memcpy(io.bind, p->transcript, sizeof(io.bind));
    ck_assert_int_eq(encmig_hc_accept(p->b.hc, &io), 0);
    memset(&ex, 0, sizeof(ex));
    memcpy(ex.peer, ib.pub, sizeof(ex.peer));
    memcpy(ex.bind, io.bind, sizeof(ex.bind));
    memcpy(ex.blob, io.blob, sizeof(ex.blob));
    ck_assert_int_eq(encmig_hc_setup_l2_export(p->a.hc, p->a.domid,
                                               p->streams, &ex), 0);
    memcpy(p->session_id, io.session_id, sizeof(p->session_id));
}

static void pair_new(struct pair *p, const uint8_t *dst_transcript)
{
    memset(p, 0, sizeof(*p));
    p->level = test_level;
    p->streams = test_streams;
    tu_host_new(&p->a, 1, NULL, PAGES, SEED);
    tu_host_new(&p->b, 2, NULL, PAGES, 0);
    tu_random_keymat(&p->km);
    memset(p->transcript, 0x5a, sizeof(p->transcript));
    if (p->level == 2)
        pair_agree(p);
    p->src = take(&p->a, blob_fd(p, XEN_ENCMIG_DIR_EXPORT, p->transcript));
    p->dst = take(&p->b, blob_fd(p, XEN_ENCMIG_DIR_IMPORT,
                                 dst_transcript ?: p->transcript));
    ck_assert_int_eq(encmig_xg_begin(p->src, p->a.domid), 0);
    ck_assert_int_eq(encmig_xg_begin(p->dst, p->b.domid), 0);
    ck_assert_int_eq(sim_domain_pause(p->b.host, p->b.domid), 0);
    /* The guest's vCPU, which only the sealed state carries across. */
    ck_assert_int_eq(sim_domain_pause(p->a.host, p->a.domid), 0);
    {
        uint8_t vcpu[SIM_VCPU_STATE_SIZE];

        memset(vcpu, 0xc3, sizeof(vcpu));
        ck_assert_int_eq(sim_vcpu_set(p->a.host, p->a.domid, vcpu), 0);
    }
    ck_assert_int_eq(sim_domain_unpause(p->a.host, p->a.domid), 0);
    p->stream = memfd_create("stream", 0);
    ck_assert_int_ge(p->stream, 0);
}

static void pair_free(struct pair *p)
{
    encmig_xg_free(p->src);
    encmig_xg_free(p->dst);
    close(p->stream);
    tu_host_free(&p->a);
    tu_host_free(&p->b);
}

static const uint8_t headers[IHDR_SIZE + DHDR_SIZE] = { 0xff, 0xff, 'X' };

/* A plain libxc record, written and put into the transcript. */
static void plain_record(struct pair *p, uint32_t type, uint8_t fill)
{
    struct stream_writer w;
    uint8_t body[24];
    struct iovec iov = { body, sizeof(body) };

    memset(body, fill, sizeof(body));
    stream_writer_init(&w, p->stream);
    ck_assert_int_eq(stream_write_record(&w, type, &iov, 1), 0);
    encmig_xg_stream_record(p->src, type, sizeof(body), &iov, 1);
}

/* The source's stream; pfns of page i are i + skew (0: the truth). */
static int send_stream(struct pair *p, uint64_t skew)
{
    struct stream_writer w;
    uint64_t pfns[BATCH], gfns[BATCH];
    uint32_t i, n;
    int rc;

    ck_assert_int_eq(write(p->stream, headers, sizeof(headers)),
                     sizeof(headers));
    encmig_xg_stream_bytes(p->src, headers, sizeof(headers));
    plain_record(p, REC_TYPE_X86_PV_VCPU_BASIC, 0x11);
    for (i = 0; i < PAGES; i += n) {
        uint32_t j;

        n = PAGES - i < BATCH ? PAGES - i : BATCH;
        for (j = 0; j < n; j++) {
            gfns[j] = i + j;
            pfns[j] = i + j + skew;
        }
        rc = encmig_xg_save_pages(p->src, p->stream, i / BATCH, pfns, gfns,
                                  n);
        if (rc)
            return rc;
        if (i == 0)
            plain_record(p, REC_TYPE_PAGE_DATA, 0x22);
    }
    /* As libxc's end of checkpoint: the HVM context, sealed by Xen. */
    rc = encmig_xg_save_state(p->src, p->stream,
                              XEN_ENCMIG_STATE_hvm_context, 0);
    if (rc)
        return rc;
    rc = encmig_xg_save_end(p->src, p->stream);
    if (rc)
        return rc;
    stream_writer_init(&w, p->stream);
    return stream_write_record(&w, REC_TYPE_END, NULL, 0);
}

/*
 * The destination reads it back as the patched restore loop does; flip
 * (if not 0) is an offset whose byte is flipped on the way, drop the
 * index of an ENCMIG_PAGES record left out (or -1), inject (if not -1)
 * the index of the record before which an unknown optional record
 * arrives, which the restore loop skips, as libxc does, after it has gone
 * into the transcript.
 */
static int receive_stream_inject(struct pair *p, off_t flip, int drop,
                                 int inject)
{
    static const uint8_t note[16] = "not from source";
    static uint8_t body[REC_BODY_MAX + REC_ALIGN];
    uint8_t hdr[REC_HDR_SIZE];
    uint64_t pfns[ENCMIG_MAX_BATCH];
    off_t off = sizeof(headers);
    int batch = 0, rec = 0, rc = 0;
    struct stat st;

    ck_assert_int_eq(fstat(p->stream, &st), 0);
    if (flip) {
        uint8_t c;

        ck_assert_int_eq(pread(p->stream, &c, 1, flip), 1);
        c ^= 0x04;
        ck_assert_int_eq(pwrite(p->stream, &c, 1, flip), 1);
    }
    encmig_xg_stream_bytes(p->dst, headers, sizeof(headers));
    while (off < st.st_size) {
        uint32_t type, len, padded;
        struct iovec iov;
        unsigned int nr;

        if (rec++ == inject) {
            struct iovec extra = { (void *)note, sizeof(note) };

            encmig_xg_stream_record(p->dst, REC_TYPE_OPTIONAL | 0x1234,
                                    sizeof(note), &extra, 1);
        }
        ck_assert_int_eq(pread(p->stream, hdr, sizeof(hdr), off), sizeof(hdr));
        encmig_hdr8_get(hdr, &type, &len);
        padded = (len + REC_ALIGN - 1) & ~(REC_ALIGN - 1);
        ck_assert_uint_le(padded, sizeof(body));
        ck_assert_int_eq(pread(p->stream, body, padded, off + 8), padded);
        off += 8 + padded;

        if (type == REC_TYPE_ENCMIG_PAGES && batch++ == drop)
            continue;
        if (type == REC_TYPE_END) {
            /* As libxc's stream_complete, once the end has verified. */
            ck_assert_uint_ne(p->state_len, 0);
            return encmig_xg_restore_state(p->dst,
                                           XEN_ENCMIG_STATE_hvm_context, 0,
                                           p->state, p->state_len);
        }
        if (type == REC_TYPE_ENCMIG_STATE) {
            ck_assert_uint_le(len, sizeof(p->state));
            memcpy(p->state, body, len);
            p->state_len = len;
        }
        iov.iov_base = body;
        iov.iov_len = len;
        if (type != REC_TYPE_ENCMIG_END)
            encmig_xg_stream_record(p->dst, type, len, &iov, 1);
        if (type == REC_TYPE_ENCMIG_PAGES) {
            rc = encmig_xg_restore_names(p->dst, body, len, pfns,
                                         ENCMIG_MAX_BATCH, &nr);
            /* Simulated domains are translated: frame = name. */
            if (!rc)
                rc = encmig_xg_restore_pages(p->dst, body, len, pfns, nr);
        } else if (type == REC_TYPE_ENCMIG_END) {
            rc = encmig_xg_restore_end(p->dst, body, len);
        }
        if (rc)
            return rc;
    }
    return 0;
}

static int receive_stream(struct pair *p, off_t flip, int drop)
{
    return receive_stream_inject(p, flip, drop, -1);
}

static void assert_same_memory(struct pair *p)
{
    uint8_t ha[32], hb[32];

    ck_assert_int_eq(sim_domain_hash(p->a.host, p->a.domid, ha), 0);
    ck_assert_int_eq(sim_domain_hash(p->b.host, p->b.domid, hb), 0);
    ck_assert_mem_eq(ha, hb, sizeof(ha));
}

static bool same_vcpu(struct pair *p)
{
    uint8_t va[SIM_VCPU_STATE_SIZE], vb[SIM_VCPU_STATE_SIZE];

    ck_assert_int_eq(sim_vcpu_get(p->a.host, p->a.domid, va), 0);
    ck_assert_int_eq(sim_vcpu_get(p->b.host, p->b.domid, vb), 0);
    return !memcmp(va, vb, sizeof(va));
}

/* Both hypervisors' sessions are at the test's level and stream count. */
static void assert_sessions(struct pair *p)
{
    struct xen_encmig_status sa, sb;
    struct encmig_hc *ha = encmig_hc_open_sim(p->a.host, true);
    struct encmig_hc *hb = encmig_hc_open_sim(p->b.host, true);

    ck_assert_int_eq(encmig_hc_status(ha, p->a.domid, &sa), 0);
    ck_assert_int_eq(encmig_hc_status(hb, p->b.domid, &sb), 0);
    ck_assert_uint_eq(sa.level, test_level);
    ck_assert_uint_eq(sb.level, test_level);
    ck_assert_uint_eq(sa.nr_streams, test_streams);
    ck_assert_uint_eq(sb.nr_streams, test_streams);
    encmig_hc_close(ha);
    encmig_hc_close(hb);
}

/* The stream sent is received whole: the same memory, vCPU and sessions. */
static void assert_arrives(struct pair *p)
{
    ck_assert_int_eq(receive_stream(p, 0, -1), 0);
    assert_same_memory(p);
    ck_assert_uint_eq(same_vcpu(p), true);
    ck_assert_uint_eq(encmig_xg_records(p->src), PAGES);
    ck_assert_uint_eq(encmig_xg_records(p->dst), PAGES);
    assert_sessions(p);
}

START_TEST(test_round_trip)
{
    struct pair p;
    test_level = _i;

    pair_new(&p, NULL);
    ck_assert_int_eq(send_stream(&p, 0), 0);
    ck_assert_uint_eq(same_vcpu(&p), false);
    assert_arrives(&p);
    pair_free(&p);
}
END_TEST

/* Offsets: headers (40), the first plain record (8 + 24), then batch 0. */
#define OFF_PLAIN    (40 + 8 + 4)
#define OFF_BATCH0   (40 + 32)
#define OFF_PAGE0_CT (OFF_BATCH0 + 8 + 8 + XEN_ENCMIG_REC_HDR_SIZE + 100)

START_TEST(test_plain_record_flip_refused_at_end)
{
    struct pair p;
    int rc;
    test_level = _i;

    pair_new(&p, NULL);
    ck_assert_int_eq(send_stream(&p, 0), 0);
    rc = receive_stream(&p, OFF_PLAIN, -1);
    ck_assert_int_eq(rc, -EBADMSG);
    ck_assert_ptr_nonnull(strstr(encmig_xg_error(p.dst), "authentication"));
    pair_free(&p);
}
END_TEST

START_TEST(test_page_flip_refused)
{
    struct pair p;
    test_level = _i;

    pair_new(&p, NULL);
    ck_assert_int_eq(send_stream(&p, 0), 0);
    ck_assert_int_eq(receive_stream(&p, OFF_PAGE0_CT, -1), -EBADMSG);
    ck_assert_uint_eq(encmig_xg_records(p.dst), 0);
    pair_free(&p);
}
END_TEST

START_TEST(test_dropped_batch_refused)
{
    struct pair p;
    test_level = _i;

    pair_new(&p, NULL);
    ck_assert_int_eq(send_stream(&p, 0), 0);
    /* The last batch: its loss is seen only by the end record. */
    ck_assert_int_eq(receive_stream(&p, 0, (PAGES - 1) / BATCH), -EBADMSG);
    pair_free(&p);
}
END_TEST

START_TEST(test_other_session_refused)
{
    struct pair p;
    uint8_t other[ENCMIG_HS_HASH_SIZE];
    test_level = _i;

    memset(other, 0xa5, sizeof(other));
    pair_new(&p, other);
    ck_assert_int_eq(send_stream(&p, 0), 0);
    ck_assert_int_eq(receive_stream(&p, 0, -1), -EBADMSG);
    ck_assert_ptr_nonnull(strstr(encmig_xg_error(p.dst), "another session"));
    pair_free(&p);
}
END_TEST

/*
 * An unknown optional record slipped in anywhere: libxc skips it, but the
 * end record's MAC covers it, as the simulator's stream does.
 */
START_TEST(test_unknown_optional_record_refused_at_end)
{
    static const int where[] = { 0, 1, 3 };
    unsigned int i;
    test_level = _i;

    for (i = 0; i < sizeof(where) / sizeof(where[0]); i++) {
        struct pair p;

        pair_new(&p, NULL);
        ck_assert_int_eq(send_stream(&p, 0), 0);
        ck_assert_int_eq(receive_stream_inject(&p, 0, -1, where[i]),
                         -EBADMSG);
        ck_assert_ptr_nonnull(strstr(encmig_xg_error(p.dst),
                                     "end record failed authentication"));
        pair_free(&p);
    }
}
END_TEST

/*
 * The sealed state: a flip anywhere in it fails the end record (its body
 * is in the transcript), and, handed to the hypervisor regardless, fails
 * its own tag or header check; the destination's vCPU stays as it was.
 */
START_TEST(test_state_flip_refused)
{
    static const uint32_t at[] = { 0, 9, 16, 20, XEN_ENCMIG_STATE_HDR_SIZE,
                                   XEN_ENCMIG_STATE_HDR_SIZE + 300,
                                   SIM_VCPU_STATE_SIZE +
                                   XEN_ENCMIG_STATE_HDR_SIZE + 15 };
    unsigned int i;
    test_level = _i;

    for (i = 0; i < sizeof(at) / sizeof(at[0]); i++) {
        struct pair p;
        int rc;

        pair_new(&p, NULL);
        ck_assert_int_eq(send_stream(&p, 0), 0);
        /* The state record is the last before ENCMIG_END and END. */
        {
            struct stat st;
            off_t end_rec = 8 + ((ENCMIG_END_SIZE + 7) & ~7);

            ck_assert_int_eq(fstat(p.stream, &st), 0);
            off_t state = st.st_size - 8 - end_rec - (off_t)sizeof(p.state);

            ck_assert_int_eq(receive_stream(&p, state + at[i], -1),
                             -EBADMSG);
        }
        ck_assert_ptr_nonnull(strstr(encmig_xg_error(p.dst),
                                     "end record failed authentication"));
        rc = encmig_xg_restore_state(p.dst, XEN_ENCMIG_STATE_hvm_context, 0,
                                     p.state, p.state_len);
        ck_assert_msg(rc == -EBADMSG || rc == -EINVAL || rc == -EILSEQ,
                      "offset %u: %d", at[i], rc);
        ck_assert_uint_eq(same_vcpu(&p), false);
        pair_free(&p);
    }
}
END_TEST

/*
 * The ENCMIG_PAGES records of the stream, in order: their offsets and
 * the stream each names.  n: how many there are.
 */
static unsigned int page_records(struct pair *p, off_t *at, uint32_t *stream,
                                 unsigned int max)
{
    uint8_t hdr[REC_HDR_SIZE], bhdr[ENCMIG_PAGES_HDR_SIZE];
    off_t off = sizeof(headers);
    unsigned int n = 0;
    struct stat st;

    ck_assert_int_eq(fstat(p->stream, &st), 0);
    while (off < st.st_size) {
        uint32_t type, len, count;

        ck_assert_int_eq(pread(p->stream, hdr, sizeof(hdr), off), sizeof(hdr));
        encmig_hdr8_get(hdr, &type, &len);
        if (type == REC_TYPE_ENCMIG_PAGES) {
            ck_assert_uint_lt(n, max);
            ck_assert_int_eq(pread(p->stream, bhdr, sizeof(bhdr), off + 8),
                             sizeof(bhdr));
            encmig_hdr8_get(bhdr, &count, &stream[n]);
            at[n++] = off;
        }
        off += 8 + ((len + REC_ALIGN - 1) & ~(REC_ALIGN - 1));
    }
    return n;
}

/* Swap the stream's records that start at a and b (a < b, adjacent). */
static void swap_records(struct pair *p, off_t a, off_t b, off_t end)
{
    size_t la = b - a, lb = end - b;
    uint8_t *buf = malloc(la + lb);

    ck_assert_ptr_nonnull(buf);
    ck_assert_int_eq(pread(p->stream, buf + lb, la, a), la);
    ck_assert_int_eq(pread(p->stream, buf, lb, b), lb);
    ck_assert_int_eq(pwrite(p->stream, buf, la + lb, a), la + lb);
    free(buf);
}

/* Levels 1 and 2 (bit 0 of _i) with 2, 3 and 16 streams (_i / 2). */
static void streams_of(int i)
{
    static const uint32_t streams[] = { 2, 3, 16 };

    test_level = 1 + (i & 1);
    test_streams = streams[i / 2];
}

/*
 * Each batch libxc hands over is cut into one record per stream (fewer
 * when it has fewer pages), record i on stream i mod N; the destination
 * takes them in that order and ends with the same memory.
 */
START_TEST(test_streams_round_trip)
{
    off_t at[64];
    uint32_t stream[64], i, want = 0, batch;
    unsigned int n;
    struct pair p;

    streams_of(_i);
    pair_new(&p, NULL);
    ck_assert_int_eq(send_stream(&p, 0), 0);
    n = page_records(&p, at, stream, 64);
    for (batch = 0; batch < PAGES; batch += BATCH) {
        uint32_t nr = PAGES - batch < BATCH ? PAGES - batch : BATCH;

        want += nr < test_streams ? nr : test_streams;
    }
    ck_assert_uint_eq(n, want);
    for (i = 0; i < n; i++)
        ck_assert_uint_eq(stream[i], i % test_streams);
    assert_arrives(&p);
    pair_free(&p);
}
END_TEST

/*
 * Two neighbouring batches swapped, or one dropped, on the wire: the next
 * batch is not on the stream expected, and nothing of it is imported.
 */
START_TEST(test_streams_reorder_refused)
{
    off_t at[64];
    uint32_t stream[64];
    uint64_t before;
    unsigned int n;
    struct pair p;
    char why[64];
    int rc;

    streams_of(_i);
    pair_new(&p, NULL);
    ck_assert_int_eq(send_stream(&p, 0), 0);
    n = page_records(&p, at, stream, 64);
    ck_assert_uint_ge(n, 4);
    /* Record 2 before 1 (with 2 streams, the plain record between them
     * moves with 1). */
    swap_records(&p, at[1], at[2], at[3]);
    snprintf(why, sizeof(why), "came on stream %u, not 1", stream[2]);
    rc = receive_stream(&p, 0, -1);
    ck_assert_int_eq(rc, -EILSEQ);
    ck_assert_ptr_nonnull(strstr(encmig_xg_error(p.dst), why));
    before = encmig_xg_records(p.dst);
    ck_assert_uint_eq(before, BATCH / test_streams +
                      (BATCH % test_streams != 0));
    pair_free(&p);

    pair_new(&p, NULL);
    ck_assert_int_eq(send_stream(&p, 0), 0);
    ck_assert_int_eq(receive_stream(&p, 0, 1), -EILSEQ);
    ck_assert_ptr_nonnull(strstr(encmig_xg_error(p.dst), why));
    pair_free(&p);
}
END_TEST

/* A page the hypervisor names other than libxc does: stop, send nothing. */
START_TEST(test_misnamed_page_stops_the_source)
{
    struct pair p;
    struct stat st;
    test_level = _i;

    pair_new(&p, NULL);
    ck_assert_int_eq(send_stream(&p, 1), -EPROTO);
    ck_assert_ptr_nonnull(strstr(encmig_xg_error(p.src), "M2P"));
    ck_assert_int_eq(fstat(p.stream, &st), 0);
    ck_assert_int_eq(st.st_size, 40 + 32);   /* no page record went out */
    pair_free(&p);
}
END_TEST

START_TEST(test_take_wipes_and_checks)
{
    struct pair p;
    struct encmig_session_blob b, zero;
    struct encmig_xg *x;
    struct tu_host t;
    char err[256];
    int fd, keep;

    memset(&p, 0, sizeof(p));
    tu_random_keymat(&p.km);
    tu_host_new(&t, 3, NULL, 8, 0);

    /* Taken: the file is left all zero (xl shares it). */
    fd = blob_fd(&p, XEN_ENCMIG_DIR_IMPORT, p.transcript);
    keep = dup(fd);
    ck_assert_int_eq(encmig_xg_take(fd, t.hc, &x, err, sizeof(err)), 0);
    memset(&zero, 0, sizeof(zero));
    ck_assert_int_eq(pread(keep, &b, sizeof(b), 0), sizeof(b));
    ck_assert_mem_eq(&b, &zero, sizeof(b));
    close(keep);
    t.hc = NULL;
    /* begin, finish: the hypervisor's session is gone after. */
    ck_assert_int_eq(encmig_xg_begin(x, t.domid), 0);
    encmig_xg_finish(x);
    ck_assert_int_eq(encmig_xg_begin(x, t.domid), -EALREADY);
    encmig_xg_free(x);
    t.hc = encmig_hc_open_sim(t.host, true);
    {
        struct xen_encmig_status s;

        ck_assert_int_eq(encmig_hc_status(t.hc, t.domid, &s), -1);
        ck_assert_int_eq(errno, ENOENT);
    }

    /* A bad magic, a bad direction, a short file: refused. */
    fd = blob_fd(&p, XEN_ENCMIG_DIR_IMPORT, p.transcript);
    ck_assert_int_eq(pwrite(fd, "x", 1, 0), 1);
    ck_assert_int_eq(encmig_xg_take(fd, t.hc, &x, err, sizeof(err)), -EINVAL);
    fd = blob_fd(&p, 7, p.transcript);
    ck_assert_int_eq(encmig_xg_take(fd, t.hc, &x, err, sizeof(err)), -EINVAL);
    p.streams = ENCMIG_MAX_STREAMS + 1;
    fd = blob_fd(&p, XEN_ENCMIG_DIR_IMPORT, p.transcript);
    ck_assert_int_eq(encmig_xg_take(fd, t.hc, &x, err, sizeof(err)), -EINVAL);
    p.streams = 0;
    fd = blob_fd(&p, XEN_ENCMIG_DIR_IMPORT, p.transcript);
    ck_assert_int_eq(ftruncate(fd, 10), 0);
    ck_assert_int_eq(encmig_xg_take(fd, t.hc, &x, err, sizeof(err)), -EINVAL);
    ck_assert_ptr_null(x);
    tu_host_free(&t);
}
END_TEST

/* The exit status of CMD run by /bin/sh in a child (exec'd, as libxl's). */
static int run_child(const char *cmd)
{
    pid_t pid = fork();
    int status;

    ck_assert_int_ge(pid, 0);
    if ( pid == 0 )
    {
        execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
        _exit(127);
    }
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

START_TEST(test_session_reaches_only_the_helper)
{
    static const char blob[] = "a session, for the helper alone";
    char err[256], cmd[64], got[sizeof(blob)];
    int fd, hfd, status;
    pid_t pid;

    ck_assert_int_eq(encmig_session_publish(blob, sizeof(blob), &fd, err,
                                            sizeof(err)), 0);
    ck_assert_int_ge(fd, 3);
    ck_assert_ptr_nonnull(getenv(ENCMIG_SESSION_FD_ENV));

    /* A program xl's children exec (a hotplug script, QEMU) holds none. */
    snprintf(cmd, sizeof(cmd), "test ! -e /proc/self/fd/%d", fd);
    ck_assert_int_eq(run_child(cmd), 0);

    /* The helper, forked from xl, opens xl's own descriptor. */
    pid = fork();
    ck_assert_int_ge(pid, 0);
    if ( pid == 0 )
    {
        int rc = encmig_session_open_published(&hfd, err, sizeof(err));

        if ( rc != 1 || getenv(ENCMIG_SESSION_FD_ENV) ||
             pread(hfd, got, sizeof(got), 0) != (ssize_t)sizeof(got) ||
             memcmp(got, blob, sizeof(got)) )
            _exit(1);
        _exit(0);
    }
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);

    /* Once libxl has returned: closed, and no child is told of it. */
    encmig_session_unpublish(&fd);
    ck_assert_int_eq(fd, -1);
    ck_assert_ptr_null(getenv(ENCMIG_SESSION_FD_ENV));
    ck_assert_int_eq(encmig_session_open_published(&hfd, err, sizeof(err)),
                     0);

    /* A variable that names no descriptor: refused, and dropped. */
    setenv(ENCMIG_SESSION_FD_ENV, "2", 1);
    ck_assert_int_eq(encmig_session_open_published(&hfd, err, sizeof(err)),
                     -EINVAL);
    ck_assert_ptr_null(getenv(ENCMIG_SESSION_FD_ENV));
    setenv(ENCMIG_SESSION_FD_ENV, "7x", 1);
    ck_assert_int_eq(encmig_session_open_published(&hfd, err, sizeof(err)),
                     -EINVAL);
    /* One that names a descriptor the parent does not have. */
    setenv(ENCMIG_SESSION_FD_ENV, "999999", 1);
    ck_assert_int_eq(encmig_session_open_published(&hfd, err, sizeof(err)),
                     -ENOENT);
    ck_assert_int_eq(hfd, -1);
}
END_TEST

static Suite *xg_suite(void)
{
    Suite *s = suite_create("xg-session");
    TCase *tc = tcase_create("core");

    tcase_add_loop_test(tc, test_round_trip, 1, 3);
    tcase_add_loop_test(tc, test_plain_record_flip_refused_at_end, 1, 3);
    tcase_add_loop_test(tc, test_page_flip_refused, 1, 3);
    tcase_add_loop_test(tc, test_state_flip_refused, 1, 3);
    tcase_add_loop_test(tc, test_dropped_batch_refused, 1, 3);
    tcase_add_loop_test(tc, test_other_session_refused, 1, 3);
    tcase_add_loop_test(tc, test_misnamed_page_stops_the_source, 1, 3);
    tcase_add_test(tc, test_take_wipes_and_checks);
    tcase_add_test(tc, test_session_reaches_only_the_helper);
    tcase_add_loop_test(tc, test_unknown_optional_record_refused_at_end, 1, 3);
    tcase_add_loop_test(tc, test_streams_round_trip, 0, 6);
    tcase_add_loop_test(tc, test_streams_reorder_refused, 0, 6);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(xg_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
