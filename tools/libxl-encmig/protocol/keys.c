/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * keys.c: derived keys and HMAC, with OpenSSL.
 */

#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>

#include "keys.h"

/* HKDF-SHA256(ikm = key, salt = session id, info = label) -> out[32]. */
static int derive(const struct xen_encmig_keymat *km, const char *label,
                  uint8_t out[32])
{
    EVP_KDF *kdf = EVP_KDF_fetch(NULL, "HKDF", NULL);
    EVP_KDF_CTX *ctx = kdf ? EVP_KDF_CTX_new(kdf) : NULL;
    OSSL_PARAM params[5];
    int rc = -EIO;

    if (!ctx)
        goto out;
    params[0] = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST,
                                                 "SHA256", 0);
    params[1] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY,
                                                  (void *)km->key,
                                                  sizeof(km->key));
    params[2] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT,
                                                  (void *)km->session_id,
                                                  sizeof(km->session_id));
    params[3] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO,
                                                  (void *)label,
                                                  strlen(label));
    params[4] = OSSL_PARAM_construct_end();
    if (EVP_KDF_derive(ctx, out, 32, params) == 1)
        rc = 0;

 out:
    EVP_KDF_CTX_free(ctx);
    EVP_KDF_free(kdf);
    return rc;
}

int encmig_keys_derive(const struct xen_encmig_keymat *km,
                       struct encmig_keys *k)
{
    int rc;

    memset(k, 0, sizeof(*k));
    k->pages = *km;
    if ((rc = derive(km, ENCMIG_KEY_PAGES, k->pages.key)) ||
        (rc = derive(km, ENCMIG_KEY_END, k->end)) ||
        (rc = derive(km, ENCMIG_KEY_STATE, k->state)) ||
        (rc = derive(km, ENCMIG_KEY_CONFIG, k->config)) ||
        (rc = derive(km, ENCMIG_KEY_CONTROL_SRC,
                     k->control[ENCMIG_SIDE_SOURCE])) ||
        (rc = derive(km, ENCMIG_KEY_CONTROL_DST,
                     k->control[ENCMIG_SIDE_DEST])) ||
        (rc = derive(km, ENCMIG_KEY_LIBXL, k->libxl)))
        encmig_keys_wipe(k);
    return rc;
}

void encmig_keys_wipe(struct encmig_keys *k)
{
    OPENSSL_cleanse(k, sizeof(*k));
}

int encmig_hmac(const uint8_t key[32], const void *const *parts,
                const size_t *lens, unsigned int n, uint8_t mac[32])
{
    EVP_MAC *m = EVP_MAC_fetch(NULL, "HMAC", NULL);
    EVP_MAC_CTX *ctx = m ? EVP_MAC_CTX_new(m) : NULL;
    OSSL_PARAM params[2];
    size_t outl = 0;
    unsigned int i;
    int rc = -EIO;

    if (!ctx)
        goto out;
    params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
                                                 "SHA256", 0);
    params[1] = OSSL_PARAM_construct_end();
    if (EVP_MAC_init(ctx, key, 32, params) != 1)
        goto out;
    for (i = 0; i < n; i++)
        if (EVP_MAC_update(ctx, parts[i], lens[i]) != 1)
            goto out;
    if (EVP_MAC_final(ctx, mac, &outl, 32) == 1 && outl == 32)
        rc = 0;

 out:
    EVP_MAC_CTX_free(ctx);
    EVP_MAC_free(m);
    return rc;
}

static int gcm(bool enc, const uint8_t key[32], const uint8_t iv[12],
               const void *aad, size_t aad_len, const void *in, size_t len,
               uint8_t *out, uint8_t tag[16])
{
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    int l, rc = -EIO;

    if (!ctx)
        return -ENOMEM;
    if (EVP_CipherInit_ex(ctx, EVP_aes_256_gcm(), NULL, key, iv, enc) != 1 ||
         (aad_len && EVP_CipherUpdate(ctx, NULL, &l, aad, aad_len) != 1) ||
         EVP_CipherUpdate(ctx, out, &l, in, len) != 1)
        goto out;
    if (enc) {
        if (EVP_CipherFinal_ex(ctx, out + l, &l) == 1 &&
             EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, 16, tag) == 1)
            rc = 0;
    } else {
        /* EVP compares the tag with CRYPTO_memcmp. */
        rc = -EBADMSG;
        if (EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, 16, tag) == 1 &&
             EVP_CipherFinal_ex(ctx, out + l, &l) == 1)
            rc = 0;
        else
            OPENSSL_cleanse(out, len);
    }

 out:
    EVP_CIPHER_CTX_free(ctx);
    return rc;
}

int encmig_seal(const uint8_t key[32], const uint8_t iv[12],
                const void *aad, size_t aad_len, const void *in, size_t len,
                uint8_t *out, uint8_t tag[16])
{
    return gcm(true, key, iv, aad, aad_len, in, len, out, tag);
}

int encmig_open(const uint8_t key[32], const uint8_t iv[12],
                const void *aad, size_t aad_len, const void *in, size_t len,
                const uint8_t tag[16], uint8_t *out)
{
    return gcm(false, key, iv, aad, aad_len, in, len, out, (uint8_t *)tag);
}
