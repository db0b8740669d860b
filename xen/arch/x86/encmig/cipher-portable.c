/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * cipher-portable.c: the cipher ops on the constant-time C of this folder.
 */

#include "crypto.h"
#include "gcm.h"
#include "xts.h"

static int portable_xts_new(void **ctx, const uint8_t key[ENCMIG_XTS_KEY])
{
    struct encmig_xts *xts = encmig_zalloc(sizeof(*xts));
    int rc;

    if ( !xts )
        return -ENOMEM;

    rc = encmig_xts_init(xts, key);
    if ( rc )
    {
        encmig_wipe(xts, sizeof(*xts));
        encmig_free(xts);
        return rc;
    }

    *ctx = xts;

    return 0;
}

static int portable_xts_crypt(void *ctx, bool encrypt,
                              const uint8_t tweak[ENCMIG_XTS_TWEAK],
                              const uint8_t *in, uint8_t *out, size_t len)
{
    return encmig_xts_crypt(ctx, encrypt, tweak, in, out, len);
}

static void portable_xts_free(void *ctx)
{
    if ( !ctx )
        return;

    encmig_wipe(ctx, sizeof(struct encmig_xts));
    encmig_free(ctx);
}

static int portable_gcm_new(void **ctx, const uint8_t key[ENCMIG_GCM_KEY])
{
    struct encmig_gcm *gcm = encmig_zalloc(sizeof(*gcm));

    if ( !gcm )
        return -ENOMEM;

    encmig_gcm_init(gcm, key);
    *ctx = gcm;

    return 0;
}

static int portable_gcm_seal(void *ctx, const uint8_t iv[ENCMIG_GCM_IV],
                             const uint8_t *aad, size_t aad_len,
                             const uint8_t *in, size_t len,
                             uint8_t *out, uint8_t tag[ENCMIG_GCM_TAG])
{
    return encmig_gcm_seal(ctx, iv, aad, aad_len, in, len, out, tag);
}

static int portable_gcm_open(void *ctx, const uint8_t iv[ENCMIG_GCM_IV],
                             const uint8_t *aad, size_t aad_len,
                             const uint8_t *in, size_t len,
                             const uint8_t tag[ENCMIG_GCM_TAG], uint8_t *out)
{
    return encmig_gcm_open(ctx, iv, aad, aad_len, in, len, tag, out);
}

static void portable_gcm_free(void *ctx)
{
    if ( !ctx )
        return;

    encmig_wipe(ctx, sizeof(struct encmig_gcm));
    encmig_free(ctx);
}

const struct encmig_cipher_ops encmig_cipher_portable = {
    .name      = "portable",
    .xts_new   = portable_xts_new,
    .xts_crypt = portable_xts_crypt,
    .xts_free  = portable_xts_free,
    .gcm_new   = portable_gcm_new,
    .gcm_seal  = portable_gcm_seal,
    .gcm_open  = portable_gcm_open,
    .gcm_free  = portable_gcm_free,
};
