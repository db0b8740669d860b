/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * check_migrate.c: live migration between two simulated hosts in one
 * process, over a socket pair or through a relay that can cut the link.
 */

#include <check.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "testutil.h"
#include "../tools/libxl-encmig/cli.h"
#include "../tools/libxl-encmig/hostkey.h"
#include "../tools/libxl-encmig/known-hosts.h"
#include "../tools/libxl-encmig/migrate.h"

struct pair {
    struct sim_host *src, *dst;
    domid_t domid;
    char dir[64];                 /* destination's keys */
    char known[128];              /* source's known_hosts */
    int sfd, dfd;                 /* source's and destination's sockets */
    struct encmig_send_cfg scfg;
    struct encmig_recv_cfg rcfg;
    struct encmig_send_stats sst;
    struct encmig_recv_stats rst;
    char serr[512], rerr[512];
    int src_rc, dst_rc;
    uint8_t before[32];
    /* optional relay between the two */
    pthread_t relay;
    bool relay_on;
    int rs, rd;                   /* relay ends */
    uint64_t cut_after;           /* close both ends after this many bytes */
};

static void write_known_hosts(struct pair *p, const char *host)
{
    uint8_t pub[ENCMIG_PUBKEY_SIZE];
    char b64[ENCMIG_PUBKEY_B64_SIZE], err[256];
    FILE *f;

    ck_assert_int_eq(encmig_hostkey_load_public(p->dir, pub, err,
                                                sizeof(err)), 0);
    ck_assert_int_eq(encmig_pubkey_to_b64(pub, b64), 0);
    f = fopen(p->known, "w");
    ck_assert_ptr_nonnull(f);
    fprintf(f, "%s %s %s\n", host, ENCMIG_KEYTYPE, b64);
    fclose(f);
}

static void pair_new(struct pair *p, uint64_t bytes, uint64_t dirty_rate)
{
    char err[256];

    memset(p, 0, sizeof(*p));
    signal(SIGPIPE, SIG_IGN);
    p->src = sim_host_new(1, NULL);
    p->dst = sim_host_new(2, NULL);
    ck_assert_ptr_nonnull(p->src);
    ck_assert_ptr_nonnull(p->dst);
    ck_assert_int_eq(cli_make_guest(p->src, bytes, 7, &p->domid), 0);
    ck_assert_int_eq(sim_domain_hash(p->src, p->domid, p->before), 0);
    if ( dirty_rate )
        ck_assert_int_eq(sim_workload_start(p->src, p->domid, dirty_rate, 1),
                         0);
    ck_assert_int_eq(sim_domain_unpause(p->src, p->domid), 0);

    snprintf(p->dir, sizeof(p->dir), "/tmp/encmig-test-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(p->dir));
    ck_assert_int_eq(encmig_hostkey_generate(p->dir, "test", false, err,
                                             sizeof(err)), 0);
    snprintf(p->known, sizeof(p->known), "%s/known_hosts", p->dir);
    write_known_hosts(p, "dest");

    p->scfg.host = p->src;
    p->scfg.domid = p->domid;
    p->scfg.peer_host = "dest";
    p->scfg.trust.keydir = p->dir;
    p->scfg.trust.known_hosts = p->known;
    p->rcfg.host = p->dst;
    p->rcfg.trust.keydir = p->dir;
}

static void pair_free(struct pair *p)
{
    char path[256];

    sim_host_free(p->src);
    sim_host_free(p->dst);
    snprintf(path, sizeof(path), "%s/%s", p->dir, ENCMIG_HOSTKEY_FILE);
    unlink(path);
    snprintf(path, sizeof(path), "%s/%s", p->dir, ENCMIG_HOSTKEY_PUB_FILE);
    unlink(path);
    unlink(p->known);
    rmdir(p->dir);
}

static void *dst_main(void *arg)
{
    struct pair *p = arg;

    p->dst_rc = encmig_migrate_receive(&p->rcfg, &p->rst, p->rerr,
                                       sizeof(p->rerr));
    close(p->dfd);
    return NULL;
}

/* Forward bytes both ways; after cut_after source bytes, drop the link. */
static void *relay_main(void *arg)
{
    struct pair *p = arg;
    uint64_t forwarded = 0;
    uint8_t buf[65536];

    for ( ; ; )
    {
        fd_set fds;
        ssize_t n;

        FD_ZERO(&fds);
        FD_SET(p->rs, &fds);
        FD_SET(p->rd, &fds);
        if ( select((p->rs > p->rd ? p->rs : p->rd) + 1, &fds, NULL, NULL,
                    NULL) < 0 )
            break;
        if ( FD_ISSET(p->rs, &fds) )
        {
            size_t want = sizeof(buf);

            if ( p->cut_after && p->cut_after - forwarded < want )
                want = p->cut_after - forwarded;
            n = read(p->rs, buf, want);
            if ( n <= 0 || write(p->rd, buf, n) != n )
                break;
            forwarded += n;
            if ( p->cut_after && forwarded >= p->cut_after )
                break;
        }
        if ( FD_ISSET(p->rd, &fds) )
        {
            n = read(p->rd, buf, sizeof(buf));
            if ( n <= 0 || write(p->rs, buf, n) != n )
                break;
        }
    }
    shutdown(p->rs, SHUT_RDWR);
    shutdown(p->rd, SHUT_RDWR);
    return NULL;
}

static void run(struct pair *p, bool relay)
{
    pthread_t t;
    int a[2], b[2];

    ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, a), 0);
    p->sfd = a[0];
    if ( relay )
    {
        ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, b), 0);
        p->rs = a[1];
        p->rd = b[0];
        p->dfd = b[1];
        ck_assert_int_eq(pthread_create(&p->relay, NULL, relay_main, p), 0);
        p->relay_on = true;
    }
    else
        p->dfd = a[1];
    cli_set_timeout(p->sfd, 20);
    cli_set_timeout(p->dfd, 20);
    p->scfg.rfd = p->scfg.wfd = p->sfd;
    p->rcfg.rfd = p->rcfg.wfd = p->dfd;

    ck_assert_int_eq(pthread_create(&t, NULL, dst_main, p), 0);
    p->src_rc = encmig_migrate_send(&p->scfg, &p->sst, p->serr,
                                    sizeof(p->serr));
    close(p->sfd);
    pthread_join(t, NULL);
    if ( p->relay_on )
    {
        pthread_join(p->relay, NULL);
        close(p->rs);
        close(p->rd);
    }
}

/* After a failed migration: the source runs its guest, the dest has none. */
static void assert_failed_cleanly(struct pair *p, bool check_memory)
{
    uint64_t nr;
    bool paused = true;
    uint8_t now[32];
    unsigned int id;

    ck_assert_int_ne(p->src_rc, 0);
    ck_assert_int_ne(p->dst_rc, 0);
    ck_assert_int_eq(sim_domain_info(p->src, p->domid, &nr, &paused), 0);
    ck_assert_msg(!paused, "source guest left paused");
    for ( id = 1; id < SIM_MAX_DOMAINS; id++ )
        ck_assert_int_eq(sim_domain_info(p->dst, id, NULL, NULL), -ESRCH);
    if ( check_memory )
    {
        ck_assert_int_eq(sim_domain_hash(p->src, p->domid, now), 0);
        ck_assert_mem_eq(now, p->before, sizeof(now));
    }
}

START_TEST(test_live_encrypted)
{
    struct pair p;
    struct cli_marker_tap tap = { .found = 0 };
    uint8_t dst_hash[32];

    pair_new(&p, 32 << 20, 20000);
    usleep(100000);
    p.scfg.tap = cli_marker_tap;
    p.scfg.tap_opaque = &tap;
    run(&p, false);
    ck_assert_msg(p.src_rc == 0, "source: %s", p.serr);
    ck_assert_msg(p.dst_rc == 0, "destination: %s", p.rerr);
    ck_assert(p.sst.verified);
    ck_assert_uint_ge(p.sst.rounds, 2);
    ck_assert_uint_ge(p.sst.pages_sent, (32 << 20) / TU_PAGE);
    ck_assert_uint_eq(tap.found, 0);
    /* The guest left the source and runs on the destination. */
    ck_assert_int_eq(sim_domain_info(p.src, p.domid, NULL, NULL), -ESRCH);
    ck_assert_int_eq(sim_domain_hash(p.dst, p.rst.domid, dst_hash), 0);
    ck_assert_mem_eq(dst_hash, p.sst.hash, sizeof(dst_hash));
    pair_free(&p);
}
END_TEST

START_TEST(test_live_plain)
{
    struct pair p;
    struct cli_marker_tap tap = { .found = 0 };

    pair_new(&p, 16 << 20, 20000);
    p.scfg.plain = true;
    p.scfg.tap = cli_marker_tap;
    p.scfg.tap_opaque = &tap;
    run(&p, false);
    ck_assert_msg(p.src_rc == 0, "source: %s", p.serr);
    ck_assert(p.sst.verified);
    /* The detector works: plain mode shows the guest's marker. */
    ck_assert_uint_gt(tap.found, 0);
    pair_free(&p);
}
END_TEST

START_TEST(test_plain_receiver_refuses_encrypted)
{
    struct pair p;

    pair_new(&p, 4 << 20, 0);
    p.rcfg.plain_only = true;
    run(&p, false);
    assert_failed_cleanly(&p, true);
    ck_assert_msg(strstr(p.serr, "plain migrations only"), "%s", p.serr);
    pair_free(&p);
}
END_TEST

START_TEST(test_unknown_host_refused)
{
    struct pair p;

    pair_new(&p, 4 << 20, 0);
    write_known_hosts(&p, "some-other-host");
    run(&p, false);
    assert_failed_cleanly(&p, true);
    ck_assert_msg(strstr(p.serr, "dest"), "%s", p.serr);
    pair_free(&p);
}
END_TEST

START_TEST(test_changed_host_key_refused)
{
    struct pair p;
    char err[256];

    pair_new(&p, 4 << 20, 0);
    /* The destination got a new key; the old one is still pinned. */
    ck_assert_int_eq(encmig_hostkey_generate(p.dir, "new", true, err,
                                             sizeof(err)), 0);
    p.scfg.trust.accept_new = true;
    run(&p, false);
    assert_failed_cleanly(&p, true);
    pair_free(&p);
}
END_TEST

START_TEST(test_destination_dies_mid_stream)
{
    /* In the handshake, early, midway, and in the last batch. */
    static const uint64_t cuts[] = { 200, 300000, 3000000, 8450000 };
    unsigned int i;

    for ( i = 0; i < sizeof(cuts) / sizeof(cuts[0]); i++ )
    {
        struct pair p;

        pair_new(&p, 8 << 20, 0);
        p.cut_after = cuts[i];
        run(&p, true);
        assert_failed_cleanly(&p, true);
        pair_free(&p);
    }
}
END_TEST

START_TEST(test_buffers_fixed)
{
    struct pair a, b;

    pair_new(&a, 8 << 20, 0);
    run(&a, false);
    ck_assert_int_eq(a.src_rc, 0);
    pair_new(&b, 64 << 20, 0);
    run(&b, false);
    ck_assert_int_eq(b.src_rc, 0);
    ck_assert_uint_eq(a.sst.buffer_bytes, b.sst.buffer_bytes);
    ck_assert_uint_eq(a.rst.buffer_bytes, b.rst.buffer_bytes);
    pair_free(&a);
    pair_free(&b);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("migrate");
    TCase *tc = tcase_create("simulator");
    SRunner *sr;
    int failed;

    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_live_encrypted);
    tcase_add_test(tc, test_live_plain);
    tcase_add_test(tc, test_plain_receiver_refuses_encrypted);
    tcase_add_test(tc, test_unknown_host_refused);
    tcase_add_test(tc, test_changed_host_key_refused);
    tcase_add_test(tc, test_destination_dies_mid_stream);
    tcase_add_test(tc, test_buffers_fixed);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
