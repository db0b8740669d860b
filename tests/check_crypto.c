/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * check_crypto.c: known-answer and differential tests of the encmig
 * ciphers: the portable constant-time C against the published vectors
 * and against OpenSSL, and OpenSSL's ops table against the same vectors.
 */

#include <check.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "cryptotest.h"
#include "vectors.h"
#include "xts-vector-check.h"
#include "../sim/cipher-openssl.h"
#include "../xen/arch/x86/encmig/aes.h"
#include "../xen/arch/x86/encmig/crypto.h"

static const struct encmig_cipher_ops *const impls[] = {
    &encmig_cipher_portable,
    &encmig_cipher_openssl,
};
#define NR_IMPLS (sizeof(impls) / sizeof(impls[0]))

/* ---- helpers ------------------------------------------------------- */

#define DEFAULT_SEED 0x656e636d69672121ULL

/* ---- AES-256 --------------------------------------------------------- */


START_TEST(aes_fips197_c3)
{
    struct encmig_aes256 aes;
    uint8_t key[32], pt[16], ct[16], buf[16];

    unhex(fips197_key, key, sizeof(key));
    unhex(fips197_pt, pt, sizeof(pt));
    unhex(fips197_ct, ct, sizeof(ct));
    encmig_aes256_init(&aes, key);

    encmig_aes256_encrypt(&aes, pt, buf, 1);
    ck_assert_mem_eq(buf, ct, 16);
    encmig_aes256_decrypt(&aes, ct, buf, 1);
    ck_assert_mem_eq(buf, pt, 16);
}
END_TEST

START_TEST(aes_sp800_38a_ecb)
{
    struct encmig_aes256 aes;
    uint8_t key[32], pt[64], ct[64], buf[64];
    unsigned int i;

    unhex(sp38a_key, key, sizeof(key));
    unhex(sp38a_pt, pt, sizeof(pt));
    unhex(sp38a_ct, ct, sizeof(ct));
    encmig_aes256_init(&aes, key);

    /* All four in one bitsliced pass. */
    encmig_aes256_encrypt(&aes, pt, buf, 4);
    ck_assert_mem_eq(buf, ct, 64);
    encmig_aes256_decrypt(&aes, ct, buf, 4);
    ck_assert_mem_eq(buf, pt, 64);

    /* One at a time: every block alone in lane 0. */
    for ( i = 0; i < 4; i++ )
    {
        encmig_aes256_encrypt(&aes, pt + 16 * i, buf, 1);
        ck_assert_mem_eq(buf, ct + 16 * i, 16);
        encmig_aes256_decrypt(&aes, ct + 16 * i, buf, 1);
        ck_assert_mem_eq(buf, pt + 16 * i, 16);
    }

    /* In place. */
    memcpy(buf, pt, 64);
    encmig_aes256_encrypt(&aes, buf, buf, 4);
    ck_assert_mem_eq(buf, ct, 64);
    encmig_aes256_decrypt(&aes, buf, buf, 4);
    ck_assert_mem_eq(buf, pt, 64);
}
END_TEST

/* Every batch size, including tails of 1..3 blocks, on every lane. */
START_TEST(aes_multiblock)
{
    struct encmig_aes256 aes;
    uint8_t key[32], pt[64], ct[64];
    uint8_t in[16 * 13], want[16 * 13], buf[16 * 13];
    unsigned int n, i, off;

    unhex(sp38a_key, key, sizeof(key));
    unhex(sp38a_pt, pt, sizeof(pt));
    unhex(sp38a_ct, ct, sizeof(ct));
    encmig_aes256_init(&aes, key);

    for ( off = 0; off < 4; off++ )
        for ( n = 1; n <= 13; n++ )
        {
            for ( i = 0; i < n; i++ )
            {
                memcpy(in + 16 * i, pt + 16 * ((i + off) % 4), 16);
                memcpy(want + 16 * i, ct + 16 * ((i + off) % 4), 16);
            }
            encmig_aes256_encrypt(&aes, in, buf, n);
            ck_assert_mem_eq(buf, want, 16 * n);
            encmig_aes256_decrypt(&aes, buf, buf, n);
            ck_assert_mem_eq(buf, in, 16 * n);
        }
}
END_TEST

/* The portable AES against EVP's AES-256-ECB, both directions. */
START_TEST(aes_vs_evp_ecb)
{
    uint8_t key[32], in[16 * 9], a[16 * 9], b[16 * 9];
    struct encmig_aes256 aes;
    unsigned int it, n;
    int outl;

    rng_state = test_seed(DEFAULT_SEED) ^ 0xae5;
    for ( it = 0; it < 1000; it++ )
    {
        EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();

        ck_assert_ptr_nonnull(ctx);
        rng_fill(key, sizeof(key));
        rng_fill(in, sizeof(in));
        n = 1 + it % 9;
        encmig_aes256_init(&aes, key);

        encmig_aes256_encrypt(&aes, in, a, n);
        ck_assert_int_eq(EVP_EncryptInit_ex(ctx, EVP_aes_256_ecb(), NULL,
                                            key, NULL), 1);
        EVP_CIPHER_CTX_set_padding(ctx, 0);
        ck_assert_int_eq(EVP_EncryptUpdate(ctx, b, &outl, in, 16 * n), 1);
        ck_assert_mem_eq(a, b, 16 * n);

        encmig_aes256_decrypt(&aes, in, a, n);
        ck_assert_int_eq(EVP_DecryptInit_ex(ctx, EVP_aes_256_ecb(), NULL,
                                            key, NULL), 1);
        EVP_CIPHER_CTX_set_padding(ctx, 0);
        ck_assert_int_eq(EVP_DecryptUpdate(ctx, b, &outl, in, 16 * n), 1);
        ck_assert_mem_eq(a, b, 16 * n);

        EVP_CIPHER_CTX_free(ctx);
    }
}
END_TEST

/* ---- XTS-AES-256: IEEE 1619-2007 vectors 10..14 ---------------------- */

#define NR_XTS_VECTORS (sizeof(xts_vectors) / sizeof(xts_vectors[0]))

/* Loop index: implementation * NR_XTS_VECTORS + vector. */
START_TEST(xts_ieee1619)
{
    xts_vector_check(impls[_i / NR_XTS_VECTORS],
                     &xts_vectors[_i % NR_XTS_VECTORS], 0);
}
END_TEST

START_TEST(xts_bad_length)
{
    static const size_t bad[] = { 0, 1, 8, 15, 17, 31, 520, 4095 };
    const struct encmig_cipher_ops *ops = impls[_i];
    uint8_t key[64], tweak[16] = { 0 }, buf[4096];
    unsigned int i;
    void *ctx;

    unhex(xts_key, key, sizeof(key));
    memset(buf, 0x5a, sizeof(buf));
    ck_assert_int_eq(ops->xts_new(&ctx, key), 0);
    for ( i = 0; i < sizeof(bad) / sizeof(bad[0]); i++ )
    {
        ck_assert_int_eq(ops->xts_crypt(ctx, true, tweak, buf, buf, bad[i]),
                         -EINVAL);
        ck_assert_int_eq(ops->xts_crypt(ctx, false, tweak, buf, buf, bad[i]),
                         -EINVAL);
    }
    /* Over IEEE 1619's 2^20 blocks: refused before any byte is touched. */
    ck_assert_int_eq(ops->xts_crypt(ctx, true, tweak, buf, buf,
                                    ((size_t)16 << 20) + 16), -EINVAL);
    ops->xts_free(ctx);
}
END_TEST

START_TEST(xts_equal_halves)
{
    const struct encmig_cipher_ops *ops = impls[_i];
    uint8_t key[64];
    void *ctx = NULL;

    unhex(xts_key, key, sizeof(key));
    memcpy(key + 32, key, 32);
    ck_assert_int_eq(ops->xts_new(&ctx, key), -EINVAL);
    ck_assert_ptr_null(ctx);

    /* One bit apart is a valid key. */
    key[63] ^= 1;
    ck_assert_int_eq(ops->xts_new(&ctx, key), 0);
    ops->xts_free(ctx);
}
END_TEST

/* ---- AES-256-GCM: the GCM specification's test cases 13..16 -------- */


struct gcm_case {
    uint8_t key[32], iv[12], aad[64], pt[64], ct[64], tag[16];
    size_t aad_len, len;
};

static void gcm_case_load(struct gcm_case *c, const struct gcm_vector *v)
{
    unhex(v->key, c->key, sizeof(c->key));
    unhex(v->iv, c->iv, sizeof(c->iv));
    c->aad_len = unhex(v->aad, c->aad, sizeof(c->aad));
    c->len = unhex(v->pt, c->pt, sizeof(c->pt));
    ck_assert_uint_eq(unhex(v->ct, c->ct, sizeof(c->ct)), c->len);
    unhex(v->tag, c->tag, sizeof(c->tag));
}

/* Loop index: implementation * NR_GCM_VECTORS + vector. */
START_TEST(gcm_spec_vectors)
{
    const struct encmig_cipher_ops *ops = impls[_i / NR_GCM_VECTORS];
    const struct gcm_vector *v = &gcm_vectors[_i % NR_GCM_VECTORS];
    struct gcm_case c;
    uint8_t buf[64], tag[16];
    /* Empty AAD and text are passed as NULL, as the interface allows. */
    const uint8_t *aad;
    void *ctx;

    gcm_case_load(&c, v);
    aad = c.aad_len ? c.aad : NULL;
    ck_assert_int_eq(ops->gcm_new(&ctx, c.key), 0);

    ck_assert_int_eq(ops->gcm_seal(ctx, c.iv, aad, c.aad_len,
                                   c.len ? c.pt : NULL, c.len,
                                   c.len ? buf : NULL, tag), 0);
    ck_assert_msg(!memcmp(buf, c.ct, c.len), "%s: test case %u ciphertext",
                  ops->name, v->nr);
    ck_assert_msg(!memcmp(tag, c.tag, 16), "%s: test case %u tag",
                  ops->name, v->nr);

    memset(buf, 0xa5, sizeof(buf));
    ck_assert_int_eq(ops->gcm_open(ctx, c.iv, aad, c.aad_len,
                                   c.len ? c.ct : NULL, c.len, c.tag,
                                   c.len ? buf : NULL), 0);
    ck_assert_mem_eq(buf, c.pt, c.len);

    /* In place. */
    memcpy(buf, c.pt, c.len);
    ck_assert_int_eq(ops->gcm_seal(ctx, c.iv, aad, c.aad_len, buf, c.len,
                                   buf, tag), 0);
    ck_assert_mem_eq(buf, c.ct, c.len);
    ck_assert_mem_eq(tag, c.tag, 16);
    ck_assert_int_eq(ops->gcm_open(ctx, c.iv, aad, c.aad_len, buf, c.len,
                                   tag, buf), 0);
    ck_assert_mem_eq(buf, c.pt, c.len);

    ops->gcm_free(ctx);
}
END_TEST

/* Open of test case 16 with one thing changed: -EBADMSG, output zeroed. */
static void gcm_expect_reject(const struct encmig_cipher_ops *ops, void *ctx,
                              const struct gcm_case *c, const char *what)
{
    uint8_t buf[64];

    memset(buf, 0xa5, sizeof(buf));
    ck_assert_msg(ops->gcm_open(ctx, c->iv, c->aad, c->aad_len, c->ct,
                                c->len, c->tag, buf) == -EBADMSG,
                  "%s: tampered %s accepted", ops->name, what);
    ck_assert_msg(all_zero(buf, c->len), "%s: tampered %s: output not wiped",
                  ops->name, what);
}

START_TEST(gcm_tamper)
{
    const struct encmig_cipher_ops *ops = impls[_i];
    struct gcm_case good, c;
    unsigned int i, bit;
    void *ctx;

    gcm_case_load(&good, &gcm_vectors[3]);
    ck_assert_int_eq(ops->gcm_new(&ctx, good.key), 0);

    for ( i = 0; i < 16; i++ )
        for ( bit = 0; bit < 8; bit += 7 )
        {
            c = good;
            c.tag[i] ^= 1 << bit;
            gcm_expect_reject(ops, ctx, &c, "tag");
        }
    for ( i = 0; i < good.len; i++ )
    {
        c = good;
        c.ct[i] ^= 1 << (i % 8);
        gcm_expect_reject(ops, ctx, &c, "ciphertext");
    }
    for ( i = 0; i < good.aad_len; i++ )
    {
        c = good;
        c.aad[i] ^= 1 << (i % 8);
        gcm_expect_reject(ops, ctx, &c, "AAD");
    }
    for ( i = 0; i < 12; i++ )
    {
        c = good;
        c.iv[i] ^= 0x80;
        gcm_expect_reject(ops, ctx, &c, "IV");
    }

    c = good;
    c.len--;
    gcm_expect_reject(ops, ctx, &c, "length (ciphertext truncated)");
    c = good;
    c.aad_len--;
    gcm_expect_reject(ops, ctx, &c, "length (AAD truncated)");
    c = good;
    c.aad_len = 0;
    gcm_expect_reject(ops, ctx, &c, "AAD (dropped)");

    /* The untouched case still opens after all that. */
    {
        uint8_t buf[64];

        ck_assert_int_eq(ops->gcm_open(ctx, good.iv, good.aad, good.aad_len,
                                       good.ct, good.len, good.tag, buf), 0);
        ck_assert_mem_eq(buf, good.pt, good.len);
    }

    ops->gcm_free(ctx);
}
END_TEST

/* ---- portable against OpenSSL ---------------------------------------- */

#define DIFF_XTS_CASES  5000
#define DIFF_GCM_CASES  5000
#define DIFF_MAX        4200

static void print_seed(const char *what, uint64_t seed)
{
    printf("%s: seed 0x%016" PRIx64 " (set ENCMIG_TEST_SEED to replay)\n",
           what, seed);
    fflush(stdout);
}

START_TEST(diff_xts)
{
    const struct encmig_cipher_ops *p = &encmig_cipher_portable;
    const struct encmig_cipher_ops *o = &encmig_cipher_openssl;
    uint64_t seed = test_seed(DEFAULT_SEED);
    uint8_t key[64], tweak[16], in[4096], a[4096], b[4096];
    unsigned int it, nr_inplace = 0;
    void *pc, *oc;

    print_seed("diff_xts", seed);
    rng_state = seed;

    for ( it = 0; it < DIFF_XTS_CASES; it++ )
    {
        /* The first and last few lengths are forced: 16 and 4096. */
        size_t len = it < 8 ? 16 : it < 16 ? 4096 :
                     16 * (1 + rng_next() % 256);
        bool inplace = !(it % 4);

        do
            rng_fill(key, sizeof(key));
        while ( !memcmp(key, key + 32, 32) );
        rng_fill(tweak, sizeof(tweak));
        rng_fill(in, len);

        ck_assert_int_eq(p->xts_new(&pc, key), 0);
        ck_assert_int_eq(o->xts_new(&oc, key), 0);

        /* Encrypt: same ciphertext, and each decrypts the other's. */
        if ( inplace )
        {
            memcpy(a, in, len);
            ck_assert_int_eq(p->xts_crypt(pc, true, tweak, a, a, len), 0);
            nr_inplace++;
        }
        else
            ck_assert_int_eq(p->xts_crypt(pc, true, tweak, in, a, len), 0);
        ck_assert_int_eq(o->xts_crypt(oc, true, tweak, in, b, len), 0);
        ck_assert_msg(!memcmp(a, b, len), "case %u: XTS encrypt differs, "
                      "len %zu", it, len);
        ck_assert_int_eq(p->xts_crypt(pc, false, tweak, b, a, len), 0);
        ck_assert_mem_eq(a, in, len);

        /* Decrypt of arbitrary data: same result. */
        ck_assert_int_eq(p->xts_crypt(pc, false, tweak, in, a, len), 0);
        ck_assert_int_eq(o->xts_crypt(oc, false, tweak, in, b, len), 0);
        ck_assert_msg(!memcmp(a, b, len), "case %u: XTS decrypt differs, "
                      "len %zu", it, len);
        ck_assert_int_eq(o->xts_crypt(oc, true, tweak, a, b, len), 0);
        ck_assert_mem_eq(b, in, len);

        p->xts_free(pc);
        o->xts_free(oc);
    }

    ck_assert_uint_gt(nr_inplace, 0);
}
END_TEST

START_TEST(diff_gcm)
{
    const struct encmig_cipher_ops *p = &encmig_cipher_portable;
    const struct encmig_cipher_ops *o = &encmig_cipher_openssl;
    uint64_t seed = test_seed(DEFAULT_SEED);
    static uint8_t in[DIFF_MAX], a[DIFF_MAX], b[DIFF_MAX], aad[300];
    uint8_t key[32], iv[12], ta[16], tb[16];
    unsigned int it, nr_empty_aad = 0, nr_empty = 0, nr_odd = 0;
    unsigned int nr_tamper = 0;
    void *pc, *oc;

    print_seed("diff_gcm", seed);
    /* A different stream from diff_xts for the same seed. */
    rng_state = seed ^ 0x6763d;

    for ( it = 0; it < DIFF_GCM_CASES; it++ )
    {
        size_t aad_len = it % 16 == 0 ? 0 : rng_next() % 301;
        size_t len = it % 16 == 1 ? 0 : it % 16 == 2 ? DIFF_MAX :
                     rng_next() % (DIFF_MAX + 1);
        const uint8_t *ap = aad_len ? aad : NULL;
        const uint8_t *ip = len ? in : NULL;
        uint8_t *pa = len ? a : NULL, *pb = len ? b : NULL;

        nr_empty_aad += !aad_len;
        nr_empty += !len;
        nr_odd += len & 1;

        rng_fill(key, sizeof(key));
        rng_fill(iv, sizeof(iv));
        rng_fill(aad, aad_len);
        rng_fill(in, len);

        ck_assert_int_eq(p->gcm_new(&pc, key), 0);
        ck_assert_int_eq(o->gcm_new(&oc, key), 0);

        ck_assert_int_eq(p->gcm_seal(pc, iv, ap, aad_len, ip, len, pa, ta), 0);
        ck_assert_int_eq(o->gcm_seal(oc, iv, ap, aad_len, ip, len, pb, tb), 0);
        ck_assert_msg(!memcmp(a, b, len), "case %u: GCM ciphertext differs, "
                      "aad %zu len %zu", it, aad_len, len);
        ck_assert_msg(!memcmp(ta, tb, 16), "case %u: GCM tag differs, "
                      "aad %zu len %zu", it, aad_len, len);

        /* Each opens the other's output (a == b here). */
        ck_assert_int_eq(p->gcm_open(pc, iv, ap, aad_len, pb, len, tb, pb), 0);
        ck_assert_mem_eq(b, in, len);
        ck_assert_int_eq(o->gcm_open(oc, iv, ap, aad_len, pa, len, ta, pa), 0);
        ck_assert_mem_eq(a, in, len);

        /* Every eighth case: one flipped bit, both refuse and wipe. */
        if ( it % 8 == 3 )
        {
            size_t where = rng_next() % (16 + len + aad_len);
            uint8_t bit = 1 << (rng_next() % 8);

            ck_assert_int_eq(p->gcm_seal(pc, iv, ap, aad_len, ip, len,
                                         pa, ta), 0);
            if ( where < 16 )
                ta[where] ^= bit;
            else if ( where < 16 + len )
                a[where - 16] ^= bit;
            else
                aad[where - 16 - len] ^= bit;
            memcpy(b, a, len);
            memcpy(tb, ta, 16);

            ck_assert_int_eq(p->gcm_open(pc, iv, ap, aad_len, pa, len, ta,
                                         pa), -EBADMSG);
            ck_assert(all_zero(a, len));
            ck_assert_int_eq(o->gcm_open(oc, iv, ap, aad_len, pb, len, tb,
                                         pb), -EBADMSG);
            ck_assert(all_zero(b, len));
            nr_tamper++;
        }

        p->gcm_free(pc);
        o->gcm_free(oc);
    }

    ck_assert_uint_gt(nr_empty_aad, 0);
    ck_assert_uint_gt(nr_empty, 0);
    ck_assert_uint_gt(nr_odd, 0);
    ck_assert_uint_gt(nr_tamper, 0);
}
END_TEST

/* ---- constant-time helpers ------------------------------------------- */

START_TEST(ct_memeq)
{
    uint8_t a[64], b[64];
    unsigned int i, bit;

    for ( i = 0; i < sizeof(a); i++ )
        a[i] = b[i] = i * 37;

    ck_assert(encmig_ct_memeq(a, b, sizeof(a)));
    ck_assert(encmig_ct_memeq(a, b, 0));
    ck_assert(encmig_ct_memeq(a, a, sizeof(a)));
    for ( i = 0; i < sizeof(a); i++ )
        for ( bit = 0; bit < 8; bit++ )
        {
            b[i] ^= 1 << bit;
            ck_assert(!encmig_ct_memeq(a, b, sizeof(a)));
            /* A difference past len does not count. */
            ck_assert(encmig_ct_memeq(a, b, i));
            b[i] ^= 1 << bit;
        }
    memset(b, 0xff, sizeof(b));
    memset(a, 0, sizeof(a));
    ck_assert(!encmig_ct_memeq(a, b, 1));
}
END_TEST

START_TEST(ct_wipe)
{
    uint8_t buf[80];
    unsigned int i;

    memset(buf, 0xc3, sizeof(buf));
    encmig_wipe(buf + 8, 64);
    for ( i = 0; i < sizeof(buf); i++ )
        ck_assert_uint_eq(buf[i], i < 8 || i >= 72 ? 0xc3 : 0);

    encmig_wipe(buf, 0);
    ck_assert_uint_eq(buf[0], 0xc3);
}
END_TEST

/* ---- the suites ------------------------------------------------------ */

static Suite *aes_suite(void)
{
    Suite *s = suite_create("aes256");
    TCase *tc = tcase_create("known-answer");

    tcase_add_test(tc, aes_fips197_c3);
    tcase_add_test(tc, aes_sp800_38a_ecb);
    tcase_add_test(tc, aes_multiblock);
    tcase_add_test(tc, aes_vs_evp_ecb);
    tcase_set_timeout(tc, 120);
    suite_add_tcase(s, tc);

    return s;
}

static Suite *xts_suite(void)
{
    Suite *s = suite_create("xts-aes256");
    TCase *tc = tcase_create("ieee1619");

    tcase_add_loop_test(tc, xts_ieee1619, 0, NR_IMPLS * NR_XTS_VECTORS);
    tcase_add_loop_test(tc, xts_bad_length, 0, NR_IMPLS);
    tcase_add_loop_test(tc, xts_equal_halves, 0, NR_IMPLS);
    suite_add_tcase(s, tc);

    return s;
}

static Suite *gcm_suite(void)
{
    Suite *s = suite_create("aes256-gcm");
    TCase *tc = tcase_create("spec");

    tcase_add_loop_test(tc, gcm_spec_vectors, 0, NR_IMPLS * NR_GCM_VECTORS);
    tcase_add_loop_test(tc, gcm_tamper, 0, NR_IMPLS);
    suite_add_tcase(s, tc);

    return s;
}

static Suite *diff_suite(void)
{
    Suite *s = suite_create("portable-vs-openssl");
    TCase *tc = tcase_create("random");

    tcase_add_test(tc, diff_xts);
    tcase_add_test(tc, diff_gcm);
    /* Slow under sanitizers: well past Check's 4 s default. */
    tcase_set_timeout(tc, 600);
    suite_add_tcase(s, tc);

    return s;
}

static Suite *ct_suite(void)
{
    Suite *s = suite_create("ct");
    TCase *tc = tcase_create("helpers");

    tcase_add_test(tc, ct_memeq);
    tcase_add_test(tc, ct_wipe);
    suite_add_tcase(s, tc);

    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(aes_suite());
    int failed;

    srunner_add_suite(sr, xts_suite());
    srunner_add_suite(sr, gcm_suite());
    srunner_add_suite(sr, diff_suite());
    srunner_add_suite(sr, ct_suite());

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);

    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
