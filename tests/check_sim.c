/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * check_sim.c: the simulated hypervisor: domains, log-dirty, the
 * workload, pause, and the argument checks of every sub-op.
 */

#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "testutil.h"
#include "../sim/cipher-openssl.h"
#include "../xen/arch/x86/encmig/vaes.h"

#define SEED 0xabcdef12ULL

static void sleep_ms(long ms)
{
    nanosleep(&(struct timespec){ .tv_sec = ms / 1000,
                                  .tv_nsec = (ms % 1000) * 1000000L }, NULL);
}

START_TEST(test_domains_differ_per_host)
{
    struct tu_host a, b;
    uint8_t raw[TU_PAGE];
    uint64_t hpa_a, hpa_b, gfn, same = 0;

    tu_host_new(&a, 1, NULL, 64, 0);
    tu_host_new(&b, 2, NULL, 64, 0);
    for ( gfn = 0; gfn < 64; gfn++ )
    {
        ck_assert_int_eq(sim_frame_raw(a.host, a.domid, gfn, raw, &hpa_a), 0);
        ck_assert_int_eq(sim_frame_raw(b.host, b.domid, gfn, raw, &hpa_b), 0);
        ck_assert_uint_eq(hpa_a % TU_PAGE, 0);
        same += hpa_a == hpa_b;
    }
    ck_assert_uint_eq(same, 0);
    ck_assert_int_eq(sim_frame_raw(a.host, a.domid, 64, raw, &hpa_a), -EINVAL);
    tu_host_free(&a);
    tu_host_free(&b);
}
END_TEST

START_TEST(test_guest_read_write)
{
    struct tu_host a;
    uint8_t page[TU_PAGE], back[TU_PAGE];

    tu_host_new(&a, 1, NULL, 16, SEED);
    tu_page_pattern(SEED, 9, page);
    ck_assert_int_eq(sim_guest_read(a.host, a.domid, 9, back), 0);
    ck_assert_mem_eq(page, back, TU_PAGE);
    ck_assert_int_eq(sim_guest_read(a.host, 42, 9, back), -ESRCH);
    tu_host_free(&a);
}
END_TEST

START_TEST(test_logdirty_and_pause)
{
    struct tu_host a;
    uint64_t bitmap[4], count = 0, writes, writes2;
    bool paused;

    tu_host_new(&a, 1, NULL, 256, SEED);
    ck_assert_int_eq(sim_domain_info(a.host, a.domid, NULL, &paused), 0);
    ck_assert(paused);
    ck_assert_int_eq(sim_logdirty_enable(a.host, a.domid, true), 0);
    ck_assert_int_eq(sim_workload_start(a.host, a.domid, 20000, 1), 0);

    /* Paused: the workload writes nothing. */
    sleep_ms(30);
    ck_assert_int_eq(sim_logdirty_clean(a.host, a.domid, bitmap, 4, &count), 0);
    ck_assert_uint_eq(count, 0);

    ck_assert_int_eq(sim_domain_unpause(a.host, a.domid), 0);
    sleep_ms(50);
    ck_assert_int_eq(sim_domain_pause(a.host, a.domid), 0);
    ck_assert_int_eq(sim_logdirty_clean(a.host, a.domid, bitmap, 4, &count), 0);
    ck_assert_uint_gt(count, 0);
    /* A clean round reads and clears. */
    ck_assert_int_eq(sim_logdirty_clean(a.host, a.domid, bitmap, 4, &count), 0);
    ck_assert_uint_eq(count, 0);
    ck_assert_int_eq(sim_logdirty_clean(a.host, a.domid, bitmap, 3, &count),
                     -ENOSPC);

    ck_assert_int_eq(sim_workload_stop(a.host, a.domid, &writes), 0);
    ck_assert_uint_gt(writes, 0);
    ck_assert_int_eq(sim_workload_stop(a.host, a.domid, &writes2), 0);
    ck_assert_uint_eq(writes, writes2);
    tu_host_free(&a);
}
END_TEST

/* One raw op against t's domain (or domid); returns errno or 0. */
static int op_on(struct tu_host *t, domid_t domid,
                 struct xen_domctl_encmig_op *op)
{
    return encmig_hc_op(t->hc, domid, op) ? errno : 0;
}

START_TEST(test_probe)
{
    struct tu_host a;
    struct xen_encmig_probe p;

    tu_host_new(&a, 1, &encmig_cipher_openssl, 32, 0);
    ck_assert_int_eq(encmig_hc_probe(a.hc, a.domid, &p), 0);
    ck_assert_uint_eq(p.version, XEN_ENCMIG_INTERFACE_VERSION);
    ck_assert_uint_eq(p.mem_backend, XEN_ENCMIG_MEM_XTS_SIM);
    ck_assert_uint_eq(p.max_gfn, 31);
    ck_assert_uint_eq(p.rec_size, XEN_ENCMIG_REC_SIZE);
    ck_assert(p.caps & XEN_ENCMIG_CAP_EXPORT);
    ck_assert(!(p.caps & (XEN_ENCMIG_CAP_AESNI | XEN_ENCMIG_CAP_VAES)));
    /* The capability says which cipher sessions will get. */
    if ( encmig_cpu_has_aesni() )
    {
        sim_host_set_cipher(a.host, &encmig_cipher_aesni);
        ck_assert_int_eq(encmig_hc_probe(a.hc, a.domid, &p), 0);
        ck_assert(p.caps & XEN_ENCMIG_CAP_AESNI);
        ck_assert(!(p.caps & XEN_ENCMIG_CAP_VAES));
    }
    if ( encmig_cpu_has_vaes() )
    {
        sim_host_set_cipher(a.host, &encmig_cipher_vaes);
        ck_assert_int_eq(encmig_hc_probe(a.hc, a.domid, &p), 0);
        ck_assert((p.caps & (XEN_ENCMIG_CAP_AESNI | XEN_ENCMIG_CAP_VAES)) ==
                  (XEN_ENCMIG_CAP_AESNI | XEN_ENCMIG_CAP_VAES));
    }
    tu_host_free(&a);
}
END_TEST

START_TEST(test_bad_arguments)
{
    struct tu_host a;
    struct xen_encmig_keymat km;
    struct xen_domctl_encmig_op op;
    struct encmig_hc *unpriv;
    uint64_t *gfns;
    uint8_t *buf, before[32], after[32];
    size_t one = XEN_ENCMIG_REC_SIZE;

    tu_host_new(&a, 1, NULL, 16, SEED);
    ck_assert_int_eq(sim_domain_hash(a.host, a.domid, before), 0);
    tu_random_keymat(&km);
    gfns = encmig_hc_buf_alloc(a.hc, 2048 * sizeof(*gfns));
    buf = encmig_hc_buf_alloc(a.hc, 2 * one);
    memset(gfns, 0, 2048 * sizeof(*gfns));

    /* Unknown sub-op, wrong interface major. */
    memset(&op, 0, sizeof(op));
    op.cmd = 99;
    ck_assert_int_eq(op_on(&a, a.domid, &op), EOPNOTSUPP);
    op.cmd = XEN_ENCMIG_OP_probe;
    op.version = 0x00020000;
    ck_assert_int_eq(a.hc->ops->domctl(a.hc, a.domid, &op), -EPROTONOSUPPORT);

    /* Bad target: missing domain, the control domain; bad caller. */
    memset(&op, 0, sizeof(op));
    op.cmd = XEN_ENCMIG_OP_probe;
    ck_assert_int_eq(op_on(&a, 33, &op), ESRCH);
    ck_assert_int_eq(op_on(&a, 0, &op), EINVAL);
    unpriv = encmig_hc_open_sim(a.host, false);
    ck_assert_int_eq(encmig_hc_op(unpriv, a.domid, &op), -1);
    ck_assert_int_eq(errno, EPERM);
    encmig_hc_close(unpriv);

    /* No session yet. */
    ck_assert_int_eq(encmig_hc_export(a.hc, a.domid, 0, 0, gfns, 1, buf, one),
                     -1);
    ck_assert_int_eq(errno, ENOENT);
    ck_assert_int_eq(encmig_hc_teardown(a.hc, a.domid), -1);
    ck_assert_int_eq(errno, ENOENT);

    /* Setup: bad direction, stream counts, key material. */
    ck_assert_int_eq(encmig_hc_setup(a.hc, a.domid, 3, 1, &km), -1);
    ck_assert_int_eq(errno, EINVAL);
    ck_assert_int_eq(encmig_hc_setup(a.hc, a.domid, XEN_ENCMIG_DIR_EXPORT, 0,
                                     &km), -1);
    ck_assert_int_eq(errno, EINVAL);
    ck_assert_int_eq(encmig_hc_setup(a.hc, a.domid, XEN_ENCMIG_DIR_EXPORT,
                                     XEN_ENCMIG_MAX_STREAMS + 1, &km), -1);
    ck_assert_int_eq(errno, E2BIG);
    km.pad = 1;
    ck_assert_int_eq(encmig_hc_setup(a.hc, a.domid, XEN_ENCMIG_DIR_EXPORT, 1,
                                     &km), -1);
    ck_assert_int_eq(errno, EINVAL);
    km.pad = 0;
    memset(&op, 0, sizeof(op));
    op.cmd = XEN_ENCMIG_OP_setup;
    op.u.setup.direction = XEN_ENCMIG_DIR_EXPORT;
    op.u.setup.nr_streams = 1;
    op.u.setup.keymat_size = sizeof(km);
    ck_assert_int_eq(op_on(&a, a.domid, &op), EFAULT);   /* null handle */
    set_xen_guest_handle(op.u.setup.keymat, (uint8_t *)&km);
    ck_assert_int_eq(op_on(&a, a.domid, &op), EFAULT);   /* not a hc buffer */
    op.u.setup.keymat_format = 7;
    ck_assert_int_eq(op_on(&a, a.domid, &op), EOPNOTSUPP);

    /* Setup twice. */
    ck_assert_int_eq(encmig_hc_setup(a.hc, a.domid, XEN_ENCMIG_DIR_EXPORT, 2,
                                     &km), 0);
    ck_assert_int_eq(encmig_hc_setup(a.hc, a.domid, XEN_ENCMIG_DIR_EXPORT, 1,
                                     &km), -1);
    ck_assert_int_eq(errno, EEXIST);

    /* Export: stream, counts, gfn range, buffer size and placement. */
    ck_assert_int_eq(encmig_hc_export(a.hc, a.domid, 2, 0, gfns, 1, buf, one),
                     -1);
    ck_assert_int_eq(errno, EINVAL);
    ck_assert_int_eq(encmig_hc_export(a.hc, a.domid, 0, 0, gfns, 0, buf, one),
                     -1);
    ck_assert_int_eq(errno, EINVAL);
    ck_assert_int_eq(encmig_hc_export(a.hc, a.domid, 0, 0, gfns,
                                      XEN_ENCMIG_MAX_BATCH + 1, buf,
                                      (size_t)2048 * one), -1);
    ck_assert_int_eq(errno, E2BIG);
    ck_assert_int_eq(encmig_hc_export(a.hc, a.domid, 0, 0, gfns, 2, buf,
                                      one), -1);
    ck_assert_int_eq(errno, ENOSPC);
    /* buf_size claims 3 records; only 2 are a hypercall buffer. */
    ck_assert_int_eq(encmig_hc_export(a.hc, a.domid, 0, 0, gfns, 3, buf,
                                      3 * one), -1);
    ck_assert_int_eq(errno, EFAULT);
    ck_assert_int_eq(encmig_hc_export(a.hc, a.domid, 0, 0, gfns, 1,
                                      buf + one + 1, one), -1);
    ck_assert_int_eq(errno, EFAULT);                     /* runs off the end */
    gfns[0] = 16;
    ck_assert_int_eq(encmig_hc_export(a.hc, a.domid, 0, 0, gfns, 1, buf, one),
                     -1);
    ck_assert_int_eq(errno, ERANGE);
    gfns[0] = UINT64_MAX;
    ck_assert_int_eq(encmig_hc_export(a.hc, a.domid, 0, 0, gfns, 1, buf, one),
                     -1);
    ck_assert_int_eq(errno, ERANGE);
    gfns[0] = 3;

    /* Import on an export session. */
    ck_assert_int_eq(encmig_hc_import(a.hc, a.domid, 0, buf, 1, one, NULL),
                     -1);
    ck_assert_int_eq(errno, EPERM);

    /* A proper export still works, then teardown, then use after it. */
    ck_assert_int_eq(encmig_hc_export(a.hc, a.domid, 1, 0, gfns, 1, buf, one),
                     0);
    ck_assert_int_eq(encmig_hc_teardown(a.hc, a.domid), 0);
    ck_assert_int_eq(encmig_hc_export(a.hc, a.domid, 0, 0, gfns, 1, buf, one),
                     -1);
    ck_assert_int_eq(errno, ENOENT);

    /* Import into a running domain. */
    ck_assert_int_eq(encmig_hc_setup(a.hc, a.domid, XEN_ENCMIG_DIR_IMPORT, 1,
                                     &km), 0);
    ck_assert_int_eq(sim_domain_unpause(a.host, a.domid), 0);
    ck_assert_int_eq(encmig_hc_import(a.hc, a.domid, 0, buf, 1, one, NULL),
                     -1);
    ck_assert_int_eq(errno, EBUSY);
    ck_assert_int_eq(sim_domain_pause(a.host, a.domid), 0);
    memset(&op, 0, sizeof(op));
    op.cmd = XEN_ENCMIG_OP_import;
    op.u.import.nr_recs = 1;
    op.u.import.pad = 1;
    op.u.import.buf_size = one;
    set_xen_guest_handle(op.u.import.buf, buf);
    ck_assert_int_eq(op_on(&a, a.domid, &op), EINVAL);

    /* After all of that, the guest is as it was. */
    ck_assert_int_eq(sim_domain_hash(a.host, a.domid, after), 0);
    ck_assert_mem_eq(before, after, sizeof(before));

    encmig_hc_buf_free(a.hc, gfns, 2048 * sizeof(*gfns));
    encmig_hc_buf_free(a.hc, buf, 2 * one);
    tu_host_free(&a);
}
END_TEST

START_TEST(test_dying_domain)
{
    struct tu_host a;
    struct xen_encmig_keymat km;
    struct xen_encmig_probe p;

    tu_host_new(&a, 1, NULL, 8, 0);
    tu_random_keymat(&km);
    ck_assert_int_eq(encmig_hc_setup(a.hc, a.domid, XEN_ENCMIG_DIR_EXPORT, 1,
                                     &km), 0);
    ck_assert_int_eq(sim_domain_kill(a.host, a.domid), 0);
    /* Dying: every sub-op refuses it, teardown included. */
    ck_assert_int_eq(encmig_hc_probe(a.hc, a.domid, &p), -1);
    ck_assert_int_eq(errno, ESRCH);
    ck_assert_int_eq(encmig_hc_teardown(a.hc, a.domid), -1);
    ck_assert_int_eq(errno, ESRCH);
    ck_assert_int_eq(sim_domain_kill(a.host, a.domid), -ESRCH);
    /* The destroy finishes it, session and all. */
    ck_assert_int_eq(sim_domain_destroy(a.host, a.domid), 0);
    ck_assert_int_eq(sim_domain_destroy(a.host, a.domid), -ESRCH);
    tu_host_free(&a);
}
END_TEST

START_TEST(test_session_dies_with_domain)
{
    struct tu_host a;
    struct xen_encmig_keymat km;
    domid_t d2;

    tu_host_new(&a, 1, NULL, 8, 0);
    tu_random_keymat(&km);
    ck_assert_int_eq(encmig_hc_setup(a.hc, a.domid, XEN_ENCMIG_DIR_EXPORT, 1,
                                     &km), 0);
    ck_assert_int_eq(sim_domain_destroy(a.host, a.domid), 0);
    ck_assert_int_eq(sim_domain_destroy(a.host, a.domid), -ESRCH);
    ck_assert_int_eq(encmig_hc_teardown(a.hc, a.domid), -1);
    ck_assert_int_eq(errno, ESRCH);
    /* The slot is reused by a new domain, which starts with no session. */
    ck_assert_int_eq(sim_domain_create(a.host, 8, &d2), 0);
    ck_assert_int_eq(encmig_hc_teardown(a.hc, d2), -1);
    ck_assert_int_eq(errno, ENOENT);
    tu_host_free(&a);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("sim");
    TCase *tc = tcase_create("sim");
    SRunner *sr;
    int failed;

    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_domains_differ_per_host);
    tcase_add_test(tc, test_guest_read_write);
    tcase_add_test(tc, test_logdirty_and_pause);
    tcase_add_test(tc, test_probe);
    tcase_add_test(tc, test_bad_arguments);
    tcase_add_test(tc, test_dying_domain);
    tcase_add_test(tc, test_session_dies_with_domain);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
