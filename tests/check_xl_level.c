/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * check_xl_level.c: the level of an `xl migrate --encrypted`, agreed on
 * xl's pipe (xl-level.c), between two simulated hypervisors.
 */

#include <check.h>
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "testutil.h"
#include "../tools/libxl-encmig/io.h"
#include "../tools/libxl-encmig/protocol/core.h"
#include "../tools/libxl-encmig/xl/xl-level.h"

struct ends {
    struct tu_host a, b;                /* source, destination */
    uint32_t src_level, dst_level;      /* as agreed */
    uint32_t streams, dst_streams;      /* proposed; as the dest took it */
    struct encmig_core src, dst;
    int sfd, dfd;                       /* the pipe, each end's side */
    int dst_rc;
    pthread_t dst_thread;
};

static void ends_new(struct ends *e, bool pin_src, bool pin_dst)
{
    struct xen_encmig_keymat km;
    struct xen_encmig_identity ia = { 0 }, ib = { 0 };
    uint8_t th[ENCMIG_TRANSCRIPT_SIZE];
    int sv[2];

    memset(e, 0, sizeof(*e));
    tu_host_new(&e->a, 1, NULL, 8, 0);
    tu_host_new(&e->b, 2, NULL, 8, 0);
    ck_assert_int_eq(encmig_hc_identity(e->a.hc, 0, XEN_ENCMIG_ID_get, &ia), 0);
    ck_assert_int_eq(encmig_hc_identity(e->b.hc, 0, XEN_ENCMIG_ID_get, &ib), 0);
    if (pin_src)        /* the source's hypervisor pins the destination's */
        ck_assert_int_eq(encmig_hc_identity(e->a.hc, 0, XEN_ENCMIG_ID_pin,
                                            &ib), 0);
    if (pin_dst)
        ck_assert_int_eq(encmig_hc_identity(e->b.hc, 0, XEN_ENCMIG_ID_pin,
                                            &ia), 0);
    tu_random_keymat(&km);
    memset(th, 0x3c, sizeof(th));
    ck_assert_int_eq(encmig_core_init(&e->src, ENCMIG_SIDE_SOURCE, &km, th), 0);
    ck_assert_int_eq(encmig_core_init(&e->dst, ENCMIG_SIDE_DEST, &km, th), 0);
    ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    e->sfd = sv[0];
    e->dfd = sv[1];
    e->streams = 1;
}

static void *dst_main(void *arg)
{
    struct ends *e = arg;

    e->dst_rc = encmig_xl_level_dest(&e->dst, e->b.hc, e->dfd, e->dfd,
                                     &e->dst_level, &e->dst_streams,
                                     "target");
    /* As xl exits on failure: the source sees the pipe close. */
    if (e->dst_rc)
        shutdown(e->dfd, SHUT_RDWR);
    return NULL;
}

/* Both ends at once; the source's rc. */
static int run(struct ends *e)
{
    int rc;

    ck_assert_int_eq(pthread_create(&e->dst_thread, NULL, dst_main, e), 0);
    rc = encmig_xl_level_source(&e->src, e->a.hc, e->sfd, e->sfd,
                                e->a.domid, e->streams, &e->src_level,
                                "sender");
    if (rc)
        shutdown(e->sfd, SHUT_RDWR);
    pthread_join(e->dst_thread, NULL);
    return rc;
}

static void ends_free(struct ends *e)
{
    encmig_core_fini(&e->src);
    encmig_core_fini(&e->dst);
    close(e->sfd);
    close(e->dfd);
    tu_host_free(&e->a);
    tu_host_free(&e->b);
    unsetenv("ENCMIG_LEVEL");
}

static int session_level(struct tu_host *t)
{
    struct xen_encmig_status st;

    if (encmig_hc_status(t->hc, t->domid, &st))
        return -errno;
    return st.level;
}

static int session_streams(struct tu_host *t)
{
    struct xen_encmig_status st;

    if (encmig_hc_status(t->hc, t->domid, &st))
        return -errno;
    return st.nr_streams;
}

/* Level 2 with 1, 3 and 16 streams: both sessions get them. */
START_TEST(test_auto_is_level2)
{
    static const uint32_t streams[] = { 1, 3, 16 };
    struct ends e;

    ends_new(&e, true, true);
    e.streams = streams[_i];
    ck_assert_int_eq(run(&e), 0);
    ck_assert_int_eq(e.dst_rc, 0);
    ck_assert_uint_eq(e.src_level, 2);
    ck_assert_uint_eq(e.dst_level, 2);
    ck_assert_uint_eq(e.dst_streams, streams[_i]);
    ck_assert_uint_eq(e.src.level, 2);
    ck_assert_uint_eq(e.dst.level, 2);
    ck_assert_int_eq(session_level(&e.a), 2);
    ck_assert_int_eq(session_streams(&e.a), streams[_i]);
    ck_assert_uint_eq(e.src.nr_streams, streams[_i]);
    /* The destination's guest, built now, claims the agreement. */
    ck_assert_int_eq(encmig_core_l2_claim(&e.dst, e.b.hc, e.b.domid,
                                          e.dst_streams), 0);
    ck_assert_int_eq(session_level(&e.b), 2);
    ck_assert_int_eq(session_streams(&e.b), streams[_i]);
    ck_assert_uint_eq(e.dst.nr_streams, streams[_i]);
    ends_free(&e);
}
END_TEST

/* The source asks for no streams, or more than there can be. */
START_TEST(test_source_refuses_bad_streams)
{
    struct ends e;

    ends_new(&e, true, true);
    e.streams = _i ? ENCMIG_MAX_STREAMS + 1 : 0;
    /* The destination never hears of it: the source closes the pipe. */
    ck_assert_int_eq(run(&e), -EINVAL);
    ck_assert_int_ne(e.dst_rc, 0);
    ck_assert_int_eq(session_level(&e.a), -ENOENT);
    ends_free(&e);
}
END_TEST

/*
 * A destination that answers with another stream count than proposed,
 * under a good MAC (a peer of another mind, not an attacker): the
 * source refuses, and its guest keeps no session.
 */
static void *other_streams_main(void *arg)
{
    struct ends *e = arg;
    uint8_t msg[8 + ENCMIG_MAC_SIZE];
    uint8_t ans[8] = { 0, 0, 0, 1, 0, 0, 0, 2 }, mac[ENCMIG_MAC_SIZE];
    const void *parts[1] = { ans };
    size_t len = sizeof(ans);

    e->dst_rc = encmig_read_full(e->dfd, msg, sizeof(msg));
    if (!e->dst_rc)
        e->dst_rc = encmig_core_ctl_seal(&e->dst, parts, &len, 1, mac);
    if (!e->dst_rc)
        e->dst_rc = encmig_write_full(e->dfd, ans, sizeof(ans));
    if (!e->dst_rc)
        e->dst_rc = encmig_write_full(e->dfd, mac, sizeof(mac));
    return NULL;
}

START_TEST(test_source_refuses_other_streams)
{
    struct ends e;
    int rc;

    ends_new(&e, true, true);
    setenv("ENCMIG_LEVEL", "1", 1);
    e.streams = 3;
    ck_assert_int_eq(pthread_create(&e.dst_thread, NULL, other_streams_main,
                                    &e), 0);
    rc = encmig_xl_level_source(&e.src, e.a.hc, e.sfd, e.sfd, e.a.domid,
                                e.streams, &e.src_level, "sender");
    pthread_join(e.dst_thread, NULL);
    ck_assert_int_eq(e.dst_rc, 0);
    ck_assert_int_eq(rc, -EPROTO);
    ck_assert_int_eq(session_level(&e.a), -ENOENT);
    ends_free(&e);
}
END_TEST

START_TEST(test_level1_asked)
{
    struct ends e;

    ends_new(&e, true, true);
    setenv("ENCMIG_LEVEL", "1", 1);
    ck_assert_int_eq(run(&e), 0);
    ck_assert_int_eq(e.dst_rc, 0);
    ck_assert_uint_eq(e.src_level, 1);
    ck_assert_uint_eq(e.dst_level, 1);
    ck_assert_uint_eq(e.src.level, 0);          /* the helper sets up */
    ck_assert_int_eq(session_level(&e.a), -ENOENT);
    ends_free(&e);
}
END_TEST

/* A source hypervisor without an identity: auto means level 1. */
START_TEST(test_auto_without_identity)
{
    struct ends e;

    ends_new(&e, false, false);
    sim_host_drop_identity(e.a.host);
    ck_assert_int_eq(run(&e), 0);
    ck_assert_int_eq(e.dst_rc, 0);
    ck_assert_uint_eq(e.src_level, 1);
    ck_assert_uint_eq(e.dst_level, 1);
    ck_assert_int_eq(session_level(&e.a), -ENOENT);
    ends_free(&e);
}
END_TEST

/* The destination has not pinned the source: refused, nothing left. */
START_TEST(test_dest_refuses_unpinned)
{
    struct ends e;

    ends_new(&e, true, false);
    ck_assert_int_ne(run(&e), 0);
    ck_assert_int_eq(e.dst_rc, -EACCES);
    ck_assert_int_eq(session_level(&e.a), -ENOENT);
    ends_free(&e);
}
END_TEST

/* The source has not pinned the destination: its export is refused. */
START_TEST(test_source_refuses_unpinned)
{
    struct ends e;

    ends_new(&e, false, true);
    ck_assert_int_eq(run(&e), -EACCES);
    ck_assert_int_eq(session_level(&e.a), -ENOENT);
    ends_free(&e);
}
END_TEST

START_TEST(test_level2_required_without_identity)
{
    struct ends e;

    ends_new(&e, false, false);
    sim_host_drop_identity(e.a.host);
    setenv("ENCMIG_LEVEL", "2", 1);
    ck_assert_int_eq(run(&e), -ENODEV);
    ck_assert_int_eq(session_level(&e.a), -ENOENT);
    ends_free(&e);
}
END_TEST

/* What reaches the destination: forged, or a level that does not exist. */
START_TEST(test_dest_refuses_forged)
{
    static const struct {
        uint8_t msg[8 + ENCMIG_MAC_SIZE];
        int rc;
    } cases[] = {
        { { 0, 0, 0, 1, 0, 0, 0, 1 }, -EBADMSG },  /* level 1, MAC all zero */
        { { 0, 0, 0, 3, 0, 0, 0, 1 }, -EBADMSG },  /* level 3 */
        { { 0, 0, 0, 0, 0, 0, 0, 1 }, -EBADMSG },  /* level 0 */
        { { 0, 0, 0, 1, 0, 0, 0, 0 }, -EBADMSG },  /* no streams */
        { { 0, 0, 0, 1, 0, 0, 0, 17 }, -EBADMSG }, /* 17 streams */
        { { 0, 0, 0, 1, 1, 0, 0, 1 }, -EBADMSG },  /* 2^24 + 1 streams */
    };
    unsigned int i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct ends e;

        ends_new(&e, true, true);
        ck_assert_int_eq(pthread_create(&e.dst_thread, NULL, dst_main, &e), 0);
        ck_assert_int_eq(encmig_write_full(e.sfd, cases[i].msg,
                                           sizeof(cases[i].msg)), 0);
        pthread_join(e.dst_thread, NULL);
        ck_assert_int_eq(e.dst_rc, cases[i].rc);
        ends_free(&e);
    }
}
END_TEST

/* ENCMIG_LEVEL=2 at the destination: a proposal of level 1 is refused. */
START_TEST(test_dest_requires_level2)
{
    struct ends e;
    uint8_t msg[8] = { 0, 0, 0, 1, 0, 0, 0, 1 }, mac[ENCMIG_MAC_SIZE];
    const void *parts[1] = { msg };
    size_t len = sizeof(msg);

    ends_new(&e, true, true);
    setenv("ENCMIG_LEVEL", "2", 1);
    ck_assert_int_eq(encmig_core_ctl_seal(&e.src, parts, &len, 1, mac), 0);
    ck_assert_int_eq(pthread_create(&e.dst_thread, NULL, dst_main, &e), 0);
    ck_assert_int_eq(encmig_write_full(e.sfd, msg, sizeof(msg)), 0);
    ck_assert_int_eq(encmig_write_full(e.sfd, mac, sizeof(mac)), 0);
    pthread_join(e.dst_thread, NULL);
    ck_assert_int_eq(e.dst_rc, -EPERM);
    ends_free(&e);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("xl-level");
    TCase *tc = tcase_create("pipe");
    SRunner *sr;
    int failed;

    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, test_auto_is_level2, 0, 3);
    tcase_add_loop_test(tc, test_source_refuses_bad_streams, 0, 2);
    tcase_add_test(tc, test_source_refuses_other_streams);
    tcase_add_test(tc, test_level1_asked);
    tcase_add_test(tc, test_auto_without_identity);
    tcase_add_test(tc, test_dest_refuses_unpinned);
    tcase_add_test(tc, test_source_refuses_unpinned);
    tcase_add_test(tc, test_level2_required_without_identity);
    tcase_add_test(tc, test_dest_refuses_forged);
    tcase_add_test(tc, test_dest_requires_level2);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
