/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * handshake-crypto.c: the handshake's key schedule on OpenSSL 3.
 */

#include <errno.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>

#include "handshake-crypto.h"

#define LABEL_LEN(l)        (sizeof(l) - 1)
#define GCM_IV_SIZE         12
#define SIG_MSG_MAX         (LABEL_LEN(ENCMIG_HS_LABEL_SOURCE_SIG) + \
                             ENCMIG_HS_HASH_SIZE + ENCMIG_HS_WRAPPED_SIZE + \
                             ENCMIG_HS_SIG_SIZE)

/* Each KEK wraps exactly one message, so a fixed IV never repeats. */
static const uint8_t zero_iv[GCM_IV_SIZE];

int encmig_hs_eph_new(EVP_PKEY **key, uint8_t pub[ENCMIG_HS_PUB_SIZE])
{
    EVP_PKEY *k = NULL;
    size_t len = ENCMIG_HS_PUB_SIZE;
    int rc;

    k = EVP_PKEY_Q_keygen(NULL, NULL, "X25519");
    if (!k) {
        rc = -EIO;
        goto out;
    }
    if (EVP_PKEY_get_raw_public_key(k, pub, &len) != 1 ||
        len != ENCMIG_HS_PUB_SIZE) {
        rc = -EIO;
        goto out;
    }
    *key = k;
    k = NULL;
    rc = 0;

out:
    /* Freeing an X25519 key wipes its private half. */
    EVP_PKEY_free(k);
    if (rc)
        ERR_clear_error();
    return rc;
}

int encmig_hs_eph_derive(EVP_PKEY *key, const uint8_t peer[ENCMIG_HS_PUB_SIZE],
                         uint8_t shared[ENCMIG_HS_SHARED_SIZE])
{
    uint8_t s[ENCMIG_HS_SHARED_SIZE];
    EVP_PKEY *pk = NULL;
    EVP_PKEY_CTX *ctx = NULL;
    size_t len = sizeof(s), i;
    uint8_t acc = 0;
    int rc;

    pk = EVP_PKEY_new_raw_public_key_ex(NULL, "X25519", NULL, peer,
                                        ENCMIG_HS_PUB_SIZE);
    if (!pk) {
        rc = -EBADMSG;
        goto out;
    }
    ctx = EVP_PKEY_CTX_new_from_pkey(NULL, key, NULL);
    if (!ctx || EVP_PKEY_derive_init(ctx) != 1) {
        rc = -EIO;
        goto out;
    }
    /* OpenSSL refuses a low-order point here or in derive: the peer's. */
    if (EVP_PKEY_derive_set_peer(ctx, pk) != 1 ||
        EVP_PKEY_derive(ctx, s, &len) != 1 || len != sizeof(s)) {
        rc = -EBADMSG;
        goto out;
    }
    /* And again, without a branch on the secret, should it ever not. */
    for (i = 0; i < sizeof(s); i++)
        acc |= s[i];
    if (!acc) {
        rc = -EBADMSG;
        goto out;
    }
    memcpy(shared, s, sizeof(s));
    rc = 0;

out:
    OPENSSL_cleanse(s, sizeof(s));
    EVP_PKEY_CTX_free(ctx);
    EVP_PKEY_free(pk);
    if (rc)
        ERR_clear_error();
    return rc;
}

int encmig_hs_transcript(const uint8_t *hello, size_t hello_len,
                         const uint8_t *prefix, size_t prefix_len,
                         uint8_t th[ENCMIG_HS_HASH_SIZE])
{
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    unsigned int len = 0;
    int rc = -EIO;

    if (!ctx ||
        EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1 ||
        EVP_DigestUpdate(ctx, ENCMIG_HS_LABEL_TH,
                         LABEL_LEN(ENCMIG_HS_LABEL_TH)) != 1 ||
        EVP_DigestUpdate(ctx, hello, hello_len) != 1 ||
        EVP_DigestUpdate(ctx, prefix, prefix_len) != 1 ||
        EVP_DigestFinal_ex(ctx, th, &len) != 1 ||
        len != ENCMIG_HS_HASH_SIZE)
        goto out;
    rc = 0;

out:
    EVP_MD_CTX_free(ctx);
    if (rc)
        ERR_clear_error();
    return rc;
}

int encmig_hs_kek(const uint8_t shared[ENCMIG_HS_SHARED_SIZE],
                  const uint8_t th[ENCMIG_HS_HASH_SIZE],
                  uint8_t kek[ENCMIG_HS_KEK_SIZE])
{
    char digest[] = "SHA256";
    char info[] = ENCMIG_HS_LABEL_KEK;
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, digest, 0),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, (void *)shared,
                                          ENCMIG_HS_SHARED_SIZE),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, (void *)th,
                                          ENCMIG_HS_HASH_SIZE),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, info,
                                          LABEL_LEN(ENCMIG_HS_LABEL_KEK)),
        OSSL_PARAM_construct_end(),
    };
    EVP_KDF *kdf = NULL;
    EVP_KDF_CTX *ctx = NULL;
    int rc = -EIO;

    kdf = EVP_KDF_fetch(NULL, "HKDF", NULL);
    if (!kdf)
        goto out;
    ctx = EVP_KDF_CTX_new(kdf);
    if (!ctx)
        goto out;
    /* The context's copy of the key is wiped when it is freed. */
    if (EVP_KDF_derive(ctx, kek, ENCMIG_HS_KEK_SIZE, params) != 1)
        goto out;
    rc = 0;

out:
    EVP_KDF_CTX_free(ctx);
    EVP_KDF_free(kdf);
    if (rc) {
        OPENSSL_cleanse(kek, ENCMIG_HS_KEK_SIZE);
        ERR_clear_error();
    }
    return rc;
}

int encmig_hs_wrap(const uint8_t kek[ENCMIG_HS_KEK_SIZE],
                   const uint8_t th[ENCMIG_HS_HASH_SIZE],
                   const struct xen_encmig_keymat *km,
                   uint8_t wrapped[ENCMIG_HS_WRAPPED_SIZE])
{
    struct wbuf plain, out;
    EVP_CIPHER_CTX *ctx = NULL;
    uint8_t *ct, *tag;
    int n = 0, rc;

    wbuf_init(&plain, ENCMIG_HS_KEYMAT_SIZE);
    wbuf_init(&out, ENCMIG_HS_WRAPPED_SIZE);
    rc = encmig_hs_put_keymat(&plain, km);
    if (rc)
        goto out;
    rc = wbuf_reserve(&out, ENCMIG_HS_KEYMAT_SIZE, &ct);
    if (rc)
        goto out;

    rc = -EIO;
    ctx = EVP_CIPHER_CTX_new();
    if (!ctx ||
        EVP_EncryptInit_ex2(ctx, EVP_aes_256_gcm(), kek, zero_iv, NULL) != 1 ||
        EVP_EncryptUpdate(ctx, NULL, &n, th, ENCMIG_HS_HASH_SIZE) != 1 ||
        EVP_EncryptUpdate(ctx, ct, &n, wbuf_ptr(&plain),
                          wbuf_avail(&plain)) != 1 ||
        n != ENCMIG_HS_KEYMAT_SIZE ||
        EVP_EncryptFinal_ex(ctx, NULL, &n) != 1 || n != 0)
        goto out;
    /* ct is not used past this point: reserving may move the buffer. */
    rc = wbuf_reserve(&out, ENCMIG_HS_GCM_TAG_SIZE, &tag);
    if (rc)
        goto out;
    if (EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_GET_TAG,
                            ENCMIG_HS_GCM_TAG_SIZE, tag) != 1) {
        rc = -EIO;
        goto out;
    }
    rc = wbuf_get(&out, wrapped, ENCMIG_HS_WRAPPED_SIZE);

out:
    EVP_CIPHER_CTX_free(ctx);
    wbuf_free(&plain);
    wbuf_free(&out);
    if (rc)
        ERR_clear_error();
    return rc;
}

int encmig_hs_unwrap(const uint8_t kek[ENCMIG_HS_KEK_SIZE],
                     const uint8_t th[ENCMIG_HS_HASH_SIZE],
                     const uint8_t wrapped[ENCMIG_HS_WRAPPED_SIZE],
                     struct xen_encmig_keymat *km)
{
    struct xen_encmig_keymat tmp;
    struct wbuf in, plain;
    const uint8_t *ct, *tag;
    EVP_CIPHER_CTX *ctx = NULL;
    uint8_t *pt;
    int n = 0, rc;

    wbuf_init(&in, ENCMIG_HS_WRAPPED_SIZE);
    wbuf_init(&plain, ENCMIG_HS_KEYMAT_SIZE);
    rc = wbuf_put(&in, wrapped, ENCMIG_HS_WRAPPED_SIZE);
    if (rc)
        goto out;
    rc = wbuf_get_ptr(&in, &ct, ENCMIG_HS_KEYMAT_SIZE);
    if (rc)
        goto out;
    rc = wbuf_get_ptr(&in, &tag, ENCMIG_HS_GCM_TAG_SIZE);
    if (rc)
        goto out;
    rc = wbuf_reserve(&plain, ENCMIG_HS_KEYMAT_SIZE, &pt);
    if (rc)
        goto out;

    rc = -EIO;
    ctx = EVP_CIPHER_CTX_new();
    if (!ctx ||
        EVP_DecryptInit_ex2(ctx, EVP_aes_256_gcm(), kek, zero_iv, NULL) != 1 ||
        EVP_DecryptUpdate(ctx, NULL, &n, th, ENCMIG_HS_HASH_SIZE) != 1 ||
        EVP_DecryptUpdate(ctx, pt, &n, ct, ENCMIG_HS_KEYMAT_SIZE) != 1 ||
        n != ENCMIG_HS_KEYMAT_SIZE ||
        EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_TAG,
                            ENCMIG_HS_GCM_TAG_SIZE, (void *)tag) != 1)
        goto out;
    /* The plaintext in pt is unauthenticated until here. */
    if (EVP_DecryptFinal_ex(ctx, NULL, &n) != 1 || n != 0) {
        rc = -EBADMSG;
        goto out;
    }
    rc = encmig_hs_parse_keymat(&plain, &tmp);
    if (rc)
        goto out;
    *km = tmp;

out:
    OPENSSL_cleanse(&tmp, sizeof(tmp));
    EVP_CIPHER_CTX_free(ctx);
    wbuf_free(&in);
    wbuf_free(&plain);
    if (rc)
        ERR_clear_error();
    return rc;
}

/*
 * What an Ed25519 signature covers: label || TH || wrapped, and for the
 * source the destination's signature after them (dsig, else NULL).
 */
static int sig_msg(struct wbuf *m, const char *label,
                   const uint8_t th[ENCMIG_HS_HASH_SIZE],
                   const uint8_t wrapped[ENCMIG_HS_WRAPPED_SIZE],
                   const uint8_t *dsig)
{
    int rc;

    rc = wbuf_put(m, label, strlen(label));
    if (rc)
        return rc;
    rc = wbuf_put(m, th, ENCMIG_HS_HASH_SIZE);
    if (rc)
        return rc;
    rc = wbuf_put(m, wrapped, ENCMIG_HS_WRAPPED_SIZE);
    if (rc || !dsig)
        return rc;
    return wbuf_put(m, dsig, ENCMIG_HS_SIG_SIZE);
}

static int sign_msg(EVP_PKEY *hostkey, const struct wbuf *m,
                    uint8_t sig[ENCMIG_HS_SIG_SIZE])
{
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    size_t len = ENCMIG_HS_SIG_SIZE;
    int rc = -EIO;

    /* Ed25519 is one-shot and hashes internally: no digest is named. */
    if (!ctx ||
        EVP_DigestSignInit_ex(ctx, NULL, NULL, NULL, NULL, hostkey,
                              NULL) != 1 ||
        EVP_DigestSign(ctx, sig, &len, wbuf_ptr(m), wbuf_avail(m)) != 1 ||
        len != ENCMIG_HS_SIG_SIZE)
        goto out;
    rc = 0;

out:
    EVP_MD_CTX_free(ctx);
    if (rc)
        ERR_clear_error();
    return rc;
}

static int verify_msg(const uint8_t pub[ENCMIG_HS_PUB_SIZE],
                      const struct wbuf *m,
                      const uint8_t sig[ENCMIG_HS_SIG_SIZE])
{
    EVP_MD_CTX *ctx = NULL;
    EVP_PKEY *pk = NULL;
    int rc;

    pk = EVP_PKEY_new_raw_public_key_ex(NULL, "ED25519", NULL, pub,
                                        ENCMIG_HS_PUB_SIZE);
    if (!pk) {
        rc = -EBADMSG;
        goto out;
    }
    ctx = EVP_MD_CTX_new();
    if (!ctx ||
        EVP_DigestVerifyInit_ex(ctx, NULL, NULL, NULL, NULL, pk, NULL) != 1) {
        rc = -EIO;
        goto out;
    }
    if (EVP_DigestVerify(ctx, sig, ENCMIG_HS_SIG_SIZE, wbuf_ptr(m),
                         wbuf_avail(m)) != 1) {
        rc = -EBADMSG;
        goto out;
    }
    rc = 0;

out:
    EVP_MD_CTX_free(ctx);
    EVP_PKEY_free(pk);
    if (rc)
        ERR_clear_error();
    return rc;
}

int encmig_hs_sign(EVP_PKEY *hostkey, const uint8_t th[ENCMIG_HS_HASH_SIZE],
                   const uint8_t wrapped[ENCMIG_HS_WRAPPED_SIZE],
                   uint8_t sig[ENCMIG_HS_SIG_SIZE])
{
    struct wbuf m;
    int rc;

    wbuf_init(&m, SIG_MSG_MAX);
    rc = sig_msg(&m, ENCMIG_HS_LABEL_SIG, th, wrapped, NULL);
    if (!rc)
        rc = sign_msg(hostkey, &m, sig);
    wbuf_free(&m);
    return rc;
}

int encmig_hs_verify(const uint8_t host_pub[ENCMIG_HS_PUB_SIZE],
                     const uint8_t th[ENCMIG_HS_HASH_SIZE],
                     const uint8_t wrapped[ENCMIG_HS_WRAPPED_SIZE],
                     const uint8_t sig[ENCMIG_HS_SIG_SIZE])
{
    struct wbuf m;
    int rc;

    wbuf_init(&m, SIG_MSG_MAX);
    rc = sig_msg(&m, ENCMIG_HS_LABEL_SIG, th, wrapped, NULL);
    if (!rc)
        rc = verify_msg(host_pub, &m, sig);
    wbuf_free(&m);
    return rc;
}

int encmig_hs_source_sign(EVP_PKEY *hostkey,
                          const uint8_t th[ENCMIG_HS_HASH_SIZE],
                          const uint8_t wrapped[ENCMIG_HS_WRAPPED_SIZE],
                          const uint8_t dsig[ENCMIG_HS_SIG_SIZE],
                          uint8_t sig[ENCMIG_HS_SIG_SIZE])
{
    struct wbuf m;
    int rc;

    wbuf_init(&m, SIG_MSG_MAX);
    rc = sig_msg(&m, ENCMIG_HS_LABEL_SOURCE_SIG, th, wrapped, dsig);
    if (!rc)
        rc = sign_msg(hostkey, &m, sig);
    wbuf_free(&m);
    return rc;
}

int encmig_hs_source_verify(const uint8_t source_pub[ENCMIG_HS_PUB_SIZE],
                            const uint8_t th[ENCMIG_HS_HASH_SIZE],
                            const uint8_t wrapped[ENCMIG_HS_WRAPPED_SIZE],
                            const uint8_t dsig[ENCMIG_HS_SIG_SIZE],
                            const uint8_t sig[ENCMIG_HS_SIG_SIZE])
{
    struct wbuf m;
    int rc;

    wbuf_init(&m, SIG_MSG_MAX);
    rc = sig_msg(&m, ENCMIG_HS_LABEL_SOURCE_SIG, th, wrapped, dsig);
    if (!rc)
        rc = verify_msg(source_pub, &m, sig);
    wbuf_free(&m);
    return rc;
}

int encmig_hs_final_hash(const uint8_t th[ENCMIG_HS_HASH_SIZE],
                         const uint8_t wrapped[ENCMIG_HS_WRAPPED_SIZE],
                         const uint8_t dsig[ENCMIG_HS_SIG_SIZE],
                         const uint8_t ssig[ENCMIG_HS_SIG_SIZE],
                         uint8_t fth[ENCMIG_HS_HASH_SIZE])
{
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    unsigned int len = 0;
    int rc = -EIO;

    if (!ctx ||
        EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1 ||
        EVP_DigestUpdate(ctx, th, ENCMIG_HS_HASH_SIZE) != 1 ||
        EVP_DigestUpdate(ctx, wrapped, ENCMIG_HS_WRAPPED_SIZE) != 1 ||
        EVP_DigestUpdate(ctx, dsig, ENCMIG_HS_SIG_SIZE) != 1 ||
        EVP_DigestUpdate(ctx, ssig, ENCMIG_HS_SIG_SIZE) != 1 ||
        EVP_DigestFinal_ex(ctx, fth, &len) != 1 ||
        len != ENCMIG_HS_HASH_SIZE)
        goto out;
    rc = 0;

out:
    EVP_MD_CTX_free(ctx);
    if (rc)
        ERR_clear_error();
    return rc;
}
