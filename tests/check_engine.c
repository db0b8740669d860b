/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * check_engine.c: the re-key engine, through the hypercall API, on two
 * simulated hosts whose frames live at different physical addresses.
 */

#include <check.h>
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "../sim/cipher-openssl.h"
#include "../xen/arch/x86/encmig/crypto.h"
#include "../xen/arch/x86/encmig/port.h"

#define PAGES 96U
#define SEED  0x5eed0001ULL

static uint8_t *recs_alloc(struct tu_host *t, uint32_t n)
{
    uint8_t *p = encmig_hc_buf_alloc(t->hc, (size_t)n * XEN_ENCMIG_REC_SIZE);

    ck_assert_ptr_nonnull(p);
    return p;
}

static void recs_free(struct tu_host *t, uint8_t *p, uint32_t n)
{
    encmig_hc_buf_free(t->hc, p, (size_t)n * XEN_ENCMIG_REC_SIZE);
}

static void setup_pair(struct tu_host *src, struct tu_host *dst,
                       const struct xen_encmig_keymat *km,
                       uint32_t nr_streams)
{
    ck_assert_int_eq(encmig_hc_setup(src->hc, src->domid,
                                     XEN_ENCMIG_DIR_EXPORT, nr_streams, km), 0);
    ck_assert_int_eq(encmig_hc_setup(dst->hc, dst->domid,
                                     XEN_ENCMIG_DIR_IMPORT, nr_streams, km), 0);
}

static void migrate_with(const struct encmig_cipher_ops *src_c,
                         const struct encmig_cipher_ops *dst_c)
{
    struct tu_host a, b;
    struct xen_encmig_keymat km;
    uint8_t ha[32], hb[32], *recs;
    struct xen_encmig_status st;
    uint32_t done;

    tu_host_new(&a, 1, src_c, PAGES, SEED);
    tu_host_new(&b, 2, dst_c, PAGES, 0);
    tu_random_keymat(&km);
    setup_pair(&a, &b, &km, 1);

    recs = recs_alloc(&a, PAGES);
    ck_assert_int_eq(tu_export_range(&a, 0, 0, 0, PAGES, recs), 0);
    /* The importer reads the bytes as they came: copy into its own buffer. */
    {
        uint8_t *in = recs_alloc(&b, PAGES);

        memcpy(in, recs, (size_t)PAGES * XEN_ENCMIG_REC_SIZE);
        ck_assert_int_eq(encmig_hc_import(b.hc, b.domid, 0, in, PAGES,
                                          (size_t)PAGES * XEN_ENCMIG_REC_SIZE,
                                          &done), 0);
        ck_assert_uint_eq(done, PAGES);
        recs_free(&b, in, PAGES);
    }

    ck_assert_int_eq(sim_domain_hash(a.host, a.domid, ha), 0);
    ck_assert_int_eq(sim_domain_hash(b.host, b.domid, hb), 0);
    ck_assert_mem_eq(ha, hb, sizeof(ha));

    ck_assert_int_eq(encmig_hc_status(b.hc, b.domid, &st), 0);
    ck_assert_uint_eq(st.records, PAGES);
    ck_assert_uint_eq(st.auth_failures, 0);

    recs_free(&a, recs, PAGES);
    tu_host_free(&a);
    tu_host_free(&b);
}

START_TEST(test_migrate_openssl)
{
    migrate_with(&encmig_cipher_openssl, &encmig_cipher_openssl);
}
END_TEST

START_TEST(test_migrate_portable)
{
    migrate_with(&encmig_cipher_portable, &encmig_cipher_portable);
}
END_TEST

START_TEST(test_migrate_mixed)
{
    /* Portable on one side, OpenSSL on the other: the bytes must agree. */
    migrate_with(&encmig_cipher_portable, &encmig_cipher_openssl);
    migrate_with(&encmig_cipher_openssl, &encmig_cipher_portable);
}
END_TEST

/*
 * OpenSSL's seal, noting every seal whose output lay in the caller's
 * buffer: GCM reads back what it wrote there to compute the tag, so a
 * caller writing to its buffer meanwhile would get its own ciphertext
 * authenticated.  The engine must seal into its own memory, then copy.
 */
static const uint8_t *caller_lo, *caller_hi;
static unsigned int sealed_in_caller;

static int seal_watched(void *ctx, const uint8_t iv[ENCMIG_GCM_IV],
                        const uint8_t *aad, size_t aad_len,
                        const uint8_t *in, size_t len,
                        uint8_t *out, uint8_t tag[ENCMIG_GCM_TAG])
{
    if ( (out >= caller_lo && out < caller_hi) ||
         (tag >= caller_lo && tag < caller_hi) )
        sealed_in_caller++;
    return encmig_cipher_openssl.gcm_seal(ctx, iv, aad, aad_len, in, len,
                                          out, tag);
}

START_TEST(test_never_sealed_in_caller_buffer)
{
    struct encmig_cipher_ops watched = encmig_cipher_openssl;
    struct tu_host a, b;
    struct xen_encmig_keymat km;
    uint8_t *recs;

    watched.gcm_seal = seal_watched;
    tu_host_new(&a, 1, &watched, PAGES, SEED);
    tu_host_new(&b, 2, &encmig_cipher_openssl, PAGES, 0);
    tu_random_keymat(&km);
    setup_pair(&a, &b, &km, 1);

    recs = recs_alloc(&a, PAGES);
    caller_lo = recs;
    caller_hi = recs + (size_t)PAGES * XEN_ENCMIG_REC_SIZE;
    sealed_in_caller = 0;
    ck_assert_int_eq(tu_export_range(&a, 0, 0, 0, PAGES, recs), 0);
    ck_assert_uint_eq(sealed_in_caller, 0);

    recs_free(&a, recs, PAGES);
    tu_host_free(&a);
    tu_host_free(&b);
}
END_TEST

START_TEST(test_address_dependence)
{
    struct tu_host a, b;
    struct xen_encmig_keymat km;
    uint8_t page[TU_PAGE], raw0[TU_PAGE], raw1[TU_PAGE], rawb[TU_PAGE];
    uint8_t p0[TU_PAGE], p1[TU_PAGE], *recs;
    uint64_t hpa0, hpa1, hpab;

    tu_host_new(&a, 1, NULL, 4, 0);
    tu_host_new(&b, 2, NULL, 4, 0);
    tu_page_pattern(SEED, 7, page);
    ck_assert_int_eq(sim_guest_write(a.host, a.domid, 0, page), 0);
    ck_assert_int_eq(sim_guest_write(a.host, a.domid, 1, page), 0);
    ck_assert_int_eq(sim_guest_write(b.host, b.domid, 0, page), 0);

    /* Same plaintext, same key, two addresses: two ciphertexts. */
    ck_assert_int_eq(sim_frame_raw(a.host, a.domid, 0, raw0, &hpa0), 0);
    ck_assert_int_eq(sim_frame_raw(a.host, a.domid, 1, raw1, &hpa1), 0);
    ck_assert_uint_ne(hpa0, hpa1);
    ck_assert_int_ne(memcmp(raw0, raw1, TU_PAGE), 0);
    ck_assert_int_ne(memcmp(raw0, page, TU_PAGE), 0);
    /* The same gfn lives elsewhere on another host. */
    ck_assert_int_eq(sim_frame_raw(b.host, b.domid, 0, rawb, &hpab), 0);
    ck_assert_uint_ne(hpa0, hpab);
    ck_assert_int_ne(memcmp(raw0, rawb, TU_PAGE), 0);

    /* The migration records of both decrypt to the same page anywhere. */
    tu_random_keymat(&km);
    ck_assert_int_eq(encmig_hc_setup(a.hc, a.domid, XEN_ENCMIG_DIR_EXPORT, 1,
                                     &km), 0);
    recs = recs_alloc(&a, 2);
    ck_assert_int_eq(tu_export_range(&a, 0, 0, 0, 2, recs), 0);
    ck_assert_int_eq(tu_open_record(&km, recs, p0), 0);
    ck_assert_int_eq(tu_open_record(&km, recs + XEN_ENCMIG_REC_SIZE, p1), 0);
    ck_assert_mem_eq(p0, page, TU_PAGE);
    ck_assert_mem_eq(p1, page, TU_PAGE);

    recs_free(&a, recs, 2);
    tu_host_free(&a);
    tu_host_free(&b);
}
END_TEST

/* Import one record (copied into b's buffer); returns errno or 0. */
static int import_one(struct tu_host *b, uint8_t *in, const uint8_t *rec)
{
    memcpy(in, rec, XEN_ENCMIG_REC_SIZE);
    return encmig_hc_import(b->hc, b->domid, 0, in, 1, XEN_ENCMIG_REC_SIZE,
                            NULL) ? errno : 0;
}

START_TEST(test_every_bit_flip_refused)
{
    struct tu_host a, b;
    struct xen_encmig_keymat km;
    uint8_t before[TU_PAGE], after[TU_PAGE], bad[XEN_ENCMIG_REC_SIZE];
    uint8_t *recs, *in;
    uint64_t hpa;
    unsigned int bit, refused = 0;

    tu_host_new(&a, 1, NULL, 2, SEED);
    tu_host_new(&b, 2, NULL, 2, 0);
    tu_random_keymat(&km);
    setup_pair(&a, &b, &km, 1);
    recs = recs_alloc(&a, 1);
    in = recs_alloc(&b, 1);
    ck_assert_int_eq(tu_export_range(&a, 0, 0, 1, 1, recs), 0);
    ck_assert_int_eq(sim_frame_raw(b.host, b.domid, 1, before, &hpa), 0);

    for ( bit = 0; bit < XEN_ENCMIG_REC_SIZE * 8; bit++ )
    {
        int rc;

        memcpy(bad, recs, sizeof(bad));
        bad[bit / 8] ^= 1U << (bit % 8);
        rc = import_one(&b, in, bad);
        /* A flipped gfn may point at the other page: still refused. */
        ck_assert_msg(rc == EBADMSG || rc == EINVAL || rc == ERANGE ||
                      rc == EILSEQ, "bit %u: rc %d", bit, rc);
        refused++;
    }
    ck_assert_uint_eq(refused, XEN_ENCMIG_REC_SIZE * 8);

    /* Nothing reached the guest: both frames are as they were. */
    ck_assert_int_eq(sim_frame_raw(b.host, b.domid, 1, after, &hpa), 0);
    ck_assert_mem_eq(before, after, TU_PAGE);

    /* The genuine record still imports. */
    ck_assert_int_eq(import_one(&b, in, recs), 0);
    ck_assert_int_eq(sim_frame_raw(b.host, b.domid, 1, after, &hpa), 0);
    ck_assert_int_ne(memcmp(before, after, TU_PAGE), 0);

    recs_free(&a, recs, 1);
    recs_free(&b, in, 1);
    tu_host_free(&a);
    tu_host_free(&b);
}
END_TEST

START_TEST(test_wrong_key_refused)
{
    struct tu_host a, b;
    struct xen_encmig_keymat km, other;
    uint8_t before[TU_PAGE], after[TU_PAGE], *recs, *in;
    uint64_t hpa;

    tu_host_new(&a, 1, NULL, 2, SEED);
    tu_host_new(&b, 2, NULL, 2, 0);
    tu_random_keymat(&km);
    other = km;
    other.key[5] ^= 0x20;
    ck_assert_int_eq(encmig_hc_setup(a.hc, a.domid, XEN_ENCMIG_DIR_EXPORT, 1,
                                     &km), 0);
    ck_assert_int_eq(encmig_hc_setup(b.hc, b.domid, XEN_ENCMIG_DIR_IMPORT, 1,
                                     &other), 0);
    recs = recs_alloc(&a, 1);
    in = recs_alloc(&b, 1);
    ck_assert_int_eq(tu_export_range(&a, 0, 0, 0, 1, recs), 0);
    ck_assert_int_eq(sim_frame_raw(b.host, b.domid, 0, before, &hpa), 0);
    ck_assert_int_eq(import_one(&b, in, recs), EBADMSG);
    ck_assert_int_eq(sim_frame_raw(b.host, b.domid, 0, after, &hpa), 0);
    ck_assert_mem_eq(before, after, TU_PAGE);

    /* Another session id (same key) is another session: refused too. */
    ck_assert_int_eq(encmig_hc_teardown(b.hc, b.domid), 0);
    other = km;
    other.session_id[0] ^= 1;
    ck_assert_int_eq(encmig_hc_setup(b.hc, b.domid, XEN_ENCMIG_DIR_IMPORT, 1,
                                     &other), 0);
    ck_assert_int_eq(import_one(&b, in, recs), EBADMSG);

    recs_free(&a, recs, 1);
    recs_free(&b, in, 1);
    tu_host_free(&a);
    tu_host_free(&b);
}
END_TEST

START_TEST(test_sequence_enforced)
{
    struct tu_host a, b;
    struct xen_encmig_keymat km;
    uint8_t *recs, *in;

    tu_host_new(&a, 1, NULL, 4, SEED);
    tu_host_new(&b, 2, NULL, 4, 0);
    tu_random_keymat(&km);
    setup_pair(&a, &b, &km, 1);
    recs = recs_alloc(&a, 3);
    in = recs_alloc(&b, 1);
    ck_assert_int_eq(tu_export_range(&a, 0, 0, 0, 3, recs), 0);

    /* Dropped (skip 0), then in order, then replayed. */
    ck_assert_int_eq(import_one(&b, in, recs + XEN_ENCMIG_REC_SIZE), EILSEQ);
    ck_assert_int_eq(import_one(&b, in, recs), 0);
    ck_assert_int_eq(import_one(&b, in, recs), EILSEQ);
    ck_assert_int_eq(import_one(&b, in, recs + XEN_ENCMIG_REC_SIZE), 0);
    ck_assert_int_eq(import_one(&b, in, recs + XEN_ENCMIG_REC_SIZE), EILSEQ);
    ck_assert_int_eq(import_one(&b, in, recs + 2 * XEN_ENCMIG_REC_SIZE), 0);

    recs_free(&a, recs, 3);
    recs_free(&b, in, 1);
    tu_host_free(&a);
    tu_host_free(&b);
}
END_TEST

static int cmp_u64(const void *x, const void *y)
{
    uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;

    return a < b ? -1 : a > b;
}

START_TEST(test_nonce_never_repeats)
{
    enum { STREAMS = 4, BATCH = 64, ROUNDS = 50, PAGES_N = 256 };
    const uint32_t total = STREAMS * ROUNDS * BATCH;
    struct tu_host a;
    struct xen_encmig_keymat km;
    uint64_t *ids = calloc(total, sizeof(*ids));
    uint8_t *recs, plain[TU_PAGE];
    uint32_t n = 0, round, s, i;

    ck_assert_ptr_nonnull(ids);
    tu_host_new(&a, 1, NULL, PAGES_N, SEED);
    /* Preempt often: continuations must not reuse or skip a seq. */
    sim_host_set_preempt(a.host, 5);
    tu_random_keymat(&km);
    ck_assert_int_eq(encmig_hc_setup(a.hc, a.domid, XEN_ENCMIG_DIR_EXPORT,
                                     STREAMS, &km), 0);
    recs = recs_alloc(&a, BATCH);

    for ( round = 0; round < ROUNDS; round++ )
        for ( s = 0; s < STREAMS; s++ )
        {
            uint64_t first = (round * 37 + s * 11) % (PAGES_N - BATCH);

            ck_assert_int_eq(tu_export_range(&a, s, round, first, BATCH,
                                             recs), 0);
            for ( i = 0; i < BATCH; i++ )
            {
                const uint8_t *rec = recs + (size_t)i * XEN_ENCMIG_REC_SIZE;
                const struct xen_encmig_rec_hdr *h = (const void *)rec;

                ck_assert_uint_eq(h->stream, s);
                ck_assert_uint_eq(h->round, round);
                ck_assert_uint_lt(h->seq, UINT64_C(1) << 32);
                ids[n++] = ((uint64_t)h->stream << 32) | h->seq;
                /* Spot-check: the nonce is the documented one. */
                if ( i % 16 == 0 )
                    ck_assert_int_eq(tu_open_record(&km, rec, plain), 0);
            }
        }

    ck_assert_uint_eq(n, total);
    qsort(ids, n, sizeof(*ids), cmp_u64);
    for ( i = 1; i < n; i++ )
        ck_assert_msg(ids[i] != ids[i - 1], "nonce reused: %#llx",
                      (unsigned long long)ids[i]);

    recs_free(&a, recs, BATCH);
    tu_host_free(&a);
    free(ids);
}
END_TEST

START_TEST(test_preempted_batch_matches)
{
    struct tu_host a, b;
    struct xen_encmig_keymat km;
    uint8_t ha[32], hb[32], *recs, *in;
    uint32_t done;

    tu_host_new(&a, 1, NULL, 300, SEED);
    tu_host_new(&b, 2, NULL, 300, 0);
    sim_host_set_preempt(a.host, 3);
    sim_host_set_preempt(b.host, 7);
    tu_random_keymat(&km);
    setup_pair(&a, &b, &km, 1);
    recs = recs_alloc(&a, 300);
    in = recs_alloc(&b, 300);
    ck_assert_int_eq(tu_export_range(&a, 0, 0, 0, 300, recs), 0);
    memcpy(in, recs, (size_t)300 * XEN_ENCMIG_REC_SIZE);
    ck_assert_int_eq(encmig_hc_import(b.hc, b.domid, 0, in, 300,
                                      (size_t)300 * XEN_ENCMIG_REC_SIZE,
                                      &done), 0);
    ck_assert_uint_eq(done, 300);
    ck_assert_int_eq(sim_domain_hash(a.host, a.domid, ha), 0);
    ck_assert_int_eq(sim_domain_hash(b.host, b.domid, hb), 0);
    ck_assert_mem_eq(ha, hb, sizeof(ha));

    recs_free(&a, recs, 300);
    recs_free(&b, in, 300);
    tu_host_free(&a);
    tu_host_free(&b);
}
END_TEST

START_TEST(test_failed_batch_stops_at_bad_record)
{
    struct tu_host a, b;
    struct xen_encmig_keymat km;
    uint8_t *recs, *in, before[TU_PAGE], after[TU_PAGE], page[TU_PAGE];
    uint64_t hpa;
    uint32_t done;

    tu_host_new(&a, 1, NULL, 8, SEED);
    tu_host_new(&b, 2, NULL, 8, 0);
    tu_random_keymat(&km);
    setup_pair(&a, &b, &km, 1);
    recs = recs_alloc(&a, 8);
    in = recs_alloc(&b, 8);
    ck_assert_int_eq(tu_export_range(&a, 0, 0, 0, 8, recs), 0);
    memcpy(in, recs, (size_t)8 * XEN_ENCMIG_REC_SIZE);
    /* Corrupt record 5's tag. */
    in[5 * XEN_ENCMIG_REC_SIZE + XEN_ENCMIG_REC_SIZE - 1] ^= 0x80;
    ck_assert_int_eq(sim_frame_raw(b.host, b.domid, 5, before, &hpa), 0);
    ck_assert_int_eq(encmig_hc_import(b.hc, b.domid, 0, in, 8,
                                      (size_t)8 * XEN_ENCMIG_REC_SIZE, &done),
                     -1);
    ck_assert_int_eq(errno, EBADMSG);
    ck_assert_uint_eq(done, 5);
    ck_assert_int_eq(sim_frame_raw(b.host, b.domid, 5, after, &hpa), 0);
    ck_assert_mem_eq(before, after, TU_PAGE);
    /* The five before it did land, and are right. */
    ck_assert_int_eq(sim_guest_read(b.host, b.domid, 4, page), 0);
    tu_page_pattern(SEED, 4, before);
    ck_assert_mem_eq(page, before, TU_PAGE);

    recs_free(&a, recs, 8);
    recs_free(&b, in, 8);
    tu_host_free(&a);
    tu_host_free(&b);
}
END_TEST

/*
 * Named target frames: each must be the record's own page (for a
 * translated domain, the header's gfn); a frame named for another page is
 * refused before anything is written, and the batch stops there.
 */
START_TEST(test_import_frames_must_match)
{
    struct tu_host a, b;
    struct xen_encmig_keymat km;
    struct xen_encmig_status st;
    uint8_t *recs, *in, before[TU_PAGE], after[TU_PAGE];
    uint64_t *frames, hpa;
    uint32_t done, i;

    tu_host_new(&a, 1, NULL, 8, SEED);
    tu_host_new(&b, 2, NULL, 8, 0);
    tu_random_keymat(&km);
    setup_pair(&a, &b, &km, 1);
    recs = recs_alloc(&a, 8);
    in = recs_alloc(&b, 8);
    frames = encmig_hc_buf_alloc(b.hc, 8 * sizeof(*frames));
    ck_assert_ptr_nonnull(frames);
    ck_assert_int_eq(tu_export_range(&a, 0, 0, 0, 8, recs), 0);
    memcpy(in, recs, (size_t)8 * XEN_ENCMIG_REC_SIZE);

    for ( i = 0; i < 8; i++ )
        frames[i] = i;
    frames[3] = 6;                       /* record 3 sent elsewhere */
    ck_assert_int_eq(sim_frame_raw(b.host, b.domid, 6, before, &hpa), 0);
    ck_assert_int_eq(encmig_hc_import_frames(b.hc, b.domid, 0, in, 8,
                                             (size_t)8 * XEN_ENCMIG_REC_SIZE,
                                             frames, &done), -1);
    ck_assert_int_eq(errno, EINVAL);
    ck_assert_uint_eq(done, 3);
    ck_assert_int_eq(sim_frame_raw(b.host, b.domid, 6, after, &hpa), 0);
    ck_assert_mem_eq(before, after, TU_PAGE);
    ck_assert_int_eq(encmig_hc_status(b.hc, b.domid, &st), 0);
    ck_assert_uint_eq(st.rejected, 1);

    /* Put right, the batch goes on from the refused record. */
    frames[3] = 3;
    ck_assert_int_eq(encmig_hc_import_frames(b.hc, b.domid, 0,
                                             in + 3 * XEN_ENCMIG_REC_SIZE, 5,
                                             (size_t)5 * XEN_ENCMIG_REC_SIZE,
                                             frames + 3, &done), 0);
    ck_assert_uint_eq(done, 5);
    {
        uint8_t ha[32], hb[32];

        ck_assert_int_eq(sim_domain_hash(a.host, a.domid, ha), 0);
        ck_assert_int_eq(sim_domain_hash(b.host, b.domid, hb), 0);
        ck_assert_mem_eq(ha, hb, sizeof(ha));
    }

    encmig_hc_buf_free(b.hc, frames, 8 * sizeof(*frames));
    recs_free(&a, recs, 8);
    recs_free(&b, in, 8);
    tu_host_free(&a);
    tu_host_free(&b);
}
END_TEST

/*
 * One cipher context used by several threads at once, as a domain's
 * memory key is by its workload and by export: every result must be what
 * one thread alone computes.
 */
#define SHARED_THREADS 4
#define SHARED_OPS     2000

struct shared_run {
    const struct encmig_cipher_ops *c;
    void *xts, *gcm;
    unsigned int id;
    const uint8_t *ref_xts, *ref_gcm;     /* SHARED_OPS pages each */
    int bad;
};

static void shared_op(const struct encmig_cipher_ops *c, void *xts, void *gcm,
                      unsigned int i, uint8_t *x, uint8_t *g)
{
    uint8_t in[TU_PAGE], tweak[16] = { 0 }, iv[12] = { 0 };

    tu_page_pattern(99, i, in);
    memcpy(tweak, &i, sizeof(i));
    memcpy(iv + 4, &i, sizeof(i));
    ck_assert_int_eq(c->xts_crypt(xts, true, tweak, in, x, TU_PAGE), 0);
    ck_assert_int_eq(c->gcm_seal(gcm, iv, tweak, sizeof(tweak), in, TU_PAGE,
                                 g, g + TU_PAGE), 0);
}

static void *shared_main(void *arg)
{
    struct shared_run *r = arg;
    uint8_t x[TU_PAGE], g[TU_PAGE + 16];
    unsigned int n, i;

    for ( n = 0; n < SHARED_OPS; n++ )
    {
        i = (n * 7 + r->id * 13) % SHARED_OPS;
        shared_op(r->c, r->xts, r->gcm, i, x, g);
        if ( memcmp(x, r->ref_xts + (size_t)i * TU_PAGE, TU_PAGE) ||
             memcmp(g, r->ref_gcm + (size_t)i * (TU_PAGE + 16), TU_PAGE + 16) )
            r->bad++;
    }
    return NULL;
}

static void shared_context(const struct encmig_cipher_ops *c)
{
    uint8_t key[64], *rx, *rg;
    struct shared_run run[SHARED_THREADS];
    pthread_t t[SHARED_THREADS];
    void *xts, *gcm;
    unsigned int i;

    for ( i = 0; i < sizeof(key); i++ )
        key[i] = i * 29 + 1;
    ck_assert_int_eq(c->xts_new(&xts, key), 0);
    ck_assert_int_eq(c->gcm_new(&gcm, key), 0);
    rx = malloc((size_t)SHARED_OPS * TU_PAGE);
    rg = malloc((size_t)SHARED_OPS * (TU_PAGE + 16));
    ck_assert_ptr_nonnull(rx);
    ck_assert_ptr_nonnull(rg);
    for ( i = 0; i < SHARED_OPS; i++ )
        shared_op(c, xts, gcm, i, rx + (size_t)i * TU_PAGE,
                  rg + (size_t)i * (TU_PAGE + 16));

    for ( i = 0; i < SHARED_THREADS; i++ )
    {
        run[i] = (struct shared_run){ .c = c, .xts = xts, .gcm = gcm,
                                      .id = i, .ref_xts = rx, .ref_gcm = rg };
        ck_assert_int_eq(pthread_create(&t[i], NULL, shared_main, &run[i]), 0);
    }
    for ( i = 0; i < SHARED_THREADS; i++ )
    {
        pthread_join(t[i], NULL);
        ck_assert_msg(run[i].bad == 0, "%s: thread %u got %d wrong results",
                      c->name, i, run[i].bad);
    }
    c->xts_free(xts);
    c->gcm_free(gcm);
    free(rx);
    free(rg);
}

START_TEST(test_shared_context_threads)
{
    shared_context(&encmig_cipher_openssl);
    shared_context(&encmig_cipher_portable);
}
END_TEST

/*
 * Keys are wiped: every block the engine frees (session, scratch pages,
 * the portable key schedule) is all zero by then, after a teardown and
 * when the domain dies with its session.
 */
START_TEST(test_keys_wiped)
{
    struct tu_host a, b;
    struct xen_encmig_keymat km;
    uint8_t *recs, *in;

    tu_host_new(&a, 1, &encmig_cipher_portable, 8, SEED);
    tu_host_new(&b, 2, &encmig_cipher_portable, 8, 0);
    sim_check_wipes(true);
    tu_random_keymat(&km);
    setup_pair(&a, &b, &km, 2);
    recs = recs_alloc(&a, 8);
    in = recs_alloc(&b, 8);
    ck_assert_int_eq(tu_export_range(&a, 1, 0, 0, 8, recs), 0);
    memcpy(in, recs, (size_t)8 * XEN_ENCMIG_REC_SIZE);
    in[3 * XEN_ENCMIG_REC_SIZE + 100] ^= 1;      /* an aborted import */
    ck_assert_int_eq(encmig_hc_import(b.hc, b.domid, 1, in, 8,
                                      (size_t)8 * XEN_ENCMIG_REC_SIZE, NULL),
                     -1);
    ck_assert_int_eq(encmig_hc_teardown(a.hc, a.domid), 0);
    ck_assert_uint_eq(sim_unwiped_frees(), 0);
    /* b's session goes with its domain. */
    ck_assert_int_eq(sim_domain_destroy(b.host, b.domid), 0);
    ck_assert_uint_eq(sim_unwiped_frees(), 0);
    /* The knob sees what it should: an unwiped block is counted. */
    encmig_free(calloc(1, 16));
    ck_assert_uint_eq(sim_unwiped_frees(), 0);
    {
        uint8_t *p = calloc(1, 16);

        p[3] = 1;
        encmig_free(p);
    }
    ck_assert_uint_eq(sim_unwiped_frees(), 1);
    sim_check_wipes(false);

    recs_free(&a, recs, 8);
    recs_free(&b, in, 8);
    tu_host_free(&a);
    tu_host_free(&b);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("engine");
    TCase *tc = tcase_create("rekey");
    SRunner *sr;
    int failed;

    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_migrate_openssl);
    tcase_add_test(tc, test_never_sealed_in_caller_buffer);
    tcase_add_test(tc, test_migrate_portable);
    tcase_add_test(tc, test_migrate_mixed);
    tcase_add_test(tc, test_address_dependence);
    tcase_add_test(tc, test_every_bit_flip_refused);
    tcase_add_test(tc, test_wrong_key_refused);
    tcase_add_test(tc, test_sequence_enforced);
    tcase_add_test(tc, test_nonce_never_repeats);
    tcase_add_test(tc, test_preempted_batch_matches);
    tcase_add_test(tc, test_failed_batch_stops_at_bad_record);
    tcase_add_test(tc, test_import_frames_must_match);
    tcase_add_test(tc, test_shared_context_threads);
    tcase_add_test(tc, test_keys_wiped);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
