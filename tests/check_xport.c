/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * check_xport.c: the stream over a message transport (RDMA), on a link
 * modelled in this process (xport-fake.h): its framing, the migration
 * buffers handed back only on completion, hostile messages, a cut link,
 * and whole migrations of a simulated guest.
 */

#include <check.h>
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "twohost.h"
#include "xport-fake.h"
#include "../tools/libxl-encmig/protocol/stream.h"

#define TIMEOUT_MS 10000
#define MAX_MSG    (64 * 1024)
#define OPT_REC    (REC_TYPE_OPTIONAL | 0x123)

struct link {
    struct fake_link *l;
    struct encmig_xport tx, rx;
};

static void link_open(struct link *k, bool hold)
{
    k->l = fake_link_new(hold);
    ck_assert_ptr_nonnull(k->l);
    fake_link_record(k->l, true);
    ck_assert_int_eq(xport_init(&k->tx, &fake_xport_ops,
                                fake_link_dev(k->l, 0), 0, TIMEOUT_MS), 0);
    ck_assert_int_eq(xport_init(&k->rx, &fake_xport_ops,
                                fake_link_dev(k->l, 1), MAX_MSG,
                                TIMEOUT_MS), 0);
}

static void link_close(struct link *k)
{
    xport_fini(&k->tx);
    xport_fini(&k->rx);
    fake_link_free(k->l);
}

static void count_done(void *cookie)
{
    __atomic_add_fetch((unsigned int *)cookie, 1, __ATOMIC_SEQ_CST);
}

static unsigned int done_count(unsigned int *n)
{
    return __atomic_load_n(n, __ATOMIC_SEQ_CST);
}

/* headers, a record from a registered "slot", one from the stack, END. */
static void write_sample(struct stream_writer *w, uint8_t *slot,
                         unsigned int *done)
{
    uint8_t small[13];
    struct iovec iov;

    memset(small, 0x5a, sizeof(small));
    ck_assert_int_eq(stream_write_headers(w, DHDR_TYPE_ENCMIG_SIM), 0);
    iov.iov_base = slot;
    iov.iov_len = 4096 + 8;
    ck_assert_int_eq(stream_write_record_then(w, OPT_REC, &iov, 1,
                                              count_done, done), 0);
    iov.iov_base = small;
    iov.iov_len = sizeof(small);
    ck_assert_int_eq(stream_write_record(w, OPT_REC, &iov, 1), 0);
    ck_assert_int_eq(stream_write_record(w, REC_TYPE_END, NULL, 0), 0);
}

/* The messages are the socket's byte stream, cut at record boundaries. */
START_TEST(test_framing_matches_socket)
{
    static const size_t lens[] = { 40, 8 + 4104, 8 + 16, 8 };
    struct link k;
    struct stream_writer w;
    uint8_t *slot = malloc(8192), sock[8192], *msg;
    unsigned int done = 0, i;
    size_t off = 0, len;
    int fd[2];
    ssize_t got;

    for (i = 0; i < 8192; i++)
        slot[i] = i * 7;
    ck_assert_int_eq(pipe(fd), 0);
    stream_writer_init(&w, fd[1]);
    write_sample(&w, slot, &done);
    ck_assert_uint_eq(done, 1);          /* a socket is done at once */
    close(fd[1]);
    got = read(fd[0], sock, sizeof(sock));
    close(fd[0]);

    link_open(&k, false);
    ck_assert_int_eq(xport_register(&k.tx, slot, 8192), 0);
    stream_writer_init(&w, -1);
    w.x = &k.tx;
    done = 0;
    write_sample(&w, slot, &done);
    ck_assert_int_eq(stream_flush(&w), 0);
    ck_assert_uint_eq(done_count(&done), 1);
    ck_assert_uint_eq(w.bytes, (uint64_t)got);

    for (i = 0; i < 4; i++) {
        msg = fake_link_message(k.l, i, &len);
        ck_assert_ptr_nonnull(msg);
        ck_assert_uint_eq(len, lens[i]);
        ck_assert_mem_eq(msg, sock + off, len);
        off += len;
        free(msg);
    }
    ck_assert_uint_eq(off, (size_t)got);
    ck_assert_ptr_null(fake_link_message(k.l, 4, &len));
    link_close(&k);
    free(slot);
}
END_TEST

/* What the sender sent, the reader takes: the skipped record, then END. */
START_TEST(test_reader_roundtrip)
{
    struct link k;
    struct stream_writer w;
    struct stream_reader r;
    uint8_t *slot = calloc(1, 8192);
    unsigned int done = 0;
    uint32_t type, len, dom;
    char err[200];

    link_open(&k, false);
    ck_assert_int_eq(xport_register(&k.tx, slot, 8192), 0);
    stream_writer_init(&w, -1);
    w.x = &k.tx;
    write_sample(&w, slot, &done);
    ck_assert_int_eq(stream_flush(&w), 0);

    stream_reader_init(&r, -1);
    r.x = &k.rx;
    ck_assert_int_eq(stream_read_headers(&r, &dom), 0);
    ck_assert_uint_eq(dom, DHDR_TYPE_ENCMIG_SIM);
    ck_assert_int_eq(stream_read_record_header(&r, &type, &len, err,
                                               sizeof(err)), 0);
    ck_assert_uint_eq(type, REC_TYPE_END);
    ck_assert_uint_eq(r.bytes, w.bytes);
    link_close(&k);
    free(slot);
}
END_TEST

/*
 * A slot goes back to the ring only once its send completed: until then
 * the NIC may still read it.
 */
START_TEST(test_slot_back_only_on_completion)
{
    struct link k;
    struct stream_writer w;
    uint8_t *slot = malloc(4096), got[8 + 4096];
    unsigned int done = 0, i;
    struct iovec iov = { .iov_base = slot, .iov_len = 4096 };

    for (i = 0; i < 4096; i++)
        slot[i] = i;
    link_open(&k, true);
    ck_assert_int_eq(xport_register(&k.tx, slot, 4096), 0);
    stream_writer_init(&w, -1);
    w.x = &k.tx;
    ck_assert_int_eq(stream_write_record_then(&w, OPT_REC, &iov, 1,
                                              count_done, &done), 0);
    /* Held on the wire: not complete, so not handed back. */
    usleep(50000);
    ck_assert_uint_eq(done_count(&done), 0);

    fake_link_release(k.l, 1);
    ck_assert_int_eq(xport_read(&k.rx, got, sizeof(got)), 0);
    ck_assert_mem_eq(got + 8, slot, 4096);
    ck_assert_int_eq(stream_flush(&w), 0);
    ck_assert_uint_eq(done_count(&done), 1);
    link_close(&k);
    free(slot);
}
END_TEST

struct blocked_send {
    struct stream_writer *w;
    struct iovec iov;
    unsigned int *done;
    int rc;
    int finished;
};

static void *send_one(void *arg)
{
    struct blocked_send *b = arg;

    b->rc = stream_write_record_then(b->w, OPT_REC, &b->iov, 1, count_done,
                                     b->done);
    __atomic_store_n(&b->finished, 1, __ATOMIC_SEQ_CST);
    return NULL;
}

/* No more than XPORT_SEND_DEPTH sends in flight: the next one waits. */
START_TEST(test_depth_bounds_inflight)
{
    struct link k;
    struct stream_writer w;
    struct blocked_send b;
    struct fake_link_stats st;
    uint8_t *slot = calloc(XPORT_SEND_DEPTH + 1, 4096);
    uint8_t got[8 + 4096];
    unsigned int done = 0, i;
    pthread_t t;

    link_open(&k, true);
    ck_assert_int_eq(xport_register(&k.tx, slot,
                                    (XPORT_SEND_DEPTH + 1) * 4096), 0);
    stream_writer_init(&w, -1);
    w.x = &k.tx;
    for (i = 0; i < XPORT_SEND_DEPTH; i++) {
        struct iovec iov = { .iov_base = slot + i * 4096, .iov_len = 4096 };

        ck_assert_int_eq(stream_write_record_then(&w, OPT_REC, &iov, 1,
                                                  count_done, &done), 0);
    }
    b.w = &w;
    b.iov.iov_base = slot + XPORT_SEND_DEPTH * 4096;
    b.iov.iov_len = 4096;
    b.done = &done;
    b.finished = 0;
    ck_assert_int_eq(pthread_create(&t, NULL, send_one, &b), 0);
    usleep(100000);
    ck_assert_int_eq(__atomic_load_n(&b.finished, __ATOMIC_SEQ_CST), 0);
    ck_assert_uint_eq(done_count(&done), 0);

    fake_link_release(k.l, XPORT_SEND_DEPTH + 1);
    for (i = 0; i <= XPORT_SEND_DEPTH; i++)
        ck_assert_int_eq(xport_read(&k.rx, got, sizeof(got)), 0);
    pthread_join(t, NULL);
    ck_assert_int_eq(b.rc, 0);
    ck_assert_int_eq(stream_flush(&w), 0);
    ck_assert_uint_eq(done_count(&done), XPORT_SEND_DEPTH + 1);
    fake_link_stats(k.l, &st);
    ck_assert_uint_le(st.max_posted, XPORT_SEND_DEPTH);
    link_close(&k);
    free(slot);
}
END_TEST

/* Unregistered memory is copied, up to a chunk; more is refused. */
START_TEST(test_unregistered_bounded)
{
    struct link k;
    uint8_t *big = calloc(1, XPORT_BOUNCE_CHUNK + 8);
    struct iovec iov = { .iov_base = big, .iov_len = XPORT_BOUNCE_CHUNK };
    unsigned int done = 0;

    link_open(&k, false);
    ck_assert_int_eq(xport_send(&k.tx, &iov, 1, count_done, &done), 0);
    iov.iov_len += 8;
    ck_assert_int_eq(xport_send(&k.tx, &iov, 1, count_done, &done),
                     -EMSGSIZE);
    iov.iov_len = 12;
    ck_assert_int_eq(xport_send(&k.tx, &iov, 1, count_done, &done),
                     -EINVAL);
    ck_assert_int_eq(xport_flush(&k.tx), 0);
    ck_assert_uint_eq(done_count(&done), 1);      /* not the refused ones */
    link_close(&k);
    free(big);
}
END_TEST

/* A hostile peer's raw messages, bypassing our sender's checks. */
struct raw {
    struct fake_link *l;
    struct encmig_xport rx;
    uint8_t buf[4096];
    void *mr;
    uint64_t id;
};

static void raw_open(struct raw *p)
{
    p->l = fake_link_new(false);
    ck_assert_int_eq(fake_xport_ops.reg(fake_link_dev(p->l, 0), p->buf,
                                        sizeof(p->buf), &p->mr), 0);
    ck_assert_int_eq(xport_init(&p->rx, &fake_xport_ops,
                                fake_link_dev(p->l, 1), MAX_MSG, 2000), 0);
    p->id = 0;
}

static void raw_send(struct raw *p, const void *msg, size_t len)
{
    struct xport_sge sge = { .addr = p->buf, .len = len, .mr = p->mr };
    struct xport_wc wc;

    memcpy(p->buf, msg, len);
    ck_assert_int_eq(fake_xport_ops.post_send(fake_link_dev(p->l, 0), &sge,
                                              1, p->id++), 0);
    ck_assert_int_eq(fake_xport_ops.wait(fake_link_dev(p->l, 0), &wc, 2000),
                     0);
}

static void raw_close(struct raw *p)
{
    xport_fini(&p->rx);
    fake_link_free(p->l);
}

/* The stream headers, and an END record if end, as a socket has them. */
static void socket_bytes(bool end, uint8_t *out, size_t len)
{
    struct stream_writer w;
    int fd[2];

    ck_assert_int_eq(pipe(fd), 0);
    stream_writer_init(&w, fd[1]);
    ck_assert_int_eq(stream_write_headers(&w, DHDR_TYPE_ENCMIG_SIM), 0);
    if (end)
        ck_assert_int_eq(stream_write_record(&w, REC_TYPE_END, NULL, 0), 0);
    ck_assert_int_eq(read(fd[0], out, len), (ssize_t)len);
    close(fd[0]);
    close(fd[1]);
}

static void raw_headers(struct raw *p)
{
    uint8_t h[40];

    socket_bytes(false, h, sizeof(h));
    raw_send(p, h, sizeof(h));
}

static int raw_read(struct raw *p, char *err, size_t errlen)
{
    struct stream_reader r;
    uint32_t type, len, dom;
    int rc;

    stream_reader_init(&r, -1);
    r.x = &p->rx;
    rc = stream_read_headers(&r, &dom);
    if (rc)
        return rc;
    return stream_read_record_header(&r, &type, &len, err, errlen);
}

START_TEST(test_hostile_messages)
{
    /* an optional record of 8 bytes, then END, in one message */
    static const uint8_t two[] = {
        0x23, 0x01, 0x00, 0x80, 8, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8,
        0, 0, 0, 0, 0, 0, 0, 0,
    };
    static const uint8_t end_and_more[16];
    static const uint8_t odd[12];
    struct raw p;
    char err[200] = "";

    raw_open(&p);
    raw_headers(&p);
    raw_send(&p, two, sizeof(two));
    ck_assert_int_eq(raw_read(&p, err, sizeof(err)), -EBADMSG);
    ck_assert_str_eq(err, "an RDMA message held more than one record");
    raw_close(&p);

    raw_open(&p);
    raw_headers(&p);
    raw_send(&p, end_and_more, sizeof(end_and_more));
    ck_assert_int_eq(raw_read(&p, err, sizeof(err)), -EBADMSG);
    ck_assert_str_eq(err, "bytes after the END record in its RDMA message");
    raw_close(&p);

    raw_open(&p);
    raw_headers(&p);
    raw_send(&p, odd, sizeof(odd));
    ck_assert_int_eq(raw_read(&p, err, sizeof(err)), -EBADMSG);
    raw_close(&p);

    /* Headers and a record in one message. */
    raw_open(&p);
    {
        uint8_t both[48];

        socket_bytes(true, both, sizeof(both));
        raw_send(&p, both, sizeof(both));
    }
    ck_assert_int_eq(raw_read(&p, err, sizeof(err)), -EBADMSG);
    raw_close(&p);
}
END_TEST

/* A cut link: the reader and the sender each see it, nothing hangs. */
START_TEST(test_cut_mid_stream)
{
    struct link k;
    struct stream_writer w;
    struct stream_reader r;
    uint8_t *slot = calloc(1, 8192);
    unsigned int done = 0;
    uint32_t type, len, dom;
    char err[200];

    link_open(&k, false);
    fake_link_cut_after(k.l, 2);
    ck_assert_int_eq(xport_register(&k.tx, slot, 8192), 0);
    stream_writer_init(&w, -1);
    w.x = &k.tx;
    write_sample(&w, slot, &done);
    ck_assert_int_eq(stream_flush(&w), -EPIPE);

    stream_reader_init(&r, -1);
    r.x = &k.rx;
    ck_assert_int_eq(stream_read_headers(&r, &dom), 0);
    ck_assert_int_eq(stream_read_record_header(&r, &type, &len, err,
                                               sizeof(err)), -EPIPE);
    link_close(&k);
    free(slot);
}
END_TEST

/* A simulated migration whose stream goes over the fake link. */
struct fake_stream {
    struct fake_link *l;
    struct encmig_xport x[2];
    struct encmig_stream_xport src, dst;
    unsigned int opened[2];
};

static int fake_open(void *opaque, size_t max_msg, struct encmig_xport **x,
                     char *err, size_t errlen)
{
    struct fake_stream *f = opaque;
    int end = max_msg ? 1 : 0, rc;

    rc = xport_init(&f->x[end], &fake_xport_ops, fake_link_dev(f->l, end),
                    max_msg, TIMEOUT_MS);
    if (rc) {
        xport_fini(&f->x[end]);
        return rc;
    }
    f->opened[end]++;
    *x = &f->x[end];
    return 0;
}

static void fake_close(void *opaque, struct encmig_xport *x)
{
    xport_fini(x);
}

static void fake_stream_new(struct fake_stream *f, struct twohost *t)
{
    memset(f, 0, sizeof(*f));
    f->l = fake_link_new(false);
    ck_assert_ptr_nonnull(f->l);
    f->src.open = f->dst.open = fake_open;
    f->src.close = f->dst.close = fake_close;
    f->src.opaque = f->dst.opaque = f;
    t->scfg.stream_x = &f->src;
    t->rcfg.stream_x = &f->dst;
}

static void migrate_over_link(bool plain, unsigned int streams)
{
    struct twohost t;
    struct twohost_where where;
    struct fake_stream f;
    struct fake_link_stats st;
    unsigned int slots;

    ck_assert_int_eq(twohost_new(&t, 8 << 20, 5000), 0);
    fake_stream_new(&f, &t);
    t.scfg.plain = plain;
    t.scfg.streams = streams;
    t.rcfg.trust.any_source = plain;
    twohost_run(&t, false, NULL, NULL);
    ck_assert_msg(t.src_rc == 0, "source: %s", t.serr);
    ck_assert_msg(t.dst_rc == 0, "destination: %s", t.rerr);
    ck_assert(t.sst.verified);
    twohost_where(&t, &where);
    ck_assert(!where.src_exists && where.dst_copies == 1 &&
              where.dst_running);

    fake_link_stats(f.l, &st);
    ck_assert_uint_eq(f.opened[0], 1);
    ck_assert_uint_eq(f.opened[1], 1);
    /* Every slot's two buffers once, and the bounce area; the receiver
     * its receive buffers. */
    slots = MIGRATE_DEFAULT_SLOTS > 2 * streams ? MIGRATE_DEFAULT_SLOTS
                                                : 2 * streams;
    ck_assert_uint_eq(st.regs[0], 2 * slots + 1);
    ck_assert_uint_eq(st.regs[1], 1);
    ck_assert_uint_eq(st.bad_len, 0);
    ck_assert_uint_le(st.max_posted, XPORT_SEND_DEPTH);
    /* The whole stream went over the link; the control messages did not. */
    ck_assert_uint_eq(st.bytes, t.sst.wire_bytes);
    ck_assert_uint_eq(st.bytes, t.rst.wire_bytes);
    ck_assert_uint_gt(st.bytes, 8 << 20);
    twohost_free(&t);
    fake_link_free(f.l);
}

START_TEST(test_migrate_encrypted)
{
    migrate_over_link(false, 1);
}
END_TEST

START_TEST(test_migrate_streams)
{
    migrate_over_link(false, 3);
}
END_TEST

START_TEST(test_migrate_plain)
{
    migrate_over_link(true, 1);
}
END_TEST

/* The link cut midway, early and late: the guest stays at the source. */
START_TEST(test_migrate_link_cut)
{
    static const uint64_t cuts[] = { 1, 3, 6 };
    unsigned int i;

    for (i = 0; i < sizeof(cuts) / sizeof(cuts[0]); i++) {
        struct twohost t;
        struct fake_stream f;

        ck_assert_int_eq(twohost_new(&t, 8 << 20, 5000), 0);
        fake_stream_new(&f, &t);
        fake_link_cut_after(f.l, cuts[i]);
        twohost_run(&t, false, NULL, NULL);
        ck_assert_msg(t.src_rc != 0, "cut after %llu: source succeeded",
                      (unsigned long long)cuts[i]);
        ck_assert_int_ne(t.dst_rc, 0);
        ck_assert_int_eq(t.sst.outcome, ENCMIG_OUTCOME_STAYED);
        ck_assert_msg(twohost_source_intact(&t, false),
                      "cut after %llu: source guest not running",
                      (unsigned long long)cuts[i]);
        ck_assert(twohost_dest_clean(&t));
        twohost_free(&t);
        fake_link_free(f.l);
    }
}
END_TEST

/* A receiver not started for RDMA says so, and the guest stays. */
START_TEST(test_receiver_without_rdma)
{
    struct twohost t;
    struct fake_stream f;

    ck_assert_int_eq(twohost_new(&t, 4 << 20, 0), 0);
    fake_stream_new(&f, &t);
    t.rcfg.stream_x = NULL;
    twohost_run(&t, false, NULL, NULL);
    ck_assert_int_ne(t.src_rc, 0);
    ck_assert_msg(strstr(t.serr, "start it with --transport rdma"),
                  "source: %s", t.serr);
    ck_assert(twohost_source_intact(&t, true));
    ck_assert(twohost_dest_clean(&t));
    ck_assert_uint_eq(f.opened[0] + f.opened[1], 0);
    twohost_free(&t);
    fake_link_free(f.l);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("xport");
    TCase *tc = tcase_create("xport");
    SRunner *sr;
    int failed;

    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_framing_matches_socket);
    tcase_add_test(tc, test_reader_roundtrip);
    tcase_add_test(tc, test_slot_back_only_on_completion);
    tcase_add_test(tc, test_depth_bounds_inflight);
    tcase_add_test(tc, test_unregistered_bounded);
    tcase_add_test(tc, test_hostile_messages);
    tcase_add_test(tc, test_cut_mid_stream);
    tcase_add_test(tc, test_migrate_encrypted);
    tcase_add_test(tc, test_migrate_streams);
    tcase_add_test(tc, test_migrate_plain);
    tcase_add_test(tc, test_migrate_link_cut);
    tcase_add_test(tc, test_receiver_without_rdma);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
