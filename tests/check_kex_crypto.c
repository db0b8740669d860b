/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * check_kex_crypto.c: known-answer and differential tests of the engine's
 * key-agreement primitives: SHA-256, HMAC-SHA256, HKDF-SHA256 and X25519
 * against the published vectors, and against OpenSSL 3 on random inputs.
 * The vectors run on OpenSSL too, which checks their transcription.
 */

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>

#include "cryptotest.h"
#include "../xen/arch/x86/encmig/crypto.h"
#include "../xen/arch/x86/encmig/hkdf.h"
#include "../xen/arch/x86/encmig/sha256.h"
#include "../xen/arch/x86/encmig/x25519.h"

#define DEFAULT_SEED 0x6b65782d63727970ULL

/* ---- OpenSSL, behind the engine's signatures ------------------------ */

static const uint8_t empty[1];

static void ossl_sha256(const uint8_t *p, size_t len, uint8_t *out)
{
    unsigned int n = 0;

    ck_assert_int_eq(EVP_Digest(len ? p : empty, len, out, &n, EVP_sha256(),
                                NULL), 1);
    ck_assert_uint_eq(n, 32);
}

static void ossl_hmac(const uint8_t *key, size_t key_len,
                      const uint8_t *msg, size_t len, uint8_t *out)
{
    size_t n = 0;

    ck_assert_ptr_nonnull(EVP_Q_mac(NULL, "HMAC", NULL, "SHA256", NULL,
                                    key_len ? key : empty, key_len,
                                    len ? msg : empty, len, out, 32, &n));
    ck_assert_uint_eq(n, 32);
}

/* EVP_KDF "HKDF" in one mode; 0, or -EINVAL when OpenSSL refuses. */
static int ossl_hkdf(int mode, const uint8_t *salt, size_t salt_len,
                     const uint8_t *key, size_t key_len,
                     const uint8_t *info, size_t info_len,
                     uint8_t *out, size_t len)
{
    EVP_KDF *kdf = EVP_KDF_fetch(NULL, "HKDF", NULL);
    EVP_KDF_CTX *ctx;
    OSSL_PARAM params[6], *p = params;
    int rc;

    ck_assert_ptr_nonnull(kdf);
    ctx = EVP_KDF_CTX_new(kdf);
    ck_assert_ptr_nonnull(ctx);

    *p++ = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST,
                                            (char *)"SHA256", 0);
    *p++ = OSSL_PARAM_construct_int(OSSL_KDF_PARAM_MODE, &mode);
    *p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY,
                                             (void *)(key_len ? key : empty),
                                             key_len);
    if ( salt_len )
        *p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT,
                                                 (void *)salt, salt_len);
    if ( info_len )
        *p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO,
                                                 (void *)info, info_len);
    *p = OSSL_PARAM_construct_end();

    rc = EVP_KDF_derive(ctx, out, len, params) == 1 ? 0 : -EINVAL;
    ERR_clear_error();
    EVP_KDF_CTX_free(ctx);
    EVP_KDF_free(kdf);

    return rc;
}

static void ossl_extract(const uint8_t *salt, size_t salt_len,
                         const uint8_t *ikm, size_t ikm_len, uint8_t *prk)
{
    ck_assert_int_eq(ossl_hkdf(EVP_KDF_HKDF_MODE_EXTRACT_ONLY, salt,
                               salt_len, ikm, ikm_len, NULL, 0, prk, 32), 0);
}

static int ossl_expand(const uint8_t *prk, const uint8_t *info,
                       size_t info_len, uint8_t *okm, size_t okm_len)
{
    return ossl_hkdf(EVP_KDF_HKDF_MODE_EXPAND_ONLY, NULL, 0, prk, 32,
                     info, info_len, okm, okm_len);
}

/* 0, or -EINVAL when OpenSSL refuses the all-zero shared secret. */
static int ossl_x25519(uint8_t *out, const uint8_t *scalar, const uint8_t *u)
{
    EVP_PKEY *priv, *peer;
    EVP_PKEY_CTX *ctx;
    size_t n = 32;
    int rc = -EINVAL;

    priv = EVP_PKEY_new_raw_private_key(EVP_PKEY_X25519, NULL, scalar, 32);
    peer = EVP_PKEY_new_raw_public_key(EVP_PKEY_X25519, NULL, u, 32);
    ck_assert_ptr_nonnull(priv);
    ck_assert_ptr_nonnull(peer);
    ctx = EVP_PKEY_CTX_new(priv, NULL);
    ck_assert_ptr_nonnull(ctx);

    ck_assert_int_eq(EVP_PKEY_derive_init(ctx), 1);
    if ( EVP_PKEY_derive_set_peer(ctx, peer) == 1 &&
         EVP_PKEY_derive(ctx, out, &n) == 1 )
    {
        ck_assert_uint_eq(n, 32);
        rc = 0;
    }
    ERR_clear_error();

    EVP_PKEY_CTX_free(ctx);
    EVP_PKEY_free(peer);
    EVP_PKEY_free(priv);

    return rc;
}

static void ossl_x25519_public(uint8_t *pub, const uint8_t *priv)
{
    EVP_PKEY *k = EVP_PKEY_new_raw_private_key(EVP_PKEY_X25519, NULL,
                                               priv, 32);
    size_t n = 32;

    ck_assert_ptr_nonnull(k);
    ck_assert_int_eq(EVP_PKEY_get_raw_public_key(k, pub, &n), 1);
    ck_assert_uint_eq(n, 32);
    EVP_PKEY_free(k);
}

/* The vectors run on both. */
struct kex_impl {
    const char *name;
    void (*sha256)(const uint8_t *p, size_t len, uint8_t *out);
    void (*hmac)(const uint8_t *key, size_t key_len,
                 const uint8_t *msg, size_t len, uint8_t *out);
    void (*extract)(const uint8_t *salt, size_t salt_len,
                    const uint8_t *ikm, size_t ikm_len, uint8_t *prk);
    int (*expand)(const uint8_t *prk, const uint8_t *info, size_t info_len,
                  uint8_t *okm, size_t okm_len);
    int (*x25519)(uint8_t *out, const uint8_t *scalar, const uint8_t *u);
    void (*x25519_public)(uint8_t *pub, const uint8_t *priv);
};

static const struct kex_impl impls[] = {
    { "portable", encmig_sha256, encmig_hmac_sha256, encmig_hkdf_extract,
      encmig_hkdf_expand, encmig_x25519, encmig_x25519_public },
    { "openssl", ossl_sha256, ossl_hmac, ossl_extract, ossl_expand,
      ossl_x25519, ossl_x25519_public },
};
#define NR_IMPLS (sizeof(impls) / sizeof(impls[0]))

/* ---- SHA-256: FIPS 180-2 appendix B --------------------------------- */

static const char sha_abc[] =
    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
static const char sha_448[] =
    "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1";
static const char sha_million_a[] =
    "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0";

START_TEST(sha256_fips180)
{
    const struct kex_impl *im = &impls[_i];
    static const char msg448[] =
        "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    uint8_t want[32], got[32], *a;

    unhex(sha_abc, want, sizeof(want));
    im->sha256((const uint8_t *)"abc", 3, got);
    ck_assert_mem_eq(got, want, 32);

    unhex(sha_448, want, sizeof(want));
    ck_assert_uint_eq(strlen(msg448), 56);
    im->sha256((const uint8_t *)msg448, 56, got);
    ck_assert_mem_eq(got, want, 32);

    unhex(sha_million_a, want, sizeof(want));
    a = malloc(1000000);
    ck_assert_ptr_nonnull(a);
    memset(a, 'a', 1000000);
    im->sha256(a, 1000000, got);
    ck_assert_mem_eq(got, want, 32);
    free(a);
}
END_TEST

/* The million 'a' fed in pieces of every size from 1 to 199 bytes. */
START_TEST(sha256_million_a_incremental)
{
    struct encmig_sha256 s;
    uint8_t want[32], got[32], a[199];
    size_t done = 0, n, step = 1;

    unhex(sha_million_a, want, sizeof(want));
    memset(a, 'a', sizeof(a));
    encmig_sha256_init(&s);
    while ( done < 1000000 )
    {
        n = 1000000 - done < step ? 1000000 - done : step;
        encmig_sha256_update(&s, a, n);
        done += n;
        step = step % sizeof(a) + 1;
    }
    encmig_sha256_final(&s, got);
    ck_assert_mem_eq(got, want, 32);
}
END_TEST

/* final wipes the context, which in HMAC holds keyed state. */
START_TEST(sha256_final_wipes)
{
    struct encmig_sha256 s;
    struct encmig_hmac_sha256 h;
    uint8_t out[32];

    encmig_sha256_init(&s);
    encmig_sha256_update(&s, (const uint8_t *)"abc", 3);
    encmig_sha256_final(&s, out);
    ck_assert(all_zero((const uint8_t *)&s, sizeof(s)));

    encmig_hmac_sha256_init(&h, (const uint8_t *)"key", 3);
    encmig_hmac_sha256_update(&h, (const uint8_t *)"abc", 3);
    encmig_hmac_sha256_final(&h, out);
    ck_assert(all_zero((const uint8_t *)&h, sizeof(h)));
}
END_TEST

/* ---- HMAC-SHA256: RFC 4231 ------------------------------------------ */

struct hmac_vector {
    unsigned int tc;
    const char *key, *data, *mac;
};

/* 0xaa x 131, the key of test cases 6 and 7. */
#define KEY_AA_131 \
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" \
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" \
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" \
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" \
    "aaaaaa"

static const struct hmac_vector hmac_vectors[] = {
    { 1, "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b",
      "4869205468657265",
      "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7" },
    { 2, "4a656665",
      "7768617420646f2079612077616e7420666f72206e6f7468696e673f",
      "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843" },
    { 3, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
      "dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd"
      "dddddddddddddddddddddddddddddddddddd",
      "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe" },
    { 4, "0102030405060708090a0b0c0d0e0f10111213141516171819",
      "cdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcd"
      "cdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcd",
      "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b" },
    /* "Test Using Larger Than Block-Size Key - Hash Key First" */
    { 6, KEY_AA_131,
      "54657374205573696e67204c6172676572205468616e20426c6f636b2d53697a"
      "65204b6579202d2048617368204b6579204669727374",
      "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54" },
    /* "This is a test using a larger than block-size key and a larger
     * than block-size data. The key needs to be hashed before being used
     * by the HMAC algorithm." */
    { 7, KEY_AA_131,
      "5468697320697320612074657374207573696e672061206c6172676572207468"
      "616e20626c6f636b2d73697a65206b657920616e642061206c61726765722074"
      "68616e20626c6f636b2d73697a6520646174612e20546865206b6579206e6565"
      "647320746f20626520686173686564206265666f7265206265696e6720757365"
      "642062792074686520484d414320616c676f726974686d2e",
      "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2" },
};
#define NR_HMAC_VECTORS (sizeof(hmac_vectors) / sizeof(hmac_vectors[0]))

START_TEST(hmac_rfc4231)
{
    const struct kex_impl *im = &impls[_i / NR_HMAC_VECTORS];
    const struct hmac_vector *v = &hmac_vectors[_i % NR_HMAC_VECTORS];
    uint8_t key[131], data[256], want[32], got[32];
    size_t key_len, len;

    key_len = unhex(v->key, key, sizeof(key));
    len = unhex(v->data, data, sizeof(data));
    unhex(v->mac, want, sizeof(want));

    im->hmac(key, key_len, data, len, got);
    if ( memcmp(got, want, 32) )
        ck_abort_msg("%s: RFC 4231 test case %u", im->name, v->tc);
}
END_TEST

/* One keyed context copied to MAC two messages, in pieces. */
START_TEST(hmac_context_copy)
{
    const struct hmac_vector *v1 = &hmac_vectors[2], *v2 = &hmac_vectors[3];
    struct encmig_hmac_sha256 keyed, h;
    uint8_t key[20], data[64], want[32], got[32];
    size_t len;

    /* Test case 3 with its data in three pieces, one of them empty. */
    ck_assert_uint_eq(unhex(v1->key, key, sizeof(key)), 20);
    encmig_hmac_sha256_init(&keyed, key, 20);

    len = unhex(v1->data, data, sizeof(data));
    unhex(v1->mac, want, sizeof(want));
    h = keyed;
    encmig_hmac_sha256_update(&h, data, 7);
    encmig_hmac_sha256_update(&h, data + 7, 0);
    encmig_hmac_sha256_update(&h, data + 7, len - 7);
    encmig_hmac_sha256_final(&h, got);
    ck_assert_mem_eq(got, want, 32);

    /* The same key over test case 4's data: OpenSSL says what to expect. */
    len = unhex(v2->data, data, sizeof(data));
    ossl_hmac(key, 20, data, len, want);
    h = keyed;
    encmig_hmac_sha256_update(&h, data, len);
    encmig_hmac_sha256_final(&h, got);
    ck_assert_mem_eq(got, want, 32);

    encmig_wipe(&keyed, sizeof(keyed));
}
END_TEST

/* ---- HKDF-SHA256: RFC 5869 appendix A.1 to A.3 ---------------------- */

struct hkdf_vector {
    unsigned int tc;
    const char *ikm, *salt, *info, *prk, *okm;
};

static const struct hkdf_vector hkdf_vectors[] = {
    { 1, "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b",
      "000102030405060708090a0b0c",
      "f0f1f2f3f4f5f6f7f8f9",
      "077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5",
      "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf"
      "34007208d5b887185865" },
    { 2, "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
         "202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f"
         "404142434445464748494a4b4c4d4e4f",
      "606162636465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f"
      "808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f"
      "a0a1a2a3a4a5a6a7a8a9aaabacadaeaf",
      "b0b1b2b3b4b5b6b7b8b9babbbcbdbebfc0c1c2c3c4c5c6c7c8c9cacbcccdcecf"
      "d0d1d2d3d4d5d6d7d8d9dadbdcdddedfe0e1e2e3e4e5e6e7e8e9eaebecedeeef"
      "f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff",
      "06a6b88c5853361a06104c9ceb35b45cef760014904671014a193f40c15fc244",
      "b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c"
      "59045a99cac7827271cb41c65e590e09da3275600c2f09b8367793a9aca3db71"
      "cc30c58179ec3e87c14c01d5c1f3434f1d87" },
    /* Salt and info empty. */
    { 3, "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b",
      "", "",
      "19ef24a32c717b167f33a91d6f648bdf96596776afdb6377ac434c1c293ccb04",
      "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d"
      "9d201395faa4b61a96c8" },
};
#define NR_HKDF_VECTORS (sizeof(hkdf_vectors) / sizeof(hkdf_vectors[0]))

START_TEST(hkdf_rfc5869)
{
    const struct kex_impl *im = &impls[_i / NR_HKDF_VECTORS];
    const struct hkdf_vector *v = &hkdf_vectors[_i % NR_HKDF_VECTORS];
    uint8_t ikm[80], salt[80], info[80], prk[32], okm[82];
    uint8_t want_prk[32], want_okm[82];
    size_t ikm_len, salt_len, info_len, len;

    ikm_len = unhex(v->ikm, ikm, sizeof(ikm));
    salt_len = unhex(v->salt, salt, sizeof(salt));
    info_len = unhex(v->info, info, sizeof(info));
    unhex(v->prk, want_prk, sizeof(want_prk));
    len = unhex(v->okm, want_okm, sizeof(want_okm));

    im->extract(salt_len ? salt : NULL, salt_len, ikm, ikm_len, prk);
    if ( memcmp(prk, want_prk, 32) )
        ck_abort_msg("%s: RFC 5869 test case %u: PRK", im->name, v->tc);

    memset(okm, 0x5a, sizeof(okm));
    ck_assert_int_eq(im->expand(prk, info_len ? info : NULL, info_len, okm,
                                len), 0);
    if ( memcmp(okm, want_okm, len) )
        ck_abort_msg("%s: RFC 5869 test case %u: OKM", im->name, v->tc);
    /* Not a byte past L. */
    ck_assert(len == sizeof(okm) || okm[len] == 0x5a);
}
END_TEST

/* RFC 5869 section 2.3: L <= 255 HashLen, and nothing written beyond it. */
START_TEST(hkdf_expand_limit)
{
    const struct kex_impl *im = &impls[_i];
    uint8_t prk[32], okm[ENCMIG_HKDF_MAX_OKM + 1], last[33], want[32];

    rng_state = test_seed(DEFAULT_SEED) ^ 0x4b4d;
    rng_fill(prk, sizeof(prk));

    memset(okm, 0x5a, sizeof(okm));
    ck_assert_int_eq(im->expand(prk, NULL, 0, okm, sizeof(okm)), -EINVAL);
    ck_assert_uint_eq(okm[0], 0x5a);
    ck_assert_uint_eq(okm[ENCMIG_HKDF_MAX_OKM], 0x5a);

    ck_assert_int_eq(im->expand(prk, NULL, 0, okm, ENCMIG_HKDF_MAX_OKM), 0);
    ck_assert_uint_eq(okm[ENCMIG_HKDF_MAX_OKM], 0x5a);
    /* T(255) = HMAC(PRK, T(254) || 0xff): the counter got to 255. */
    memcpy(last, okm + ENCMIG_HKDF_MAX_OKM - 64, 32);
    last[32] = 0xff;
    ossl_hmac(prk, 32, last, sizeof(last), want);
    ck_assert_mem_eq(okm + ENCMIG_HKDF_MAX_OKM - 32, want, 32);
}
END_TEST

/* L = 0 is a valid, empty output (OpenSSL refuses it: portable only). */
START_TEST(hkdf_expand_empty)
{
    uint8_t prk[32] = { 1 }, okm[1] = { 0x5a };

    ck_assert_int_eq(encmig_hkdf_expand(prk, NULL, 0, okm, 0), 0);
    ck_assert_uint_eq(okm[0], 0x5a);
}
END_TEST

/* ---- X25519: RFC 7748 sections 5.2 and 6.1 -------------------------- */

struct x25519_vector {
    const char *scalar, *u, *out;
};

static const struct x25519_vector x25519_vectors[] = {
    { "a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4",
      "e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c",
      "c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552" },
    /* u has its top bit set, to be ignored. */
    { "4b66e9d4d1b4673c5ad22691957d6af5c11b6421e0ea01d42ca4169e7918ba0d",
      "e5210f12786811d3f4b7959d0538ae2c31dbe7106fc03c3efc4cd549c715a493",
      "95cbde9476e8907d7aade45cb4b873f88b595a68799fa152e6f8f7647aac7957" },
};
#define NR_X25519_VECTORS (sizeof(x25519_vectors) / sizeof(x25519_vectors[0]))

START_TEST(x25519_rfc7748_vectors)
{
    const struct kex_impl *im = &impls[_i / NR_X25519_VECTORS];
    const struct x25519_vector *v = &x25519_vectors[_i % NR_X25519_VECTORS];
    uint8_t k[32], u[32], want[32], got[32];

    unhex(v->scalar, k, sizeof(k));
    unhex(v->u, u, sizeof(u));
    unhex(v->out, want, sizeof(want));

    ck_assert_int_eq(im->x25519(got, k, u), 0);
    if ( memcmp(got, want, 32) )
        ck_abort_msg("%s: RFC 7748 5.2 vector %u", im->name,
                     (unsigned int)(_i % NR_X25519_VECTORS) + 1);
}
END_TEST

/*
 * Section 5.2's iterated test: k = u = 9, then k, u = X25519(k, u), k.
 * The result is written over the scalar it comes from.
 */
START_TEST(x25519_rfc7748_iterated)
{
    static const char after1[] =
        "422c8e7a6227d7bca1350b3e2bb7279f7897b87bb6854b783c60e80311ae3079";
    static const char after1000[] =
        "684cf59ba83309552800ef566f2f4d3c1c3887c49360e3875f2eb94d99532c51";
    const struct kex_impl *im = &impls[_i];
    uint8_t k[32] = { 9 }, u[32] = { 9 }, old[32], want[32];
    unsigned int i;

    for ( i = 1; i <= 1000; i++ )
    {
        memcpy(old, k, 32);
        ck_assert_int_eq(im->x25519(k, k, u), 0);
        memcpy(u, old, 32);
        if ( i == 1 )
        {
            unhex(after1, want, sizeof(want));
            ck_assert_mem_eq(k, want, 32);
        }
    }
    unhex(after1000, want, sizeof(want));
    ck_assert_mem_eq(k, want, 32);
}
END_TEST

/* Section 6.1: both public keys, and the secret both sides agree on. */
START_TEST(x25519_rfc7748_dh)
{
    static const char a_priv[] =
        "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a";
    static const char a_pub[] =
        "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a";
    static const char b_priv[] =
        "5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb";
    static const char b_pub[] =
        "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f";
    static const char shared[] =
        "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742";
    const struct kex_impl *im = &impls[_i];
    uint8_t ak[32], bk[32], apub[32], bpub[32], want[32], got[32];

    unhex(a_priv, ak, sizeof(ak));
    unhex(b_priv, bk, sizeof(bk));

    im->x25519_public(apub, ak);
    unhex(a_pub, want, sizeof(want));
    ck_assert_mem_eq(apub, want, 32);
    im->x25519_public(bpub, bk);
    unhex(b_pub, want, sizeof(want));
    ck_assert_mem_eq(bpub, want, 32);

    unhex(shared, want, sizeof(want));
    ck_assert_int_eq(im->x25519(got, ak, bpub), 0);
    ck_assert_mem_eq(got, want, 32);
    memset(got, 0, sizeof(got));
    ck_assert_int_eq(im->x25519(got, bk, apub), 0);
    ck_assert_mem_eq(got, want, 32);
}
END_TEST

/*
 * Small-order u give an all-zero secret whatever the scalar, which must
 * be refused: 0 and 1, -1 (order 4), and p and p + 1, which are 0 and 1
 * unreduced; each with the ignored top bit clear and set.
 */
START_TEST(x25519_low_order)
{
    const struct kex_impl *im = &impls[_i];
    uint8_t low[5][32], k[32], out[32];
    unsigned int i, it, top;

    memset(low, 0, sizeof(low));
    low[1][0] = 1;
    /* p - 1 = 2^255 - 20, p, p + 1: ec, ed, ee then ff ... ff 7f. */
    for ( i = 2; i < 5; i++ )
    {
        memset(low[i], 0xff, 31);
        low[i][0] = 0xec + (i - 2);
        low[i][31] = 0x7f;
    }

    rng_state = test_seed(DEFAULT_SEED) ^ 0x10;
    for ( it = 0; it < 8; it++ )
    {
        rng_fill(k, sizeof(k));
        for ( i = 0; i < 5; i++ )
            for ( top = 0; top < 2; top++ )
            {
                low[i][31] ^= top << 7;
                memset(out, 0xa5, sizeof(out));
                if ( im->x25519(out, k, low[i]) != -EINVAL )
                    ck_abort_msg("%s: low-order u %u (top bit %u) accepted",
                                 im->name, i, top);
                low[i][31] ^= top << 7;
                /* What OpenSSL leaves in out is its own business. */
                if ( im->x25519 == encmig_x25519 )
                    ck_assert(all_zero(out, sizeof(out)));
            }
    }
}
END_TEST

/*
 * A u of p or more is taken modulo p: p + 9 gives the public key, and
 * u and u + p agree for the u below 19 that have a u + p below 2^255.
 */
START_TEST(x25519_noncanonical_u)
{
    uint8_t k[32], u[32], up[32], a[32], b[32], c[32];
    unsigned int i, it;
    int ra, rb;

    rng_state = test_seed(DEFAULT_SEED) ^ 0x19;
    for ( it = 0; it < 16; it++ )
    {
        rng_fill(k, sizeof(k));

        /* p + 9 = 2^255 - 10: f6 ff ... ff 7f. */
        memset(up, 0xff, 31);
        up[0] = 0xf6;
        up[31] = 0x7f;
        ck_assert_int_eq(encmig_x25519(a, k, up), 0);
        encmig_x25519_public(b, k);
        ck_assert_mem_eq(a, b, 32);
        ck_assert_int_eq(ossl_x25519(c, k, up), 0);
        ck_assert_mem_eq(a, c, 32);

        for ( i = 0; i < 19; i++ )
        {
            memset(u, 0, sizeof(u));
            u[0] = i;
            memset(up, 0xff, 31);
            up[0] = 0xed + i;
            up[31] = 0x7f;
            ra = encmig_x25519(a, k, u);
            rb = encmig_x25519(b, k, up);
            ck_assert_int_eq(ra, rb);
            ck_assert_mem_eq(a, b, 32);
            ck_assert_int_eq(ossl_x25519(c, k, up), rb);
            if ( !rb )
                ck_assert_mem_eq(b, c, 32);
        }
    }
}
END_TEST

/* ---- against OpenSSL on random inputs ------------------------------- */

#define NR_RANDOM 300

static size_t rng_len(size_t max)
{
    return rng_next() % (max + 1);
}

/* One-shot, and incremental with the input cut at random points. */
START_TEST(diff_sha256)
{
    static uint8_t msg[4096];
    struct encmig_sha256 s;
    uint8_t a[32], b[32];
    unsigned int it, nr_multi = 0;
    size_t len, off, n;

    rng_state = test_seed(DEFAULT_SEED) ^ 0x5a256;
    for ( it = 0; it < NR_RANDOM; it++ )
    {
        /*
         * Every length up to two blocks, past the padding boundaries at
         * 55 and 56 bytes, then random ones.
         */
        if ( it <= 2 * ENCMIG_SHA256_BLOCK )
            len = it;
        else
            len = it % 3 ? rng_len(200) : rng_len(sizeof(msg));
        rng_fill(msg, len);

        ossl_sha256(msg, len, b);
        encmig_sha256(len ? msg : NULL, len, a);
        ck_assert_mem_eq(a, b, 32);

        encmig_sha256_init(&s);
        for ( off = 0; off < len; off += n )
        {
            n = rng_len(len - off < 150 ? len - off : 150);
            encmig_sha256_update(&s, msg + off, n);
            nr_multi += n && n < len;
        }
        encmig_sha256_final(&s, a);
        ck_assert_mem_eq(a, b, 32);
    }
    ck_assert_uint_gt(nr_multi, NR_RANDOM);
}
END_TEST

/* Keys of every kind of length (empty, short, one block, hashed first). */
START_TEST(diff_hmac)
{
    static uint8_t msg[2048];
    uint8_t key[200], a[32], b[32];
    struct encmig_hmac_sha256 h;
    unsigned int it;
    size_t key_len, len, off, n;

    rng_state = test_seed(DEFAULT_SEED) ^ 0x4ac;
    for ( it = 0; it < NR_RANDOM; it++ )
    {
        /* Every length up to past one block, then random ones. */
        if ( it <= ENCMIG_SHA256_BLOCK + 2 )
            key_len = it;
        else
            key_len = it % 10 ? rng_len(sizeof(key)) : 0;
        len = rng_len(it % 4 ? 200 : sizeof(msg));
        rng_fill(key, key_len);
        rng_fill(msg, len);

        ossl_hmac(key, key_len, msg, len, b);
        encmig_hmac_sha256(key_len ? key : NULL, key_len, len ? msg : NULL,
                           len, a);
        ck_assert_mem_eq(a, b, 32);

        encmig_hmac_sha256_init(&h, key, key_len);
        for ( off = 0; off < len; off += n )
        {
            n = rng_len(len - off);
            encmig_hmac_sha256_update(&h, msg + off, n);
        }
        encmig_hmac_sha256_final(&h, a);
        ck_assert_mem_eq(a, b, 32);
    }
}
END_TEST

START_TEST(diff_hkdf)
{
    uint8_t ikm[100], salt[100], info[100], pa[32], pb[32];
    static uint8_t oa[ENCMIG_HKDF_MAX_OKM], ob[ENCMIG_HKDF_MAX_OKM];
    size_t ikm_len, salt_len, info_len, len;
    unsigned int it;

    rng_state = test_seed(DEFAULT_SEED) ^ 0x4b0f;
    for ( it = 0; it < NR_RANDOM; it++ )
    {
        ikm_len = rng_len(sizeof(ikm));
        salt_len = it % 5 ? rng_len(sizeof(salt)) : 0;
        info_len = it % 7 ? rng_len(sizeof(info)) : 0;
        /* Mostly a few blocks, sometimes up to the limit. */
        len = 1 + (it % 10 ? rng_len(200) : rng_len(sizeof(oa) - 1));
        rng_fill(ikm, ikm_len);
        rng_fill(salt, salt_len);
        rng_fill(info, info_len);

        ossl_extract(salt, salt_len, ikm, ikm_len, pb);
        encmig_hkdf_extract(salt_len ? salt : NULL, salt_len,
                            ikm_len ? ikm : NULL, ikm_len, pa);
        ck_assert_mem_eq(pa, pb, 32);

        ck_assert_int_eq(ossl_expand(pb, info, info_len, ob, len), 0);
        ck_assert_int_eq(encmig_hkdf_expand(pa, info_len ? info : NULL,
                                            info_len, oa, len), 0);
        ck_assert_mem_eq(oa, ob, len);
    }
}
END_TEST

/* Random scalars and u, the top bit of u set half of the time. */
START_TEST(diff_x25519)
{
    uint8_t k[32], u[32], a[32], b[32];
    unsigned int it;

    rng_state = test_seed(DEFAULT_SEED) ^ 0x25519;
    for ( it = 0; it < NR_RANDOM; it++ )
    {
        rng_fill(k, sizeof(k));
        rng_fill(u, sizeof(u));

        ck_assert_int_eq(ossl_x25519(b, k, u), 0);
        ck_assert_int_eq(encmig_x25519(a, k, u), 0);
        ck_assert_mem_eq(a, b, 32);

        ossl_x25519_public(b, k);
        encmig_x25519_public(a, k);
        ck_assert_mem_eq(a, b, 32);

        /* Our public key, taken by OpenSSL as a peer's. */
        memcpy(u, a, 32);
        rng_fill(k, sizeof(k));
        ck_assert_int_eq(ossl_x25519(b, k, u), 0);
        ck_assert_int_eq(encmig_x25519(a, k, u), 0);
        ck_assert_mem_eq(a, b, 32);
    }
}
END_TEST

/* ---- the suites ----------------------------------------------------- */

static Suite *hash_suite(void)
{
    Suite *s = suite_create("sha256-hmac");
    TCase *tc = tcase_create("known-answer");

    tcase_add_loop_test(tc, sha256_fips180, 0, NR_IMPLS);
    tcase_add_test(tc, sha256_million_a_incremental);
    tcase_add_test(tc, sha256_final_wipes);
    tcase_add_loop_test(tc, hmac_rfc4231, 0, NR_IMPLS * NR_HMAC_VECTORS);
    tcase_add_test(tc, hmac_context_copy);
    tcase_set_timeout(tc, 120);
    suite_add_tcase(s, tc);

    return s;
}

static Suite *hkdf_suite(void)
{
    Suite *s = suite_create("hkdf-sha256");
    TCase *tc = tcase_create("rfc5869");

    tcase_add_loop_test(tc, hkdf_rfc5869, 0, NR_IMPLS * NR_HKDF_VECTORS);
    tcase_add_loop_test(tc, hkdf_expand_limit, 0, NR_IMPLS);
    tcase_add_test(tc, hkdf_expand_empty);
    suite_add_tcase(s, tc);

    return s;
}

static Suite *x25519_suite(void)
{
    Suite *s = suite_create("x25519");
    TCase *tc = tcase_create("rfc7748");

    tcase_add_loop_test(tc, x25519_rfc7748_vectors, 0,
                        NR_IMPLS * NR_X25519_VECTORS);
    tcase_add_loop_test(tc, x25519_rfc7748_iterated, 0, NR_IMPLS);
    tcase_add_loop_test(tc, x25519_rfc7748_dh, 0, NR_IMPLS);
    tcase_add_loop_test(tc, x25519_low_order, 0, NR_IMPLS);
    tcase_add_test(tc, x25519_noncanonical_u);
    /* Slow under sanitizers: well past Check's 4 s default. */
    tcase_set_timeout(tc, 600);
    suite_add_tcase(s, tc);

    return s;
}

static Suite *diff_suite(void)
{
    Suite *s = suite_create("portable-vs-openssl");
    TCase *tc = tcase_create("random");

    tcase_add_test(tc, diff_sha256);
    tcase_add_test(tc, diff_hmac);
    tcase_add_test(tc, diff_hkdf);
    tcase_add_test(tc, diff_x25519);
    tcase_set_timeout(tc, 600);
    suite_add_tcase(s, tc);

    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(hash_suite());
    int failed;

    srunner_add_suite(sr, hkdf_suite());
    srunner_add_suite(sr, x25519_suite());
    srunner_add_suite(sr, diff_suite());

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);

    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
