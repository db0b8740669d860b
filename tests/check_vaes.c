/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * check_vaes.c: the fused VAES/VPCLMULQDQ re-key (rekey-vaes.S,
 * cipher-vaes.c) against OpenSSL's XTS decryption followed by its GCM
 * seal, against the published XTS vectors, and against the AES-NI
 * assembly run step by step, byte for byte; its XTS and its GCM alone
 * against the vectors and OpenSSL; and the engine's export on it, record
 * for record the same as on OpenSSL.
 *
 * On a CPU without AVX2, VAES or VPCLMULQDQ (or with ENCMIG_SIM_NO_VAES
 * set) only the ops table and the refusals are checked.
 */

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cryptotest.h"
#include "testutil.h"
#include "vectors.h"
#include "xts-vector-check.h"
#include "../sim/cipher-openssl.h"
#include "../sim/sim.h"
#include "../xen/arch/x86/encmig/mem.h"
#include "../xen/arch/x86/encmig/vaes.h"

static const struct encmig_cipher_ops *const vaes = &encmig_cipher_vaes;
static const struct encmig_cipher_ops *const openssl = &encmig_cipher_openssl;

#define DEFAULT_SEED 0x7661657321212121ULL
#define PAGE         4096U

/* ---- helpers ------------------------------------------------------- */

static void xts_key_random(uint8_t key[ENCMIG_XTS_KEY])
{
    do
        rng_fill(key, ENCMIG_XTS_KEY);
    while ( !memcmp(key, key + 32, 32) );
}

/* The contexts and arguments the assembly takes, for key (64 bytes). */
static void kernel_setup(const uint8_t key[64], struct encmig_aesni_xts *xts,
                         struct encmig_vaes_gcm *gcm,
                         struct encmig_vaes_args *a)
{
    unsigned int i;

    encmig_aesni_set_key256(&xts->k1e, key);
    encmig_aesni_inv_key(&xts->k1d, &xts->k1e);
    encmig_aesni_set_key256(&xts->k2e, key + 32);
    encmig_aesni_gcm_init(&gcm->base, key + 16);
    for ( i = 0; i < 8; i++ )
        memcpy(gcm->htab[i], gcm->base.hk.h[7 - i], 16);
    memset(a, 0, sizeof(*a));
    a->xts = &xts->k1d;
    a->gcm = &gcm->base.ek;
    a->htab = gcm->htab[0];
}

/* OpenSSL's two steps: the reference every fused result must equal. */
static void reference(const uint8_t xkey[ENCMIG_XTS_KEY],
                      const uint8_t tweak[16], const uint8_t gkey[32],
                      const uint8_t iv[12], const uint8_t *aad,
                      size_t aad_len, const uint8_t *in, size_t len,
                      uint8_t *out, uint8_t tag[16])
{
    uint8_t *plain = malloc(len);
    void *x, *g;

    ck_assert_ptr_nonnull(plain);
    ck_assert_int_eq(openssl->xts_new(&x, xkey), 0);
    ck_assert_int_eq(openssl->gcm_new(&g, gkey), 0);
    ck_assert_int_eq(openssl->xts_crypt(x, false, tweak, in, plain, len), 0);
    ck_assert_int_eq(openssl->gcm_seal(g, iv, aad, aad_len, plain, len, out,
                                       tag), 0);
    openssl->xts_free(x);
    openssl->gcm_free(g);
    free(plain);
}

/* The fused op with fresh contexts of the VAES ops. */
static int fused(const uint8_t xkey[ENCMIG_XTS_KEY], const uint8_t tweak[16],
                 const uint8_t gkey[32], const uint8_t iv[12],
                 const uint8_t *aad, size_t aad_len, const uint8_t *in,
                 size_t len, uint8_t *out, uint8_t tag[16])
{
    void *x, *g;
    int rc;

    ck_assert_int_eq(vaes->xts_new(&x, xkey), 0);
    ck_assert_int_eq(vaes->gcm_new(&g, gkey), 0);
    rc = vaes->xts_dec_gcm_seal(x, tweak, g, iv, aad, aad_len, in, len, out,
                                tag);
    vaes->xts_free(x);
    vaes->gcm_free(g);

    return rc;
}

/* ---- the ops table, with or without the CPU -------------------------- */

START_TEST(ops_table)
{
    ck_assert_str_eq(vaes->name, "vaes");
    ck_assert_ptr_nonnull(vaes->xts_dec_gcm_seal);
    ck_assert_uint_eq(vaes->probe_caps,
                      XEN_ENCMIG_CAP_AESNI | XEN_ENCMIG_CAP_VAES);
    /* Only the VAES ops fuse. */
    ck_assert_ptr_null(encmig_cipher_aesni.xts_dec_gcm_seal);
    ck_assert_ptr_null(encmig_cipher_portable.xts_dec_gcm_seal);
    ck_assert_ptr_null(openssl->xts_dec_gcm_seal);
}
END_TEST

START_TEST(nocpu_refused)
{
    uint8_t key[ENCMIG_XTS_KEY];
    void *ctx = NULL;

    rng_state = test_seed(DEFAULT_SEED);
    xts_key_random(key);
    ck_assert_int_eq(vaes->xts_new(&ctx, key), -EOPNOTSUPP);
    ck_assert_int_eq(vaes->gcm_new(&ctx, key), -EOPNOTSUPP);
    ck_assert_ptr_null(ctx);
    /* Nor does the simulator pick them. */
    ck_assert_ptr_eq(sim_default_cipher(), openssl);
}
END_TEST

/* ---- the fused op ---------------------------------------------------- */

#define NR_XTS_VECTORS (sizeof(xts_vectors) / sizeof(xts_vectors[0]))

/*
 * IEEE 1619 vectors 10..14 as the memory: the fused op must yield the
 * GCM seal of the vectors' plaintext (bytes 0..255, twice), and the
 * record must open with OpenSSL.
 */
START_TEST(fused_ieee1619)
{
    const struct xts_vector *v = &xts_vectors[_i];
    uint8_t xkey[64], tweak[16], gkey[32], iv[12], aad[40];
    uint8_t pt[512], ct[512], buf[512 + 3], want[512], tag[16], wtag[16];
    unsigned int i;
    void *g;

    rng_state = test_seed(DEFAULT_SEED) ^ v->nr;
    unhex(xts_key, xkey, sizeof(xkey));
    ck_assert_uint_eq(unhex(v->ct, ct, sizeof(ct)), 512);
    for ( i = 0; i < 512; i++ )
        pt[i] = i;
    for ( i = 0; i < 16; i++ )
        tweak[i] = i < 8 ? v->dun >> (8 * i) : 0;
    rng_fill(gkey, sizeof(gkey));
    rng_fill(iv, sizeof(iv));
    rng_fill(aad, sizeof(aad));

    ck_assert_int_eq(openssl->gcm_new(&g, gkey), 0);
    ck_assert_int_eq(openssl->gcm_seal(g, iv, aad, sizeof(aad), pt, 512,
                                       want, wtag), 0);

    ck_assert_int_eq(fused(xkey, tweak, gkey, iv, aad, sizeof(aad), ct, 512,
                           buf, tag), 0);
    ck_assert_msg(!memcmp(buf, want, 512), "vector %u", v->nr);
    ck_assert_mem_eq(tag, wtag, 16);

    /* In place, unaligned. */
    memcpy(buf + 3, ct, 512);
    ck_assert_int_eq(fused(xkey, tweak, gkey, iv, aad, sizeof(aad), buf + 3,
                           512, buf + 3, tag), 0);
    ck_assert_mem_eq(buf + 3, want, 512);
    ck_assert_mem_eq(tag, wtag, 16);

    ck_assert_int_eq(openssl->gcm_open(g, iv, aad, sizeof(aad), buf + 3, 512,
                                       tag, buf), 0);
    ck_assert_mem_eq(buf, pt, 512);
    openssl->gcm_free(g);
}
END_TEST

/*
 * Random keys, tweaks, IVs, AAD of every length up to 80 and data of 1 to
 * 40 batches and a page, at every alignment, in place and not, with
 * guard pages behind in and out.
 */
START_TEST(fused_vs_openssl)
{
    uint8_t xkey[64], tweak[16], gkey[32], iv[12], aad[80];
    uint8_t tag[16], wtag[16], *want, *src;
    struct gbuf gi, go;
    unsigned int n;

    gbuf_new(&gi, 8192);
    gbuf_new(&go, 8192);
    want = malloc(8192);
    src = malloc(8192);
    ck_assert(want && src);
    rng_state = test_seed(DEFAULT_SEED) ^ 0xf5;
    for ( n = 0; n < 400; n++ )
    {
        size_t len = n % 41 == 40 ? PAGE : 128 * (1 + rng_next() % 40);
        size_t aad_len = n % 81, mis = rng_next() % 16;
        bool in_place = n % 2;
        uint8_t *in = gbuf_at(&gi, len, mis);
        uint8_t *out = in_place ? in : gbuf_at(&go, len, rng_next() % 16);

        xts_key_random(xkey);
        rng_fill(tweak, sizeof(tweak));
        rng_fill(gkey, sizeof(gkey));
        rng_fill(iv, sizeof(iv));
        rng_fill(aad, aad_len);
        rng_fill(src, len);
        reference(xkey, tweak, gkey, iv, aad, aad_len, src, len, want, wtag);

        memcpy(in, src, len);
        ck_assert_int_eq(fused(xkey, tweak, gkey, iv, aad_len ? aad : NULL,
                               aad_len, in, len, out, tag), 0);
        ck_assert_msg(!memcmp(out, want, len) && !memcmp(tag, wtag, 16),
                      "case %u: len %zu aad %zu mis %zu%s", n, len, aad_len,
                      mis, in_place ? " in place" : "");
        if ( !in_place )
            ck_assert_mem_eq(in, src, len);
    }
    free(want);
    free(src);
    gbuf_free(&gi);
    gbuf_free(&go);
}
END_TEST

/* Lengths it does not take are refused, nothing written. */
START_TEST(fused_lengths)
{
    static const size_t bad[] = { 0, 16, 112, 129, 4096 + 16, 4096 + 64 };
    uint8_t xkey[64], tweak[16] = { 0 }, gkey[32], iv[12] = { 0 };
    uint8_t *in, *out, tag[16];
    size_t max = (size_t)16 << 20, i;
    void *x, *g;

    rng_state = test_seed(DEFAULT_SEED) ^ 0x1e;
    xts_key_random(xkey);
    rng_fill(gkey, sizeof(gkey));
    in = calloc(1, max + 128);
    out = malloc(max + 128);
    ck_assert(in && out);
    ck_assert_int_eq(vaes->xts_new(&x, xkey), 0);
    ck_assert_int_eq(vaes->gcm_new(&g, gkey), 0);
    for ( i = 0; i < sizeof(bad) / sizeof(bad[0]); i++ )
    {
        memset(out, 0xa5, 8192);
        memset(tag, 0xa5, sizeof(tag));
        ck_assert_int_eq(vaes->xts_dec_gcm_seal(x, tweak, g, iv, NULL, 0, in,
                                                bad[i], out, tag),
                         -EOPNOTSUPP);
        ck_assert_uint_eq(out[0], 0xa5);
        ck_assert_uint_eq(out[8191], 0xa5);
        ck_assert_uint_eq(tag[0], 0xa5);
    }
    /* One data unit is at most 2^20 blocks, as for xts_crypt. */
    ck_assert_int_eq(vaes->xts_dec_gcm_seal(x, tweak, g, iv, NULL, 0, in,
                                            max + 128, out, tag),
                     -EOPNOTSUPP);
    ck_assert_int_eq(vaes->xts_dec_gcm_seal(x, tweak, g, iv, NULL, 0, in,
                                            max, out, tag), 0);
    {
        uint8_t *want = malloc(max), wtag[16];

        ck_assert_ptr_nonnull(want);
        reference(xkey, tweak, gkey, iv, NULL, 0, in, max, want, wtag);
        ck_assert(!memcmp(out, want, max));
        ck_assert_mem_eq(tag, wtag, 16);
        free(want);
    }
    vaes->xts_free(x);
    vaes->gcm_free(g);
    free(in);
    free(out);
}
END_TEST

/*
 * The assembly on its own, against the AES-NI assembly step by step,
 * with the counter about to wrap: inc32 wraps the low 32 bits and leaves
 * the other 96, also across the two lanes of a register.
 */
START_TEST(kernel_ctr_wrap)
{
    struct encmig_aesni_xts xts;
    struct encmig_vaes_gcm gcm;
    struct encmig_vaes_args a;
    uint8_t key[64], tweak[16], ctr[16], y[16], in[16 * 27], out[16 * 27];
    uint8_t want[16 * 24];
    unsigned int start;

    rng_state = test_seed(DEFAULT_SEED) ^ 0xc7;
    for ( start = 0; start < 10; start++ )
    {
        xts_key_random(key);
        kernel_setup(key, &xts, &gcm, &a);
        rng_fill(tweak, sizeof(tweak));
        rng_fill(ctr, sizeof(ctr));
        rng_fill(y, sizeof(y));
        rng_fill(in, sizeof(in));
        /* The wrap falls at every position of the first ten blocks. */
        ctr[12] = ctr[13] = ctr[14] = 0xff;
        ctr[15] = 0xff - start;

        encmig_aesni_xts_decrypt(&xts.k1d, &xts.k2e, tweak, in, want, 24);
        encmig_aesni_ctr32(&gcm.base.ek, ctr, want, want, sizeof(want));

        encmig_aesni_ecb_encrypt(&xts.k2e, tweak, a.tweak, 1);
        memcpy(a.ctr, ctr, 16);
        memcpy(a.y, y, 16);
        /* 27 blocks asked: the three past the last batch are left alone. */
        memset(out, 0x5a, sizeof(out));
        encmig_vaes_xts_dec_gcm_enc(&a, in, out, 27);
        ck_assert_mem_eq(out, want, sizeof(want));
        ck_assert(out[sizeof(want)] == 0x5a && out[sizeof(out) - 1] == 0x5a);
        encmig_pclmul_ghash(&gcm.base.hk, y, want, 24);
        ck_assert_mem_eq(a.y, y, 16);
        /* The tweak and counter given are not changed. */
        ck_assert_mem_eq(a.ctr, ctr, 16);
    }
}
END_TEST

/* A block count that is not a multiple of 8: the tail is not touched. */
START_TEST(kernel_tail_untouched)
{
    struct encmig_aesni_xts xts;
    struct encmig_vaes_gcm gcm;
    struct encmig_vaes_args a;
    uint8_t key[64], in[16 * 15], out[16 * 15], y0[16];

    rng_state = test_seed(DEFAULT_SEED) ^ 0x7a;
    xts_key_random(key);
    kernel_setup(key, &xts, &gcm, &a);
    rng_fill(in, sizeof(in));
    rng_fill(a.y, sizeof(a.y));
    memcpy(y0, a.y, sizeof(y0));

    memset(out, 0x5a, sizeof(out));
    encmig_vaes_xts_dec_gcm_enc(&a, in, out, 7);
    ck_assert_mem_eq(a.y, y0, 16);
    ck_assert_uint_eq(out[0], 0x5a);
    encmig_vaes_xts_dec_gcm_enc(&a, in, out, 15);
    ck_assert_uint_ne(memcmp(a.y, y0, 16), 0);
    ck_assert_uint_eq(out[16 * 8], 0x5a);
    ck_assert_uint_eq(out[16 * 15 - 1], 0x5a);
}
END_TEST

/*
 * No key, tweak, counter or plaintext is left in ymm0..ymm15: after the
 * fused op (_i 0), XTS encryption (1) and decryption (2).
 */
START_TEST(registers_cleared)
{
    uint8_t xkey[64], tweak[16], gkey[32], iv[12], page[PAGE], tag[16];
    uint8_t regs[16][32];
    void *x, *g;
    unsigned int i;
    int rc;

    rng_state = test_seed(DEFAULT_SEED) ^ 0x4e;
    xts_key_random(xkey);
    rng_fill(tweak, sizeof(tweak));
    rng_fill(gkey, sizeof(gkey));
    rng_fill(iv, sizeof(iv));
    rng_fill(page, sizeof(page));
    ck_assert_int_eq(vaes->xts_new(&x, xkey), 0);
    ck_assert_int_eq(vaes->gcm_new(&g, gkey), 0);
    /* Nothing between the call and the look: Check's asserts use libc. */
    rc = _i ? vaes->xts_crypt(x, _i == 1, tweak, page, page, PAGE - 16 * 3)
            : vaes->xts_dec_gcm_seal(x, tweak, g, iv, NULL, 0, page, PAGE,
                                     page, tag);
    __asm__ volatile (
        "vmovdqu %%ymm0, 0(%0)\n\t"    "vmovdqu %%ymm1, 32(%0)\n\t"
        "vmovdqu %%ymm2, 64(%0)\n\t"   "vmovdqu %%ymm3, 96(%0)\n\t"
        "vmovdqu %%ymm4, 128(%0)\n\t"  "vmovdqu %%ymm5, 160(%0)\n\t"
        "vmovdqu %%ymm6, 192(%0)\n\t"  "vmovdqu %%ymm7, 224(%0)\n\t"
        "vmovdqu %%ymm8, 256(%0)\n\t"  "vmovdqu %%ymm9, 288(%0)\n\t"
        "vmovdqu %%ymm10, 320(%0)\n\t" "vmovdqu %%ymm11, 352(%0)\n\t"
        "vmovdqu %%ymm12, 384(%0)\n\t" "vmovdqu %%ymm13, 416(%0)\n\t"
        "vmovdqu %%ymm14, 448(%0)\n\t" "vmovdqu %%ymm15, 480(%0)"
        : : "r" (regs) : "memory");
    ck_assert_int_eq(rc, 0);
    for ( i = 0; i < 16; i++ )
        ck_assert_msg(all_zero(regs[i], 32), "ymm%u not cleared", i);
    vaes->xts_free(x);
    vaes->gcm_free(g);
}
END_TEST

/* ---- XTS alone ------------------------------------------------------- */

START_TEST(xts_ieee1619)
{
    const struct xts_vector *v = &xts_vectors[_i];
    uint8_t key[64], tweak[16], pt[496], ct[512], buf[496];
    unsigned int i;
    void *x;

    xts_vector_check(vaes, v, 5);

    /* A unit that is not whole batches of sixteen blocks. */
    unhex(xts_key, key, sizeof(key));
    unhex(v->ct, ct, sizeof(ct));
    for ( i = 0; i < sizeof(pt); i++ )
        pt[i] = i;
    for ( i = 0; i < 16; i++ )
        tweak[i] = i < 8 ? v->dun >> (8 * i) : 0;
    ck_assert_int_eq(vaes->xts_new(&x, key), 0);
    ck_assert_int_eq(vaes->xts_crypt(x, true, tweak, pt, buf, sizeof(pt)),
                     0);
    ck_assert_mem_eq(buf, ct, sizeof(pt));
    vaes->xts_free(x);
}
END_TEST

/*
 * Every unit length from one block to 80 blocks and a few past, both
 * ways, against OpenSSL, at every alignment, in place and not, with
 * guard pages behind in and out.
 */
START_TEST(xts_vs_openssl)
{
    uint8_t key[64], tweak[16], *want, *src;
    struct gbuf gi, go;
    void *x, *ox;
    unsigned int n;

    gbuf_new(&gi, 8192);
    gbuf_new(&go, 8192);
    want = malloc(8192);
    src = malloc(8192);
    ck_assert(want && src);
    rng_state = test_seed(DEFAULT_SEED) ^ 0x75;
    for ( n = 1; n <= 90; n++ )
    {
        size_t len = 16 * (n <= 80 ? n : 256 + (n - 81) * 17);
        bool enc = n % 2, in_place = n % 3 == 0;
        size_t mis = rng_next() % 16;
        uint8_t *in = gbuf_at(&gi, len, mis);
        uint8_t *out = in_place ? in : gbuf_at(&go, len, rng_next() % 16);

        ck_assert_uint_le(len, 8192);
        xts_key_random(key);
        rng_fill(tweak, sizeof(tweak));
        rng_fill(src, len);
        ck_assert_int_eq(openssl->xts_new(&ox, key), 0);
        ck_assert_int_eq(openssl->xts_crypt(ox, enc, tweak, src, want, len),
                         0);
        openssl->xts_free(ox);

        ck_assert_int_eq(vaes->xts_new(&x, key), 0);
        memcpy(in, src, len);
        ck_assert_int_eq(vaes->xts_crypt(x, enc, tweak, in, out, len), 0);
        ck_assert_msg(!memcmp(out, want, len), "%s %zu bytes mis %zu%s",
                      enc ? "encrypt" : "decrypt", len, mis,
                      in_place ? " in place" : "");
        vaes->xts_free(x);
    }
    free(want);
    free(src);
    gbuf_free(&gi);
    gbuf_free(&go);
}
END_TEST

START_TEST(xts_lengths)
{
    static const size_t bad[] = { 0, 1, 15, 17, 4095 };
    size_t max = (size_t)16 << 20, i;
    uint8_t key[64], tweak[16] = { 0 }, *in, *out, *want;
    void *x, *ox;

    rng_state = test_seed(DEFAULT_SEED) ^ 0x1f;
    xts_key_random(key);
    in = malloc(max + 16);
    out = malloc(max + 16);
    want = malloc(max);
    ck_assert(in && out && want);
    rng_fill(in, max + 16);
    ck_assert_int_eq(vaes->xts_new(&x, key), 0);
    for ( i = 0; i < sizeof(bad) / sizeof(bad[0]); i++ )
        ck_assert_int_eq(vaes->xts_crypt(x, true, tweak, in, out, bad[i]),
                         -EINVAL);
    /* One data unit is at most 2^20 blocks (IEEE 1619, OpenSSL). */
    ck_assert_int_eq(vaes->xts_crypt(x, true, tweak, in, out, max + 16),
                     -EINVAL);
    ck_assert_int_eq(vaes->xts_crypt(x, false, tweak, in, out, max), 0);
    ck_assert_int_eq(openssl->xts_new(&ox, key), 0);
    ck_assert_int_eq(openssl->xts_crypt(ox, false, tweak, in, want, max), 0);
    ck_assert(!memcmp(out, want, max));
    openssl->xts_free(ox);
    vaes->xts_free(x);
    free(in);
    free(out);
    free(want);
}
END_TEST

/* ---- GCM alone ------------------------------------------------------- */

/*
 * Every length from 0 to 1100 bytes, and pages, with AAD of 0 to 40
 * bytes, against OpenSSL: the seal gives its ciphertext and tag, the
 * open gives back the plaintext, in place or not, at any alignment, with
 * guard pages behind; one flipped bit anywhere is refused, the output
 * wiped.
 */
START_TEST(gcm_vs_openssl)
{
    uint8_t key[32], iv[12], aad[40], tag[16], wtag[16], *want, *src;
    struct gbuf gi, go;
    unsigned int n;
    void *g, *og;

    gbuf_new(&gi, 8192);
    gbuf_new(&go, 8192);
    want = malloc(8192);
    src = malloc(8192);
    ck_assert(want && src);
    rng_state = test_seed(DEFAULT_SEED) ^ 0x9c;
    for ( n = 0; n <= 1104; n++ )
    {
        size_t len = n <= 1100 ? n : PAGE + (n - 1101) * 997;
        size_t aad_len = n % 41, mis = rng_next() % 16;
        bool in_place = n % 3 == 0;
        uint8_t *in = gbuf_at(&gi, len, mis);
        uint8_t *out = in_place ? in : gbuf_at(&go, len, rng_next() % 16);

        ck_assert_uint_le(len, 8192);
        rng_fill(key, sizeof(key));
        rng_fill(iv, sizeof(iv));
        rng_fill(aad, aad_len);
        rng_fill(src, len);
        ck_assert_int_eq(openssl->gcm_new(&og, key), 0);
        ck_assert_int_eq(openssl->gcm_seal(og, iv, aad, aad_len, src, len,
                                           want, wtag), 0);
        openssl->gcm_free(og);

        ck_assert_int_eq(vaes->gcm_new(&g, key), 0);
        memcpy(in, src, len);
        ck_assert_int_eq(vaes->gcm_seal(g, iv, aad, aad_len, in, len, out,
                                        tag), 0);
        ck_assert_msg(!memcmp(out, want, len) && !memcmp(tag, wtag, 16),
                      "seal: %zu bytes, aad %zu, mis %zu%s", len, aad_len,
                      mis, in_place ? ", in place" : "");
        memcpy(in, want, len);
        ck_assert_int_eq(vaes->gcm_open(g, iv, aad, aad_len, in, len, tag,
                                        out), 0);
        ck_assert_msg(!memcmp(out, src, len), "open: %zu bytes", len);
        if ( len )
        {
            size_t at = rng_next() % len;

            memcpy(in, want, len);
            in[at] ^= 1 << (rng_next() % 8);
            memset(out, 0xa5, len);
            ck_assert_int_eq(vaes->gcm_open(g, iv, aad, aad_len, in, len,
                                            tag, out), -EBADMSG);
            ck_assert_msg(all_zero(out, len), "%zu bytes: not wiped", len);
        }
        vaes->gcm_free(g);
    }
    free(want);
    free(src);
    gbuf_free(&gi);
    gbuf_free(&go);
}
END_TEST

/* The 256-bit counter mode wraps its low 32 bits, in both lanes. */
START_TEST(kernel_ctr32_wrap)
{
    struct encmig_aesni_xts xts;
    struct encmig_vaes_gcm gcm;
    struct encmig_vaes_args a;
    uint8_t key[64], ctr[16], in[16 * 35], out[16 * 35], want[16 * 32];
    unsigned int start;

    rng_state = test_seed(DEFAULT_SEED) ^ 0x32;
    for ( start = 0; start < 18; start++ )
    {
        xts_key_random(key);
        kernel_setup(key, &xts, &gcm, &a);
        rng_fill(ctr, sizeof(ctr));
        rng_fill(in, sizeof(in));
        ctr[12] = ctr[13] = ctr[14] = 0xff;
        ctr[15] = 0xff - start;
        memcpy(a.ctr, ctr, 16);
        encmig_aesni_ctr32(&gcm.base.ek, ctr, in, want, sizeof(want));
        /* 35 blocks asked: the three past the last batch are left alone. */
        memset(out, 0x5a, sizeof(out));
        encmig_vaes_ctr32(&a, in, out, 35);
        ck_assert_mem_eq(out, want, sizeof(want));
        ck_assert(out[sizeof(want)] == 0x5a && out[sizeof(out) - 1] == 0x5a);
    }
}
END_TEST

/* ---- the memory backend and the engine -------------------------------- */

/* xts-sim seals in one pass only under its own cipher's fused op. */
START_TEST(mem_seal_fuses)
{
    struct encmig_mem m;
    struct encmig_frame f;
    uint8_t key[64], gkey[32], iv[12], aad[56], page[PAGE], ct[PAGE];
    uint8_t want[PAGE], tag[16], wtag[16], tweak[16] = { 0 };
    void *g;

    rng_state = test_seed(DEFAULT_SEED) ^ 0x3e;
    xts_key_random(key);
    rng_fill(gkey, sizeof(gkey));
    rng_fill(iv, sizeof(iv));
    rng_fill(aad, sizeof(aad));
    rng_fill(page, sizeof(page));
    f.va = page;
    f.hpa = 0x123456000ULL;
    f.priv = NULL;
    memcpy(tweak, &f.hpa, sizeof(f.hpa));
    reference(key, tweak, gkey, iv, aad, sizeof(aad), page, PAGE, want, wtag);

    ck_assert_int_eq(encmig_mem_init_xts_sim(&m, vaes, key), 0);
    ck_assert_int_eq(vaes->gcm_new(&g, gkey), 0);
    ck_assert_int_eq(m.ops->seal(&m, &f, vaes, g, iv, aad, sizeof(aad), ct,
                                 tag), 0);
    ck_assert_mem_eq(ct, want, PAGE);
    ck_assert_mem_eq(tag, wtag, 16);
    vaes->gcm_free(g);

    /* The session's cipher is not the memory key's: no fusing. */
    ck_assert_int_eq(openssl->gcm_new(&g, gkey), 0);
    ck_assert_int_eq(m.ops->seal(&m, &f, openssl, g, iv, aad, sizeof(aad),
                                 ct, tag), -EOPNOTSUPP);
    openssl->gcm_free(g);
    encmig_mem_fini(&m);
}
END_TEST

#define ENGINE_PAGES 64U

/*
 * The same guest, the same layout and the same keys on a host of the
 * VAES ops (fused export) and on one of OpenSSL's (two steps): the
 * records are identical, byte for byte, and open with OpenSSL.
 */
START_TEST(engine_records_identical)
{
    struct tu_host a, b;
    struct xen_encmig_keymat km;
    uint8_t plain[TU_PAGE], want[TU_PAGE], *ra, *rb;
    size_t size = (size_t)ENGINE_PAGES * XEN_ENCMIG_REC_SIZE;
    uint32_t i;

    tu_host_new(&a, 1, vaes, ENGINE_PAGES, 0x7ae5);
    tu_host_new(&b, 1, openssl, ENGINE_PAGES, 0x7ae5);
    tu_random_keymat(&km);
    ck_assert_int_eq(encmig_hc_setup(a.hc, a.domid, XEN_ENCMIG_DIR_EXPORT, 1,
                                     &km), 0);
    ck_assert_int_eq(encmig_hc_setup(b.hc, b.domid, XEN_ENCMIG_DIR_EXPORT, 1,
                                     &km), 0);
    ra = encmig_hc_buf_alloc(a.hc, size);
    rb = encmig_hc_buf_alloc(b.hc, size);
    ck_assert(ra && rb);
    ck_assert_int_eq(tu_export_range(&a, 0, 0, 0, ENGINE_PAGES, ra), 0);
    ck_assert_int_eq(tu_export_range(&b, 0, 0, 0, ENGINE_PAGES, rb), 0);
    ck_assert(!memcmp(ra, rb, size));
    for ( i = 0; i < ENGINE_PAGES; i++ )
    {
        ck_assert_int_eq(tu_open_record(&km, ra + (size_t)i *
                                        XEN_ENCMIG_REC_SIZE, plain), 0);
        tu_page_pattern(0x7ae5, i, want);
        ck_assert_mem_eq(plain, want, TU_PAGE);
    }
    encmig_hc_buf_free(a.hc, ra, size);
    encmig_hc_buf_free(b.hc, rb, size);
    tu_host_free(&a);
    tu_host_free(&b);
}
END_TEST

/* ---- the suites ------------------------------------------------------ */

static Suite *nocpu_suite(void)
{
    Suite *s = suite_create("vaes-unavailable");
    TCase *tc = tcase_create("ops");

    tcase_add_test(tc, ops_table);
    tcase_add_test(tc, nocpu_refused);
    suite_add_tcase(s, tc);

    return s;
}

static Suite *vaes_suite(void)
{
    Suite *s = suite_create("vaes");
    TCase *tc = tcase_create("fused");

    tcase_add_test(tc, ops_table);
    tcase_add_loop_test(tc, fused_ieee1619, 0, NR_XTS_VECTORS);
    tcase_add_test(tc, fused_vs_openssl);
    tcase_add_test(tc, fused_lengths);
    tcase_add_test(tc, kernel_ctr_wrap);
    tcase_add_test(tc, kernel_tail_untouched);
    tcase_add_loop_test(tc, registers_cleared, 0, 3);
    tcase_add_loop_test(tc, xts_ieee1619, 0, NR_XTS_VECTORS);
    tcase_add_test(tc, xts_vs_openssl);
    tcase_add_test(tc, xts_lengths);
    tcase_add_test(tc, gcm_vs_openssl);
    tcase_add_test(tc, kernel_ctr32_wrap);
    tcase_add_test(tc, mem_seal_fuses);
    tcase_add_test(tc, engine_records_identical);
    tcase_set_timeout(tc, 120);
    suite_add_tcase(s, tc);

    return s;
}

int main(void)
{
    SRunner *sr;
    int failed;

    if ( encmig_cpu_has_vaes() )
        sr = srunner_create(vaes_suite());
    else
    {
        printf("check_vaes: SKIP: no AVX2/VAES/VPCLMULQDQ usable on this "
               "CPU (or ENCMIG_SIM_NO_VAES set): checking only the ops "
               "table and its refusals\n");
        fflush(stdout);
        sr = srunner_create(nocpu_suite());
    }

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);

    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
