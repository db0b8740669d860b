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
#include "twohost.h"
#include "../tools/libxl-encmig/cli/cli.h"
#include "../tools/libxl-encmig/cli/resolve.h"
#include "../tools/libxl-encmig/protocol/hostkey.h"

static void pair_new(struct twohost *t, uint64_t bytes, uint64_t dirty_rate)
{
    ck_assert_int_eq(twohost_new(t, bytes, dirty_rate), 0);
}

/* After a failed migration: the source runs its guest, the dest has none. */
static void assert_failed_cleanly(struct twohost *t, bool check_memory)
{
    ck_assert_msg(t->src_rc != 0, "source succeeded");
    ck_assert_msg(t->dst_rc != 0, "destination succeeded");
    ck_assert_msg(twohost_source_intact(t, check_memory),
                  "source guest not running or changed");
    ck_assert_msg(twohost_dest_clean(t), "destination left a guest");
}

/* Cut the link after n bytes from the source. */
static void plan_cut(struct relay_plan *p, uint64_t n)
{
    plan_pass(p);
    plan_range(p, 0, n);
}

START_TEST(test_live_encrypted)
{
    struct twohost p;
    struct cli_marker_tap tap = { .found = 0 };
    uint8_t dst_hash[32];

    pair_new(&p, 32 << 20, 20000);
    usleep(100000);
    p.scfg.tap = cli_marker_tap;
    p.scfg.tap_opaque = &tap;
    twohost_run(&p, false, NULL, NULL);
    ck_assert_msg(p.src_rc == 0, "source: %s", p.serr);
    ck_assert_msg(p.dst_rc == 0, "destination: %s", p.rerr);
    ck_assert(p.sst.verified);
    /* The simulator's carrier hands the keys over: level 1. */
    ck_assert_uint_eq(p.sst.level, 1);
    ck_assert_uint_ge(p.sst.rounds, 2);
    ck_assert_uint_ge(p.sst.pages_sent, (32 << 20) / TU_PAGE);
    ck_assert_uint_eq(tap.found, 0);
    /* The guest left the source and runs on the destination. */
    ck_assert_int_eq(sim_domain_info(p.src, p.domid, NULL, NULL), -ESRCH);
    ck_assert_int_eq(sim_domain_hash(p.dst, p.rst.domid, dst_hash), 0);
    ck_assert_mem_eq(dst_hash, p.sst.hash, sizeof(dst_hash));
    twohost_free(&p);
}
END_TEST

START_TEST(test_live_plain)
{
    struct twohost p;
    struct cli_marker_tap tap = { .found = 0 };

    pair_new(&p, 16 << 20, 20000);
    p.scfg.plain = true;
    p.rcfg.trust.any_source = true;
    p.scfg.tap = cli_marker_tap;
    p.scfg.tap_opaque = &tap;
    twohost_run(&p, false, NULL, NULL);
    ck_assert_msg(p.src_rc == 0, "source: %s", p.serr);
    ck_assert(p.sst.verified);
    ck_assert_uint_eq(p.sst.level, 0);
    /* The detector works: plain mode shows the guest's marker. */
    ck_assert_uint_gt(tap.found, 0);
    twohost_free(&p);
}
END_TEST

/*
 * The guest's vCPU arrives as it was: encrypted, sealed and opened by
 * the hypervisors (the toolstacks hold no state key); plain, as dom0
 * read it.
 */
static void state_moves(bool plain)
{
    struct twohost p;
    uint8_t want[SIM_VCPU_STATE_SIZE], got[SIM_VCPU_STATE_SIZE];
    unsigned int i;

    pair_new(&p, 4 << 20, 0);
    for ( i = 0; i < sizeof(want); i++ )
        want[i] = (uint8_t)(i * 13 + plain);
    ck_assert_int_eq(sim_domain_pause(p.src, p.domid), 0);
    ck_assert_int_eq(sim_vcpu_set(p.src, p.domid, want), 0);
    ck_assert_int_eq(sim_domain_unpause(p.src, p.domid), 0);
    p.scfg.plain = plain;
    p.rcfg.trust.any_source = plain;
    twohost_run(&p, false, NULL, NULL);
    ck_assert_msg(p.src_rc == 0, "source: %s", p.serr);
    ck_assert_msg(p.dst_rc == 0, "destination: %s", p.rerr);
    ck_assert_int_eq(sim_vcpu_get(p.dst, p.rst.domid, got), 0);
    ck_assert_mem_eq(got, want, sizeof(got));
    twohost_free(&p);
}

START_TEST(test_state_moves)
{
    state_moves(false);
    state_moves(true);
}
END_TEST

START_TEST(test_plain_receiver_refuses_encrypted)
{
    struct twohost p;

    pair_new(&p, 4 << 20, 0);
    p.rcfg.plain_only = true;
    twohost_run(&p, false, NULL, NULL);
    assert_failed_cleanly(&p, true);
    ck_assert_msg(strstr(p.serr, "plain migrations only"), "%s", p.serr);
    twohost_free(&p);
}
END_TEST

/* Nothing proves who sends a plain migration: refused by default. */
START_TEST(test_plain_refused_without_any_source)
{
    struct twohost p;

    pair_new(&p, 4 << 20, 0);
    p.scfg.plain = true;
    twohost_run(&p, false, NULL, NULL);
    assert_failed_cleanly(&p, true);
    ck_assert_int_eq(p.dst_rc, -EACCES);
    ck_assert_msg(strstr(p.serr, "--any-source"), "%s", p.serr);
    twohost_free(&p);
}
END_TEST

/*
 * A source the destination does not list is refused in the handshake:
 * no guest was ever created on the destination.
 */
START_TEST(test_unlisted_source_refused)
{
    struct twohost p;

    pair_new(&p, 4 << 20, 0);
    ck_assert_int_eq(twohost_authorize(&p, NULL), 0);
    sim_check_wipes(true);
    twohost_run(&p, false, NULL, NULL);
    assert_failed_cleanly(&p, true);
    ck_assert_int_eq(p.src_rc, -EACCES);
    ck_assert_int_eq(p.dst_rc, -EACCES);
    ck_assert_msg(strstr(p.serr, "is not authorized"), "%s", p.serr);
    ck_assert_msg(strstr(p.rerr, "authorized_sources"), "%s", p.rerr);
    ck_assert(twohost_dest_clean(&p));
    ck_assert_uint_eq(sim_unwiped_frees(), 0);
    sim_check_wipes(false);

    /* Listed, the same source gets in. */
    ck_assert_int_eq(twohost_authorize(&p, "source"), 0);
    twohost_run(&p, false, NULL, NULL);
    ck_assert_msg(p.src_rc == 0, "source: %s", p.serr);
    ck_assert_msg(p.dst_rc == 0, "destination: %s", p.rerr);
    twohost_free(&p);
}
END_TEST

/* The receiver's opt-out: any source key, and plain migrations. */
START_TEST(test_any_source)
{
    struct twohost p;

    pair_new(&p, 4 << 20, 0);
    ck_assert_int_eq(unlink(p.authorized), 0);
    p.rcfg.trust.any_source = true;
    twohost_run(&p, false, NULL, NULL);
    ck_assert_msg(p.src_rc == 0, "source: %s", p.serr);
    ck_assert_msg(p.dst_rc == 0, "destination: %s", p.rerr);
    twohost_free(&p);
}
END_TEST

START_TEST(test_unknown_host_refused)
{
    struct twohost p;

    pair_new(&p, 4 << 20, 0);
    ck_assert_int_eq(twohost_pin(&p, "some-other-host"), 0);
    twohost_run(&p, false, NULL, NULL);
    assert_failed_cleanly(&p, true);
    ck_assert_msg(strstr(p.serr, "dest"), "%s", p.serr);
    twohost_free(&p);
}
END_TEST

START_TEST(test_changed_host_key_refused)
{
    struct twohost p;
    char err[256];

    pair_new(&p, 4 << 20, 0);
    /* The destination got a new key; the old one is still pinned. */
    ck_assert_int_eq(encmig_hostkey_generate(p.dir, "new", true, err,
                                             sizeof(err)), 0);
    p.scfg.trust.accept_new = true;
    twohost_run(&p, false, NULL, NULL);
    assert_failed_cleanly(&p, true);
    twohost_free(&p);
}
END_TEST

START_TEST(test_destination_dies_mid_stream)
{
    /* In the handshake, early, midway, and in the last batch. */
    static const uint64_t cuts[] = { 200, 300000, 3000000, 8450000 };
    unsigned int i;

    for ( i = 0; i < sizeof(cuts) / sizeof(cuts[0]); i++ )
    {
        struct twohost p;
        struct relay_plan plan;

        pair_new(&p, 8 << 20, 0);
        plan_cut(&plan, cuts[i]);
        twohost_run(&p, true, &plan, NULL);
        assert_failed_cleanly(&p, true);
        twohost_free(&p);
    }
}
END_TEST

START_TEST(test_keys_wiped_after_abort)
{
    struct twohost p;
    struct relay_plan plan;

    /* Cut midway: both sessions are torn down, nothing freed unwiped. */
    pair_new(&p, 4 << 20, 0);
    sim_check_wipes(true);
    plan_cut(&plan, 2000000);
    twohost_run(&p, true, &plan, NULL);
    assert_failed_cleanly(&p, true);
    ck_assert_uint_eq(sim_unwiped_frees(), 0);
    /* And after a migration that went through. */
    twohost_run(&p, false, NULL, NULL);
    ck_assert_int_eq(p.src_rc, 0);
    ck_assert_uint_eq(sim_unwiped_frees(), 0);
    sim_check_wipes(false);
    twohost_free(&p);
}
END_TEST

/* The tail of the destination's messages: RESUMED, VERIFY (with MACs). */
#define RESUMED_AND_VERIFY  ((8 + 32) + (8 + 32 + 32))
/* ...and GO, the last the source sends. */
#define GO_SIZE             (8 + 32)

struct holder {
    struct twohost *t;
    char path[128];
    bool resumed;
    int rc;
};

static void *hold_main(void *arg)
{
    struct holder *h = arg;

    h->rc = encmig_resolve_hold(h->t->src, h->t->domid, h->path,
                                &h->resumed);
    return NULL;
}

/* The operator's word through the holding socket, as encmig resolve. */
static void resolve(struct twohost *t, bool resume)
{
    struct holder h = { .t = t, .rc = -1 };
    pthread_t th;
    char err[256];
    int i, rc = -1;

    snprintf(h.path, sizeof(h.path), "%s/hold.sock", t->dir);
    ck_assert_int_eq(pthread_create(&th, NULL, hold_main, &h), 0);
    for ( i = 0; i < 100 && rc; i++ )
    {
        rc = encmig_resolve_sim(h.path, resume, err, sizeof(err));
        if ( rc )
            usleep(20000);
    }
    ck_assert_msg(rc == 0, "resolve: %s", err);
    pthread_join(th, NULL);
    ck_assert_int_eq(h.rc, 0);
    ck_assert(h.resumed == resume);
}

/*
 * The answer to GO lost: the guest runs on the destination, the source
 * keeps its copy paused and says so; the operator destroys it.
 */
START_TEST(test_unknown_outcome_guest_moved)
{
    struct twohost p;
    struct relay_plan a, b;
    uint64_t back;

    pair_new(&p, 2 << 20, 0);
    p.timeout_s = 2;
    twohost_run(&p, true, NULL, NULL);
    ck_assert_msg(p.src_rc == 0, "clean run: %s", p.serr);
    back = p.relay.dir[1].len;
    twohost_reset(&p);

    plan_pass(&a);
    plan_cut(&b, back - RESUMED_AND_VERIFY);
    b.hold = true;
    twohost_run(&p, true, &a, &b);
    ck_assert_int_ne(p.src_rc, 0);
    ck_assert_int_eq(p.sst.outcome, ENCMIG_OUTCOME_UNKNOWN);
    ck_assert_msg(strstr(p.serr, "outcome is unknown"), "%s", p.serr);
    ck_assert_int_eq(p.dst_rc, 0);
    {
        struct twohost_where w;

        twohost_where(&p, &w);
        ck_assert(w.src_exists && !w.src_running && w.src_intact);
        ck_assert(w.dst_copies == 1 && w.dst_running && w.dst_intact);
    }
    resolve(&p, false);
    ck_assert_int_eq(sim_domain_info(p.src, p.domid, NULL, NULL), -ESRCH);
    twohost_free(&p);
}
END_TEST

/*
 * GO lost and the destination's refusal lost too: nothing runs anywhere,
 * the source's copy is paused; the operator resumes it.
 */
START_TEST(test_unknown_outcome_guest_stayed)
{
    struct twohost p;
    struct relay_plan a, b;
    uint64_t to, back;

    pair_new(&p, 2 << 20, 0);
    p.timeout_s = 2;
    twohost_run(&p, true, NULL, NULL);
    ck_assert_msg(p.src_rc == 0, "clean run: %s", p.serr);
    to = p.relay.dir[0].len;
    back = p.relay.dir[1].len;
    twohost_reset(&p);

    plan_cut(&a, to - GO_SIZE);
    a.hold = true;
    plan_cut(&b, back - RESUMED_AND_VERIFY);
    b.hold = true;
    twohost_run(&p, true, &a, &b);
    ck_assert_msg(p.sst.outcome == ENCMIG_OUTCOME_UNKNOWN, "%d: %s | %s",
                  p.sst.outcome, p.serr, p.rerr);
    ck_assert_int_ne(p.dst_rc, 0);
    ck_assert(twohost_dest_clean(&p));
    resolve(&p, true);
    ck_assert(twohost_source_intact(&p, true));
    twohost_free(&p);
}
END_TEST

/*
 * N streams, a thread each at both ends, while the guest dirties pages:
 * pages sent again in later rounds on other streams must land last.
 */
START_TEST(test_streams)
{
    static const unsigned int counts[] = { 2, 3, 16 };
    unsigned int i;

    for (i = 0; i < sizeof(counts) / sizeof(counts[0]); i++) {
        struct twohost p;
        uint8_t dst_hash[32];

        pair_new(&p, 16 << 20, 50000);
        usleep(50000);
        p.scfg.streams = counts[i];
        p.scfg.batch = 64;
        twohost_run(&p, false, NULL, NULL);
        ck_assert_msg(p.src_rc == 0, "%u streams, source: %s", counts[i],
                      p.serr);
        ck_assert_msg(p.dst_rc == 0, "%u streams, destination: %s",
                      counts[i], p.rerr);
        ck_assert(p.sst.verified);
        ck_assert_uint_ge(p.sst.rounds, 2);
        ck_assert_uint_eq(p.rst.pages, p.sst.pages_sent);
        ck_assert_int_eq(sim_domain_hash(p.dst, p.rst.domid, dst_hash), 0);
        ck_assert_mem_eq(dst_hash, p.sst.hash, sizeof(dst_hash));
        twohost_free(&p);
    }
}
END_TEST

/*
 * One stream's imports lag behind the other's on the destination, whose
 * ring holds the whole guest, while a small guest rewrites its pages:
 * the other stream runs a round ahead with copies of the same pages, and
 * the later copy must still land last.
 */
START_TEST(test_streams_lagging)
{
    unsigned int run;

    for (run = 0; run < 3; run++) {
        struct twohost p;
        uint8_t dst_hash[32];

        pair_new(&p, 1 << 20, 200000);
        usleep(20000);
        sim_host_set_import_lag(p.dst, run % 2, 2000);
        p.scfg.streams = 2;
        p.scfg.batch = 8;
        p.rcfg.ring_slots = 64;
        twohost_run(&p, false, NULL, NULL);
        ck_assert_msg(p.src_rc == 0, "source: %s", p.serr);
        ck_assert_msg(p.dst_rc == 0, "destination: %s", p.rerr);
        ck_assert_uint_ge(p.sst.rounds, 2);
        ck_assert_msg(p.sst.verified, "run %u: the destination's guest "
                      "differs after %u rounds", run, p.sst.rounds);
        ck_assert_int_eq(sim_domain_hash(p.dst, p.rst.domid, dst_hash), 0);
        ck_assert_mem_eq(dst_hash, p.sst.hash, sizeof(dst_hash));
        twohost_free(&p);
    }
}
END_TEST

/* Plain mode is xl as it is: one stream; the source refuses more. */
START_TEST(test_streams_plain_refused)
{
    struct twohost p;

    pair_new(&p, 4 << 20, 0);
    p.scfg.plain = true;
    p.rcfg.trust.any_source = true;
    p.scfg.streams = 2;
    twohost_run(&p, false, NULL, NULL);
    ck_assert_int_eq(p.src_rc, -EINVAL);
    ck_assert_msg(strstr(p.serr, "streams"), "%s", p.serr);
    ck_assert(twohost_source_intact(&p, true));
    ck_assert(twohost_dest_clean(&p));
    twohost_free(&p);
}
END_TEST

START_TEST(test_buffers_fixed)
{
    struct twohost a, b;

    pair_new(&a, 8 << 20, 0);
    twohost_run(&a, false, NULL, NULL);
    ck_assert_int_eq(a.src_rc, 0);
    pair_new(&b, 64 << 20, 0);
    twohost_run(&b, false, NULL, NULL);
    ck_assert_int_eq(b.src_rc, 0);
    ck_assert_uint_eq(a.sst.buffer_bytes, b.sst.buffer_bytes);
    ck_assert_uint_eq(a.rst.buffer_bytes, b.rst.buffer_bytes);
    twohost_free(&a);
    twohost_free(&b);
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
    tcase_add_test(tc, test_state_moves);
    tcase_add_test(tc, test_plain_receiver_refuses_encrypted);
    tcase_add_test(tc, test_plain_refused_without_any_source);
    tcase_add_test(tc, test_unlisted_source_refused);
    tcase_add_test(tc, test_any_source);
    tcase_add_test(tc, test_unknown_host_refused);
    tcase_add_test(tc, test_changed_host_key_refused);
    tcase_add_test(tc, test_destination_dies_mid_stream);
    tcase_add_test(tc, test_keys_wiped_after_abort);
    tcase_add_test(tc, test_buffers_fixed);
    tcase_add_test(tc, test_streams);
    tcase_add_test(tc, test_streams_lagging);
    tcase_add_test(tc, test_streams_plain_refused);
    tcase_add_test(tc, test_unknown_outcome_guest_moved);
    tcase_add_test(tc, test_unknown_outcome_guest_stayed);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
