/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * check_aesni.c: the AES-NI/PCLMULQDQ cipher ops and their assembly,
 * against the published vectors, against OpenSSL and against the
 * portable constant-time C, byte for byte.
 *
 * On a CPU without AES-NI, PCLMULQDQ or SSSE3 (or with
 * ENCMIG_SIM_NO_AESNI set) only the parts that run no assembly are
 * checked: the ops table, and that the ops refuse to set a key up.
 */

#include <check.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "cryptotest.h"
#include "testutil.h"
#include "vectors.h"
#include "xts-vector-check.h"
#include "../sim/cipher-openssl.h"
#include "../sim/sim.h"
#include "../xen/arch/x86/encmig/aesni.h"
#include "../xen/arch/x86/encmig/ghash.h"

static const struct encmig_cipher_ops *const aesni = &encmig_cipher_aesni;
static const struct encmig_cipher_ops *const portable =
    &encmig_cipher_portable;
static const struct encmig_cipher_ops *const openssl = &encmig_cipher_openssl;

/* ---- helpers ------------------------------------------------------- */

#define DEFAULT_SEED 0x6165736e69212121ULL

static void print_seed(const char *what, uint64_t seed)
{
    printf("%s: seed 0x%016" PRIx64 " (set ENCMIG_TEST_SEED to replay)\n",
           what, seed);
    fflush(stdout);
}

/* ---- the ops table, with or without the CPU -------------------------- */

START_TEST(ops_table)
{
    ck_assert_str_eq(aesni->name, "aesni");
    ck_assert_ptr_nonnull(aesni->xts_new);
    ck_assert_ptr_nonnull(aesni->xts_crypt);
    ck_assert_ptr_nonnull(aesni->xts_free);
    ck_assert_ptr_nonnull(aesni->gcm_new);
    ck_assert_ptr_nonnull(aesni->gcm_seal);
    ck_assert_ptr_nonnull(aesni->gcm_open);
    ck_assert_ptr_nonnull(aesni->gcm_free);
    /* Freeing nothing is fine, as for the other backends. */
    aesni->xts_free(NULL);
    aesni->gcm_free(NULL);
}
END_TEST

/* Without the instructions: no context, so no op can reach the assembly. */
START_TEST(nocpu_refused)
{
    uint8_t key[64];
    void *ctx = NULL;
    unsigned int i;

    for ( i = 0; i < sizeof(key); i++ )
        key[i] = i;
    ck_assert_int_eq(aesni->xts_new(&ctx, key), -EOPNOTSUPP);
    ck_assert_ptr_null(ctx);
    ck_assert_int_eq(aesni->gcm_new(&ctx, key), -EOPNOTSUPP);
    ck_assert_ptr_null(ctx);
    /* A bad key is still refused as such. */
    memcpy(key + 32, key, 32);
    ck_assert_int_eq(aesni->xts_new(&ctx, key), -EINVAL);
    ck_assert_ptr_null(ctx);
}
END_TEST

/* ---- AES-256 blocks -------------------------------------------------- */

/* FIPS-197 Appendix C.3. */
static const char sp38a_ctr0[] = "f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff";
static const char sp38a_ctr_ct[] =
    "601ec313775789a5b7a7f504bbf3d228"
    "f443e3ca4d62b59aca84e990cacaf5c5"
    "2b0930daa23de94ce87017ba2d84988d"
    "dfc9c58db67aada613c2dd08457941a6";
/* FIPS-197 A.3: the last four words of the expansion of sp38a_key. */
static const char sp38a_rk14[] = "fe4890d1e6188d0b046df344706c631e";

static void keys_load(const char *hex, struct encmig_aesni_key *ek,
                      struct encmig_aesni_key *dk)
{
    uint8_t key[32];

    ck_assert_uint_eq(unhex(hex, key, sizeof(key)), 32);
    encmig_aesni_set_key256(ek, key);
    encmig_aesni_inv_key(dk, ek);
}

START_TEST(aes_fips197_c3)
{
    struct encmig_aesni_key ek, dk;
    uint8_t key[32], pt[16], ct[16], buf[16];

    keys_load(fips197_key, &ek, &dk);
    unhex(fips197_key, key, sizeof(key));
    unhex(fips197_pt, pt, sizeof(pt));
    unhex(fips197_ct, ct, sizeof(ct));

    /* The first two round keys are the key itself. */
    ck_assert_mem_eq(ek.rk[0], key, 32);
    /* The inverse schedule ends where the forward one starts. */
    ck_assert_mem_eq(dk.rk[0], ek.rk[14], 16);
    ck_assert_mem_eq(dk.rk[14], ek.rk[0], 16);

    encmig_aesni_ecb_encrypt(&ek, pt, buf, 1);
    ck_assert_mem_eq(buf, ct, 16);
    encmig_aesni_ecb_decrypt(&dk, ct, buf, 1);
    ck_assert_mem_eq(buf, pt, 16);
}
END_TEST

START_TEST(aes_key_expansion)
{
    struct encmig_aesni_key ek, dk;
    uint8_t rk14[16];

    keys_load(sp38a_key, &ek, &dk);
    unhex(sp38a_rk14, rk14, sizeof(rk14));
    ck_assert_mem_eq(ek.rk[14], rk14, 16);
}
END_TEST

START_TEST(aes_sp800_38a_ecb)
{
    struct encmig_aesni_key ek, dk;
    uint8_t pt[64], ct[64], buf[64];
    unsigned int i;

    keys_load(sp38a_key, &ek, &dk);
    unhex(sp38a_pt, pt, sizeof(pt));
    unhex(sp38a_ct, ct, sizeof(ct));

    encmig_aesni_ecb_encrypt(&ek, pt, buf, 4);
    ck_assert_mem_eq(buf, ct, 64);
    encmig_aesni_ecb_decrypt(&dk, ct, buf, 4);
    ck_assert_mem_eq(buf, pt, 64);

    for ( i = 0; i < 4; i++ )
    {
        encmig_aesni_ecb_encrypt(&ek, pt + 16 * i, buf, 1);
        ck_assert_mem_eq(buf, ct + 16 * i, 16);
        encmig_aesni_ecb_decrypt(&dk, ct + 16 * i, buf, 1);
        ck_assert_mem_eq(buf, pt + 16 * i, 16);
    }

    memcpy(buf, pt, 64);
    encmig_aesni_ecb_encrypt(&ek, buf, buf, 4);
    ck_assert_mem_eq(buf, ct, 64);
    encmig_aesni_ecb_decrypt(&dk, buf, buf, 4);
    ck_assert_mem_eq(buf, pt, 64);
}
END_TEST

/* Batches of 1..20 blocks: the eight-block path, the single-block tail. */
START_TEST(aes_multiblock)
{
    struct encmig_aesni_key ek, dk;
    uint8_t pt[64], ct[64];
    uint8_t in[16 * 20], want[16 * 20], buf[16 * 20 + 1];
    unsigned int n, i, off;

    keys_load(sp38a_key, &ek, &dk);
    unhex(sp38a_pt, pt, sizeof(pt));
    unhex(sp38a_ct, ct, sizeof(ct));

    for ( off = 0; off < 4; off++ )
        for ( n = 0; n <= 20; n++ )
        {
            for ( i = 0; i < n; i++ )
            {
                memcpy(in + 16 * i, pt + 16 * ((i + off) % 4), 16);
                memcpy(want + 16 * i, ct + 16 * ((i + off) % 4), 16);
            }
            memset(buf, 0x5a, sizeof(buf));
            /* Unaligned output; nothing written past n blocks. */
            encmig_aesni_ecb_encrypt(&ek, in, buf + 1, n);
            ck_assert_mem_eq(buf + 1, want, 16 * n);
            ck_assert_uint_eq(buf[0], 0x5a);
            if ( n < 20 )
                ck_assert_uint_eq(buf[1 + 16 * n], 0x5a);
            encmig_aesni_ecb_decrypt(&dk, buf + 1, buf + 1, n);
            ck_assert_mem_eq(buf + 1, in, 16 * n);
        }
}
END_TEST

START_TEST(aes_vs_evp_ecb)
{
    static uint8_t in[16 * 17 + 15], a[16 * 17 + 15], b[16 * 17];
    struct encmig_aesni_key ek, dk;
    uint8_t key[32];
    unsigned int it, n, mis;
    int outl;

    rng_state = test_seed(DEFAULT_SEED) ^ 0xae5;
    for ( it = 0; it < 1000; it++ )
    {
        EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();

        ck_assert_ptr_nonnull(ctx);
        rng_fill(key, sizeof(key));
        n = 1 + it % 17;
        mis = it % 16;
        rng_fill(in + mis, 16 * n);
        encmig_aesni_set_key256(&ek, key);
        encmig_aesni_inv_key(&dk, &ek);

        encmig_aesni_ecb_encrypt(&ek, in + mis, a + 15 - mis, n);
        ck_assert_int_eq(EVP_EncryptInit_ex(ctx, EVP_aes_256_ecb(), NULL,
                                            key, NULL), 1);
        EVP_CIPHER_CTX_set_padding(ctx, 0);
        ck_assert_int_eq(EVP_EncryptUpdate(ctx, b, &outl, in + mis, 16 * n),
                         1);
        ck_assert_mem_eq(a + 15 - mis, b, 16 * n);

        encmig_aesni_ecb_decrypt(&dk, in + mis, a + 15 - mis, n);
        ck_assert_int_eq(EVP_DecryptInit_ex(ctx, EVP_aes_256_ecb(), NULL,
                                            key, NULL), 1);
        EVP_CIPHER_CTX_set_padding(ctx, 0);
        ck_assert_int_eq(EVP_DecryptUpdate(ctx, b, &outl, in + mis, 16 * n),
                         1);
        ck_assert_mem_eq(a + 15 - mis, b, 16 * n);

        EVP_CIPHER_CTX_free(ctx);
    }
}
END_TEST

/* ---- CTR ------------------------------------------------------------- */

START_TEST(ctr_sp800_38a)
{
    struct encmig_aesni_key ek, dk;
    uint8_t ctr[16], pt[64], ct[64], buf[64];

    keys_load(sp38a_key, &ek, &dk);
    unhex(sp38a_ctr0, ctr, sizeof(ctr));
    unhex(sp38a_pt, pt, sizeof(pt));
    unhex(sp38a_ctr_ct, ct, sizeof(ct));

    encmig_aesni_ctr32(&ek, ctr, pt, buf, 64);
    ck_assert_mem_eq(buf, ct, 64);
    encmig_aesni_ctr32(&ek, ctr, buf, buf, 64);
    ck_assert_mem_eq(buf, pt, 64);
}
END_TEST

/*
 * Every length from 0 to 300 bytes, against EVP's CTR (which counts over
 * all 128 bits: the same while the low 32 do not wrap), unaligned, in
 * place and not, with guard pages behind in and out.
 */
START_TEST(ctr_vs_evp)
{
    struct encmig_aesni_key ek;
    struct gbuf gi, go;
    uint8_t key[32], ctr[16], want[300], plain[300], *in, *out;
    size_t len;
    int outl;

    gbuf_new(&gi, 4096);
    gbuf_new(&go, 4096);
    rng_state = test_seed(DEFAULT_SEED) ^ 0xc7;
    for ( len = 0; len <= 300; len++ )
    {
        EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
        size_t mis = len % 16 == 0 ? 0 : rng_next() % 16;

        rng_fill(key, sizeof(key));
        rng_fill(ctr, sizeof(ctr));
        ctr[12] = 0;            /* keep the low 32 bits from wrapping */
        rng_fill(plain, len);
        encmig_aesni_set_key256(&ek, key);

        ck_assert_ptr_nonnull(ctx);
        ck_assert_int_eq(EVP_EncryptInit_ex(ctx, EVP_aes_256_ctr(), NULL,
                                            key, ctr), 1);
        ck_assert_int_eq(EVP_EncryptUpdate(ctx, want, &outl, plain, len), 1);
        EVP_CIPHER_CTX_free(ctx);

        in = gbuf_at(&gi, len, mis);
        out = gbuf_at(&go, len, (len + mis) % 16);
        memcpy(in, plain, len);
        encmig_aesni_ctr32(&ek, ctr, in, out, len);
        ck_assert_mem_eq(out, want, len);
        encmig_aesni_ctr32(&ek, ctr, in, in, len);
        ck_assert_mem_eq(in, want, len);
    }
    gbuf_free(&gi);
    gbuf_free(&go);
}
END_TEST

/* inc32: the low 32 bits wrap to zero, the other 96 stay as they are. */
START_TEST(ctr_wrap)
{
    struct encmig_aesni_key ek;
    uint8_t key[32], ctr[16], blk[16], ks[16 * 21], in[16 * 21 - 5];
    uint8_t out[sizeof(in)];
    uint32_t c;
    unsigned int i;

    rng_state = test_seed(DEFAULT_SEED) ^ 0x3a9;
    rng_fill(key, sizeof(key));
    rng_fill(ctr, 12);
    ctr[12] = ctr[13] = ctr[14] = 0xff;
    ctr[15] = 0xf6;                 /* 0xfffffff6: wraps after ten blocks */
    rng_fill(in, sizeof(in));
    encmig_aesni_set_key256(&ek, key);

    for ( i = 0, c = 0xfffffff6U; i < 21; i++, c++ )
    {
        memcpy(blk, ctr, 12);
        blk[12] = c >> 24;
        blk[13] = c >> 16;
        blk[14] = c >> 8;
        blk[15] = c;
        encmig_aesni_ecb_encrypt(&ek, blk, ks + 16 * i, 1);
    }
    for ( i = 0; i < sizeof(in); i++ )
        ks[i] ^= in[i];

    encmig_aesni_ctr32(&ek, ctr, in, out, sizeof(in));
    ck_assert_mem_eq(out, ks, sizeof(in));
}
END_TEST

/* ---- GHASH ----------------------------------------------------------- */

/*
 * Against ghash.c for random keys, 0..40 blocks (each length once through
 * both the eight-block loop and the aggregated tail), in one call and
 * split in two at every point.
 */
START_TEST(ghash_vs_portable)
{
    struct encmig_ghash_key hk;
    struct encmig_ghash gh;
    uint8_t h[16], data[16 * 40 + 1], want[16], y[16];
    unsigned int it, n, k;

    rng_state = test_seed(DEFAULT_SEED) ^ 0x6a5;
    for ( it = 0; it < 200; it++ )
    {
        rng_fill(h, sizeof(h));
        if ( it == 0 )
            memset(h, 0, sizeof(h));
        else if ( it == 1 )
            memset(h, 0xff, sizeof(h));
        encmig_pclmul_ghash_init(&hk, h);
        n = it % 41;
        rng_fill(data, sizeof(data));

        encmig_ghash_init(&gh, h);
        encmig_ghash_update(&gh, data + 1, 16 * n);
        encmig_ghash_final(&gh, want);

        memset(y, 0, sizeof(y));
        encmig_pclmul_ghash(&hk, y, data + 1, n);
        ck_assert_msg(!memcmp(y, want, 16), "case %u: %u blocks", it, n);

        for ( k = 0; k <= n; k++ )
        {
            memset(y, 0, sizeof(y));
            encmig_pclmul_ghash(&hk, y, data + 1, k);
            encmig_pclmul_ghash(&hk, y, data + 1 + 16 * k, n - k);
            ck_assert_msg(!memcmp(y, want, 16), "case %u: %u + %u blocks",
                          it, k, n - k);
        }
    }
}
END_TEST

/* ---- XTS-AES-256: IEEE 1619-2007 vectors 10..14 ---------------------- */

#define NR_XTS_VECTORS (sizeof(xts_vectors) / sizeof(xts_vectors[0]))

START_TEST(xts_ieee1619)
{
    xts_vector_check(aesni, &xts_vectors[_i], 1);
}
END_TEST

START_TEST(xts_bad_length)
{
    static const size_t bad[] = { 0, 1, 8, 15, 17, 31, 520, 4095 };
    uint8_t key[64], tweak[16] = { 0 }, buf[4096];
    unsigned int i;
    void *ctx;

    unhex(xts_key, key, sizeof(key));
    memset(buf, 0x5a, sizeof(buf));
    ck_assert_int_eq(aesni->xts_new(&ctx, key), 0);
    for ( i = 0; i < sizeof(bad) / sizeof(bad[0]); i++ )
    {
        ck_assert_int_eq(aesni->xts_crypt(ctx, true, tweak, buf, buf,
                                          bad[i]), -EINVAL);
        ck_assert_int_eq(aesni->xts_crypt(ctx, false, tweak, buf, buf,
                                          bad[i]), -EINVAL);
    }
    ck_assert_int_eq(aesni->xts_crypt(ctx, true, tweak, buf, buf,
                                      ((size_t)16 << 20) + 16), -EINVAL);
    for ( i = 0; i < sizeof(buf); i++ )
        ck_assert_uint_eq(buf[i], 0x5a);
    aesni->xts_free(ctx);
}
END_TEST

START_TEST(xts_equal_halves)
{
    uint8_t key[64];
    void *ctx = NULL;

    unhex(xts_key, key, sizeof(key));
    memcpy(key + 32, key, 32);
    ck_assert_int_eq(aesni->xts_new(&ctx, key), -EINVAL);
    ck_assert_ptr_null(ctx);

    key[63] ^= 1;
    ck_assert_int_eq(aesni->xts_new(&ctx, key), 0);
    aesni->xts_free(ctx);
}
END_TEST

/* The largest data unit IEEE 1619 allows, 2^20 blocks, against OpenSSL. */
START_TEST(xts_max_unit)
{
    const size_t len = (size_t)16 << 20;
    uint8_t key[64], tweak[16], *in, *a, *b;
    void *ac, *oc;

    rng_state = test_seed(DEFAULT_SEED) ^ 0x1619;
    do
        rng_fill(key, sizeof(key));
    while ( !memcmp(key, key + 32, 32) );
    rng_fill(tweak, sizeof(tweak));
    in = malloc(len);
    a = malloc(len);
    b = malloc(len);
    ck_assert(in && a && b);
    rng_fill(in, 4096);
    memset(in + 4096, 0x3c, len - 4096);

    ck_assert_int_eq(aesni->xts_new(&ac, key), 0);
    ck_assert_int_eq(openssl->xts_new(&oc, key), 0);
    ck_assert_int_eq(aesni->xts_crypt(ac, true, tweak, in, a, len), 0);
    ck_assert_int_eq(openssl->xts_crypt(oc, true, tweak, in, b, len), 0);
    ck_assert(!memcmp(a, b, len));
    ck_assert_int_eq(aesni->xts_crypt(ac, false, tweak, a, a, len), 0);
    ck_assert(!memcmp(a, in, len));
    aesni->xts_free(ac);
    openssl->xts_free(oc);
    free(in);
    free(a);
    free(b);
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

START_TEST(gcm_spec_vectors)
{
    const struct gcm_vector *v = &gcm_vectors[_i];
    struct gcm_case c;
    uint8_t buf[64], tag[16];
    const uint8_t *aad;
    void *ctx;

    gcm_case_load(&c, v);
    aad = c.aad_len ? c.aad : NULL;
    ck_assert_int_eq(aesni->gcm_new(&ctx, c.key), 0);

    ck_assert_int_eq(aesni->gcm_seal(ctx, c.iv, aad, c.aad_len,
                                     c.len ? c.pt : NULL, c.len,
                                     c.len ? buf : NULL, tag), 0);
    ck_assert_msg(!memcmp(buf, c.ct, c.len), "test case %u ciphertext",
                  v->nr);
    ck_assert_msg(!memcmp(tag, c.tag, 16), "test case %u tag", v->nr);

    memset(buf, 0xa5, sizeof(buf));
    ck_assert_int_eq(aesni->gcm_open(ctx, c.iv, aad, c.aad_len,
                                     c.len ? c.ct : NULL, c.len, c.tag,
                                     c.len ? buf : NULL), 0);
    ck_assert_mem_eq(buf, c.pt, c.len);

    memcpy(buf, c.pt, c.len);
    ck_assert_int_eq(aesni->gcm_seal(ctx, c.iv, aad, c.aad_len, buf, c.len,
                                     buf, tag), 0);
    ck_assert_mem_eq(buf, c.ct, c.len);
    ck_assert_mem_eq(tag, c.tag, 16);
    ck_assert_int_eq(aesni->gcm_open(ctx, c.iv, aad, c.aad_len, buf, c.len,
                                     tag, buf), 0);
    ck_assert_mem_eq(buf, c.pt, c.len);

    aesni->gcm_free(ctx);
}
END_TEST

static void gcm_expect_reject(void *ctx, const struct gcm_case *c,
                              const char *what)
{
    uint8_t buf[64];

    memset(buf, 0xa5, sizeof(buf));
    ck_assert_msg(aesni->gcm_open(ctx, c->iv, c->aad, c->aad_len, c->ct,
                                  c->len, c->tag, buf) == -EBADMSG,
                  "tampered %s accepted", what);
    ck_assert_msg(all_zero(buf, c->len), "tampered %s: output not wiped",
                  what);
}

START_TEST(gcm_tamper)
{
    struct gcm_case good, c;
    unsigned int i, bit;
    uint8_t buf[64];
    void *ctx;

    gcm_case_load(&good, &gcm_vectors[3]);
    ck_assert_int_eq(aesni->gcm_new(&ctx, good.key), 0);

    for ( i = 0; i < 16; i++ )
        for ( bit = 0; bit < 8; bit++ )
        {
            c = good;
            c.tag[i] ^= 1 << bit;
            gcm_expect_reject(ctx, &c, "tag");
        }
    for ( i = 0; i < good.len; i++ )
    {
        c = good;
        c.ct[i] ^= 1 << (i % 8);
        gcm_expect_reject(ctx, &c, "ciphertext");
    }
    for ( i = 0; i < good.aad_len; i++ )
    {
        c = good;
        c.aad[i] ^= 1 << (i % 8);
        gcm_expect_reject(ctx, &c, "AAD");
    }
    for ( i = 0; i < 12; i++ )
    {
        c = good;
        c.iv[i] ^= 0x80;
        gcm_expect_reject(ctx, &c, "IV");
    }
    c = good;
    c.len--;
    gcm_expect_reject(ctx, &c, "length (ciphertext truncated)");
    c = good;
    c.aad_len--;
    gcm_expect_reject(ctx, &c, "length (AAD truncated)");
    c = good;
    c.aad_len = 0;
    gcm_expect_reject(ctx, &c, "AAD (dropped)");

    /* In place: the ciphertext is wiped too. */
    c = good;
    c.tag[0] ^= 1;
    ck_assert_int_eq(aesni->gcm_open(ctx, c.iv, c.aad, c.aad_len, c.ct,
                                     c.len, c.tag, c.ct), -EBADMSG);
    ck_assert(all_zero(c.ct, c.len));

    ck_assert_int_eq(aesni->gcm_open(ctx, good.iv, good.aad, good.aad_len,
                                     good.ct, good.len, good.tag, buf), 0);
    ck_assert_mem_eq(buf, good.pt, good.len);

    aesni->gcm_free(ctx);
}
END_TEST

START_TEST(gcm_too_long)
{
    uint8_t key[32] = { 1 }, iv[12] = { 0 }, tag[16], buf[16];
    /* One byte over 2^32 - 2 blocks: refused before anything is read. */
    size_t len = (size_t)((((uint64_t)1 << 32) - 2) * 16 + 1);
    void *ctx;

    ck_assert_int_eq(aesni->gcm_new(&ctx, key), 0);
    ck_assert_int_eq(aesni->gcm_seal(ctx, iv, NULL, 0, buf, len, buf, tag),
                     -EINVAL);
    ck_assert_int_eq(aesni->gcm_open(ctx, iv, NULL, 0, buf, len, tag, buf),
                     -EINVAL);
    aesni->gcm_free(ctx);
}
END_TEST

/* Every context is wiped before it is freed. */
START_TEST(ctx_wiped)
{
    uint8_t key[64];
    void *x, *g;

    unhex(xts_key, key, sizeof(key));
    sim_check_wipes(true);
    ck_assert_int_eq(aesni->xts_new(&x, key), 0);
    ck_assert_int_eq(aesni->gcm_new(&g, key), 0);
    aesni->xts_free(x);
    aesni->gcm_free(g);
    ck_assert_uint_eq(sim_unwiped_frees(), 0);
    sim_check_wipes(false);
}
END_TEST

/* ---- AES-NI against OpenSSL and the portable C ------------------------ */

#define DIFF_XTS_CASES  6000
#define DIFF_GCM_CASES  6000
#define DIFF_XTS_MAX    4096
#define DIFF_MAX        4200
#define DIFF_AAD_MAX    300

START_TEST(diff_xts)
{
    static uint8_t in[DIFF_XTS_MAX], b[DIFF_XTS_MAX], c[DIFF_XTS_MAX];
    uint64_t seed = test_seed(DEFAULT_SEED);
    uint8_t key[64], tweak[16], *a, *ai;
    unsigned int it, nr_inplace = 0, nr_unaligned = 0;
    struct gbuf ga, gi;
    void *ac, *oc, *pc;

    print_seed("diff_xts", seed);
    rng_state = seed;
    gbuf_new(&ga, DIFF_XTS_MAX + 16);
    gbuf_new(&gi, DIFF_XTS_MAX + 16);

    for ( it = 0; it < DIFF_XTS_CASES; it++ )
    {
        /* Every length 16..4096 in turn, with random keys and data. */
        size_t len = 16 * (1 + it % 256);
        bool inplace = !(it % 4);
        /* Odd cases at a random misalignment, even ones end on the guard. */
        size_t mis = it % 2 ? 1 + rng_next() % 15 : 0;

        do
            rng_fill(key, sizeof(key));
        while ( !memcmp(key, key + 32, 32) );
        rng_fill(tweak, sizeof(tweak));
        rng_fill(in, len);
        nr_unaligned += mis != 0;

        ck_assert_int_eq(aesni->xts_new(&ac, key), 0);
        ck_assert_int_eq(openssl->xts_new(&oc, key), 0);
        ck_assert_int_eq(portable->xts_new(&pc, key), 0);

        ai = gbuf_at(&gi, len, mis);
        a = inplace ? ai : gbuf_at(&ga, len, (mis + 7) % 16);
        memcpy(ai, in, len);
        nr_inplace += inplace;

        /* Encrypt: all three agree; the others decrypt AES-NI's output. */
        ck_assert_int_eq(aesni->xts_crypt(ac, true, tweak, ai, a, len), 0);
        ck_assert_int_eq(openssl->xts_crypt(oc, true, tweak, in, b, len), 0);
        ck_assert_int_eq(portable->xts_crypt(pc, true, tweak, in, c, len), 0);
        ck_assert_msg(!memcmp(a, b, len), "case %u: XTS encrypt differs "
                      "from OpenSSL, len %zu", it, len);
        ck_assert_msg(!memcmp(a, c, len), "case %u: XTS encrypt differs "
                      "from portable, len %zu", it, len);
        ck_assert_int_eq(openssl->xts_crypt(oc, false, tweak, a, b, len), 0);
        ck_assert_mem_eq(b, in, len);

        /* Decrypt of arbitrary data. */
        memcpy(ai, in, len);
        ck_assert_int_eq(aesni->xts_crypt(ac, false, tweak, ai, a, len), 0);
        ck_assert_int_eq(openssl->xts_crypt(oc, false, tweak, in, b, len), 0);
        ck_assert_msg(!memcmp(a, b, len), "case %u: XTS decrypt differs "
                      "from OpenSSL, len %zu", it, len);
        if ( it % 8 == 0 )
        {
            ck_assert_int_eq(portable->xts_crypt(pc, false, tweak, in, c,
                                                 len), 0);
            ck_assert_msg(!memcmp(a, c, len), "case %u: XTS decrypt differs "
                          "from portable, len %zu", it, len);
        }
        ck_assert_int_eq(aesni->xts_crypt(ac, true, tweak, a, a, len), 0);
        ck_assert_mem_eq(a, in, len);

        aesni->xts_free(ac);
        openssl->xts_free(oc);
        portable->xts_free(pc);
    }

    ck_assert_uint_gt(nr_inplace, 0);
    ck_assert_uint_gt(nr_unaligned, 0);
    gbuf_free(&ga);
    gbuf_free(&gi);
}
END_TEST

START_TEST(diff_gcm)
{
    static uint8_t in[DIFF_MAX], b[DIFF_MAX], c[DIFF_MAX];
    uint64_t seed = test_seed(DEFAULT_SEED);
    uint8_t key[32], ivb[12 + 15], tb[16], tc[16], tagb[16 + 15];
    uint8_t *a, *ai, *aad, *iv, *ta;
    unsigned int it, nr_empty_aad = 0, nr_empty = 0, nr_odd = 0;
    unsigned int nr_tamper = 0, nr_inplace = 0;
    struct gbuf ga, gi, gaad;
    void *ac, *oc, *pc;

    print_seed("diff_gcm", seed);
    rng_state = seed ^ 0x6763d;
    gbuf_new(&ga, DIFF_MAX + 16);
    gbuf_new(&gi, DIFF_MAX + 16);
    gbuf_new(&gaad, DIFF_AAD_MAX + 16);

    for ( it = 0; it < DIFF_GCM_CASES; it++ )
    {
        /* The first 64 lengths in order, then random, with the extremes. */
        size_t len = it < 64 ? it : it % 16 == 1 ? 0 :
                     it % 16 == 2 ? DIFF_MAX : rng_next() % (DIFF_MAX + 1);
        size_t aad_len = it % 16 == 0 ? 0 : rng_next() % (DIFF_AAD_MAX + 1);
        size_t mis = it % 2 ? rng_next() % 16 : 0;
        bool inplace = it % 4 == 1 || it % 4 == 2;
        const uint8_t *ip;
        uint8_t *pa, *pb, *pc_out;

        nr_empty_aad += !aad_len;
        nr_empty += !len;
        nr_odd += len & 1;
        nr_inplace += inplace && len;

        iv = ivb + (it % 16);
        ta = tagb + (it * 7 % 16);
        aad = gbuf_at(&gaad, aad_len, mis);
        ai = gbuf_at(&gi, len, mis);
        a = inplace ? ai : gbuf_at(&ga, len, (mis + 9) % 16);

        rng_fill(key, sizeof(key));
        rng_fill(iv, 12);
        rng_fill(aad, aad_len);
        rng_fill(in, len);
        memcpy(ai, in, len);

        ip = len ? in : NULL;
        pb = len ? b : NULL;
        pc_out = len ? c : NULL;

        ck_assert_int_eq(aesni->gcm_new(&ac, key), 0);
        ck_assert_int_eq(openssl->gcm_new(&oc, key), 0);
        ck_assert_int_eq(portable->gcm_new(&pc, key), 0);

        pa = len ? a : NULL;
        ck_assert_int_eq(aesni->gcm_seal(ac, iv, aad_len ? aad : NULL,
                                         aad_len, len ? ai : NULL, len, pa,
                                         ta), 0);
        ck_assert_int_eq(openssl->gcm_seal(oc, iv, aad_len ? aad : NULL,
                                           aad_len, ip, len, pb, tb), 0);
        ck_assert_int_eq(portable->gcm_seal(pc, iv, aad_len ? aad : NULL,
                                            aad_len, ip, len, pc_out, tc), 0);
        ck_assert_msg(!memcmp(a, b, len), "case %u: GCM ciphertext differs "
                      "from OpenSSL, aad %zu len %zu", it, aad_len, len);
        ck_assert_msg(!memcmp(ta, tb, 16), "case %u: GCM tag differs from "
                      "OpenSSL, aad %zu len %zu", it, aad_len, len);
        ck_assert_msg(!memcmp(a, c, len), "case %u: GCM ciphertext differs "
                      "from portable, aad %zu len %zu", it, aad_len, len);
        ck_assert_msg(!memcmp(ta, tc, 16), "case %u: GCM tag differs from "
                      "portable, aad %zu len %zu", it, aad_len, len);

        /* OpenSSL opens ours; we open OpenSSL's, in place or not. */
        ck_assert_int_eq(openssl->gcm_open(oc, iv, aad_len ? aad : NULL,
                                           aad_len, pa, len, ta, pc_out), 0);
        ck_assert_mem_eq(c, in, len);
        memcpy(ai, b, len);
        ck_assert_int_eq(aesni->gcm_open(ac, iv, aad_len ? aad : NULL,
                                         aad_len, len ? ai : NULL, len, tb,
                                         pa), 0);
        ck_assert_mem_eq(a, in, len);

        /* Every eighth case: one flipped bit, refused and wiped. */
        if ( it % 8 == 3 )
        {
            size_t where = rng_next() % (16 + len + aad_len);
            uint8_t bit = 1 << (rng_next() % 8);

            memcpy(ai, b, len);
            memcpy(ta, tb, 16);
            if ( where < 16 )
                ta[where] ^= bit;
            else if ( where < 16 + len )
                ai[where - 16] ^= bit;
            else
                aad[where - 16 - len] ^= bit;
            if ( !inplace )
                memset(a, 0xa5, len);

            ck_assert_int_eq(aesni->gcm_open(ac, iv, aad_len ? aad : NULL,
                                             aad_len, len ? ai : NULL, len,
                                             ta, pa), -EBADMSG);
            ck_assert(all_zero(a, len));
            ck_assert_int_eq(portable->gcm_open(pc, iv,
                                                aad_len ? aad : NULL,
                                                aad_len, len ? ai : NULL,
                                                len, ta, pc_out), -EBADMSG);
            nr_tamper++;
        }

        aesni->gcm_free(ac);
        openssl->gcm_free(oc);
        portable->gcm_free(pc);
    }

    ck_assert_uint_gt(nr_empty_aad, 0);
    ck_assert_uint_gt(nr_empty, 0);
    ck_assert_uint_gt(nr_odd, 0);
    ck_assert_uint_gt(nr_tamper, 0);
    ck_assert_uint_gt(nr_inplace, 0);
    gbuf_free(&ga);
    gbuf_free(&gi);
    gbuf_free(&gaad);
}
END_TEST

/* ---- one context, several threads ------------------------------------ */

#define MT_THREADS 4
#define MT_ROUNDS  300

struct mt_arg {
    void *xctx, *gctx;
    unsigned int id;
    unsigned int bad;
};

static void *mt_worker(void *p)
{
    struct mt_arg *m = p;
    uint8_t iv[12] = { 0 }, tweak[16] = { 0 }, page[4096], ct[4096];
    uint8_t back[4096], tag[16];
    unsigned int r, i;

    for ( r = 0; r < MT_ROUNDS; r++ )
    {
        for ( i = 0; i < sizeof(page); i++ )
            page[i] = m->id * 31 + r * 7 + i;
        iv[0] = m->id;
        iv[1] = r;
        tweak[0] = m->id;
        tweak[1] = r;
        if ( aesni->gcm_seal(m->gctx, iv, tweak, 16, page, sizeof(page), ct,
                             tag) ||
             aesni->gcm_open(m->gctx, iv, tweak, 16, ct, sizeof(ct), tag,
                             back) ||
             memcmp(back, page, sizeof(page)) )
            m->bad++;
        if ( aesni->xts_crypt(m->xctx, true, tweak, page, ct, sizeof(page)) ||
             aesni->xts_crypt(m->xctx, false, tweak, ct, back, sizeof(ct)) ||
             memcmp(back, page, sizeof(page)) )
            m->bad++;
    }

    return NULL;
}

START_TEST(shared_context)
{
    struct mt_arg m[MT_THREADS];
    pthread_t t[MT_THREADS];
    uint8_t key[64];
    void *x, *g;
    unsigned int i;

    unhex(xts_key, key, sizeof(key));
    ck_assert_int_eq(aesni->xts_new(&x, key), 0);
    ck_assert_int_eq(aesni->gcm_new(&g, key), 0);
    for ( i = 0; i < MT_THREADS; i++ )
    {
        m[i] = (struct mt_arg){ .xctx = x, .gctx = g, .id = i };
        ck_assert_int_eq(pthread_create(&t[i], NULL, mt_worker, &m[i]), 0);
    }
    for ( i = 0; i < MT_THREADS; i++ )
    {
        pthread_join(t[i], NULL);
        ck_assert_uint_eq(m[i].bad, 0);
    }
    aesni->xts_free(x);
    aesni->gcm_free(g);
}
END_TEST

/* ---- the engine on the AES-NI ops ------------------------------------ */

#define ENGINE_PAGES 64U

/* Export on src_c, import on dst_c: the guests come out identical. */
static void migrate_with(const struct encmig_cipher_ops *src_c,
                         const struct encmig_cipher_ops *dst_c)
{
    struct tu_host a, b;
    struct xen_encmig_keymat km;
    uint8_t ha[32], hb[32], plain[TU_PAGE], want[TU_PAGE], *recs, *in;
    size_t size = (size_t)ENGINE_PAGES * XEN_ENCMIG_REC_SIZE;
    uint32_t done, i;

    tu_host_new(&a, 1, src_c, ENGINE_PAGES, 0xae51);
    tu_host_new(&b, 2, dst_c, ENGINE_PAGES, 0);
    tu_random_keymat(&km);
    ck_assert_int_eq(encmig_hc_setup(a.hc, a.domid, XEN_ENCMIG_DIR_EXPORT, 1,
                                     &km), 0);
    ck_assert_int_eq(encmig_hc_setup(b.hc, b.domid, XEN_ENCMIG_DIR_IMPORT, 1,
                                     &km), 0);

    recs = encmig_hc_buf_alloc(a.hc, size);
    in = encmig_hc_buf_alloc(b.hc, size);
    ck_assert(recs && in);
    ck_assert_int_eq(tu_export_range(&a, 0, 0, 0, ENGINE_PAGES, recs), 0);
    /* Each record opens with OpenSSL, independently of the engine. */
    for ( i = 0; i < ENGINE_PAGES; i++ )
    {
        ck_assert_int_eq(tu_open_record(&km, recs + (size_t)i *
                                        XEN_ENCMIG_REC_SIZE, plain), 0);
        tu_page_pattern(0xae51, i, want);
        ck_assert_mem_eq(plain, want, TU_PAGE);
    }
    memcpy(in, recs, size);
    ck_assert_int_eq(encmig_hc_import(b.hc, b.domid, 0, in, ENGINE_PAGES,
                                      size, &done), 0);
    ck_assert_uint_eq(done, ENGINE_PAGES);

    ck_assert_int_eq(sim_domain_hash(a.host, a.domid, ha), 0);
    ck_assert_int_eq(sim_domain_hash(b.host, b.domid, hb), 0);
    ck_assert_mem_eq(ha, hb, sizeof(ha));

    encmig_hc_buf_free(a.hc, recs, size);
    encmig_hc_buf_free(b.hc, in, size);
    tu_host_free(&a);
    tu_host_free(&b);
}

START_TEST(engine_migrate)
{
    migrate_with(aesni, aesni);
    migrate_with(aesni, portable);
    migrate_with(openssl, aesni);
}
END_TEST

/* ---- the suites ------------------------------------------------------ */

static Suite *nocpu_suite(void)
{
    Suite *s = suite_create("aesni-unavailable");
    TCase *tc = tcase_create("ops");

    tcase_add_test(tc, ops_table);
    tcase_add_test(tc, nocpu_refused);
    suite_add_tcase(s, tc);

    return s;
}

static Suite *block_suite(void)
{
    Suite *s = suite_create("aesni-blocks");
    TCase *tc = tcase_create("known-answer");

    tcase_add_test(tc, ops_table);
    tcase_add_test(tc, aes_fips197_c3);
    tcase_add_test(tc, aes_key_expansion);
    tcase_add_test(tc, aes_sp800_38a_ecb);
    tcase_add_test(tc, aes_multiblock);
    tcase_add_test(tc, aes_vs_evp_ecb);
    tcase_add_test(tc, ctr_sp800_38a);
    tcase_add_test(tc, ctr_vs_evp);
    tcase_add_test(tc, ctr_wrap);
    tcase_add_test(tc, ghash_vs_portable);
    tcase_set_timeout(tc, 120);
    suite_add_tcase(s, tc);

    return s;
}

static Suite *ops_suite(void)
{
    Suite *s = suite_create("aesni-ops");
    TCase *tc = tcase_create("spec");

    tcase_add_loop_test(tc, xts_ieee1619, 0, NR_XTS_VECTORS);
    tcase_add_test(tc, xts_bad_length);
    tcase_add_test(tc, xts_equal_halves);
    tcase_add_test(tc, xts_max_unit);
    tcase_add_loop_test(tc, gcm_spec_vectors, 0, NR_GCM_VECTORS);
    tcase_add_test(tc, gcm_tamper);
    tcase_add_test(tc, gcm_too_long);
    tcase_add_test(tc, ctx_wiped);
    tcase_add_test(tc, shared_context);
    tcase_add_test(tc, engine_migrate);
    tcase_set_timeout(tc, 120);
    suite_add_tcase(s, tc);

    return s;
}

static Suite *diff_suite(void)
{
    Suite *s = suite_create("aesni-vs-openssl-and-portable");
    TCase *tc = tcase_create("random");

    tcase_add_test(tc, diff_xts);
    tcase_add_test(tc, diff_gcm);
    /* The portable side is slow under sanitizers. */
    tcase_set_timeout(tc, 600);
    suite_add_tcase(s, tc);

    return s;
}

int main(void)
{
    SRunner *sr;
    int failed;

    if ( encmig_cpu_has_aesni() )
    {
        sr = srunner_create(block_suite());
        srunner_add_suite(sr, ops_suite());
        srunner_add_suite(sr, diff_suite());
    }
    else
    {
        printf("check_aesni: SKIP: no AES-NI/PCLMULQDQ/SSSE3 on this CPU "
               "(or ENCMIG_SIM_NO_AESNI set): checking only the ops table "
               "and its refusals\n");
        fflush(stdout);
        sr = srunner_create(nocpu_suite());
    }

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);

    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
