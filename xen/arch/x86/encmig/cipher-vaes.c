/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * cipher-vaes.c: the AES-NI ops, with the export's re-key in one pass
 * on VAES and VPCLMULQDQ.
 *
 * Only glue, as cipher-aesni.c: the XTS context is the AES-NI one, the
 * GCM context the AES-NI one with its GHASH powers reordered for
 * rekey-vaes.S; XTS runs on rekey-vaes.S, GCM alone on the AES-NI ops.
 * Integer C only.
 */

#include "vaes.h"

/* As cipher-aesni.c: an XTS data unit is at most 2^20 blocks. */
#define VAES_XTS_MAX_LEN  ((size_t)16 << 20)
/* What one pass of rekey-vaes.S takes. */
#define VAES_BATCH        (8 * ENCMIG_AES_BLOCK)

/* The offsets rekey-vaes.S reads struct encmig_vaes_args at. */
#define VAES_OFFSET_CHECK(field, off)                                      \
    _Static_assert(__builtin_offsetof(struct encmig_vaes_args, field) ==  \
                   (off), "rekey-vaes.S: VA_" #field)
VAES_OFFSET_CHECK(xts, 0);
VAES_OFFSET_CHECK(gcm, 8);
VAES_OFFSET_CHECK(htab, 16);
VAES_OFFSET_CHECK(tweak, 24);
VAES_OFFSET_CHECK(ctr, 40);
VAES_OFFSET_CHECK(y, 56);

static int vaes_xts_new(void **ctx, const uint8_t key[ENCMIG_XTS_KEY])
{
    if ( !encmig_cpu_has_vaes() )
        return -EOPNOTSUPP;
    return encmig_cipher_aesni.xts_new(ctx, key);
}

static int vaes_xts_crypt(void *ctx, bool encrypt,
                          const uint8_t tweak[ENCMIG_XTS_TWEAK],
                          const uint8_t *in, uint8_t *out, size_t len)
{
    const struct encmig_aesni_xts *xts = ctx;
    struct encmig_vaes_args a = {
        .xts = encrypt ? &xts->k1e : &xts->k1d,
    };

    if ( !len || (len % ENCMIG_AES_BLOCK) || len > VAES_XTS_MAX_LEN )
        return -EINVAL;

    encmig_aesni_ecb_encrypt(&xts->k2e, tweak, a.tweak, 1);
    if ( encrypt )
        encmig_vaes_xts_encrypt(&a, in, out, len / ENCMIG_AES_BLOCK);
    else
        encmig_vaes_xts_decrypt(&a, in, out, len / ENCMIG_AES_BLOCK);
    encmig_wipe(&a, sizeof(a));

    return 0;
}

static void vaes_xts_free(void *ctx)
{
    encmig_cipher_aesni.xts_free(ctx);
}

static int vaes_gcm_new(void **ctx, const uint8_t key[ENCMIG_GCM_KEY])
{
    struct encmig_vaes_gcm *gcm;
    unsigned int i;

    if ( !encmig_cpu_has_vaes() )
        return -EOPNOTSUPP;

    gcm = encmig_zalloc(sizeof(*gcm));
    if ( !gcm )
        return -ENOMEM;

    encmig_aesni_gcm_init(&gcm->base, key);
    /* The first block of a batch takes H^8, the last H. */
    for ( i = 0; i < 8; i++ )
        memcpy(gcm->htab[i], gcm->base.hk.h[7 - i], sizeof(gcm->htab[i]));
    *ctx = gcm;

    return 0;
}

/* The base context comes first: the AES-NI ops take it as their own. */
static int vaes_gcm_seal(void *ctx, const uint8_t iv[ENCMIG_GCM_IV],
                         const uint8_t *aad, size_t aad_len,
                         const uint8_t *in, size_t len,
                         uint8_t *out, uint8_t tag[ENCMIG_GCM_TAG])
{
    return encmig_cipher_aesni.gcm_seal(ctx, iv, aad, aad_len, in, len, out,
                                        tag);
}

static int vaes_gcm_open(void *ctx, const uint8_t iv[ENCMIG_GCM_IV],
                         const uint8_t *aad, size_t aad_len,
                         const uint8_t *in, size_t len,
                         const uint8_t tag[ENCMIG_GCM_TAG], uint8_t *out)
{
    return encmig_cipher_aesni.gcm_open(ctx, iv, aad, aad_len, in, len, tag,
                                        out);
}

static void vaes_gcm_free(void *ctx)
{
    if ( !ctx )
        return;

    encmig_wipe(ctx, sizeof(struct encmig_vaes_gcm));
    encmig_free(ctx);
}

static int vaes_xts_dec_gcm_seal(void *xts_ctx,
                                 const uint8_t tweak[ENCMIG_XTS_TWEAK],
                                 void *gcm_ctx,
                                 const uint8_t iv[ENCMIG_GCM_IV],
                                 const uint8_t *aad, size_t aad_len,
                                 const uint8_t *in, size_t len,
                                 uint8_t *out, uint8_t tag[ENCMIG_GCM_TAG])
{
    const struct encmig_aesni_xts *xts = xts_ctx;
    const struct encmig_vaes_gcm *gcm = gcm_ctx;
    struct encmig_vaes_args a = {
        .xts = &xts->k1d,
        .gcm = &gcm->base.ek,
        .htab = gcm->htab[0],
    };

    /* Whole batches only; a page is 32 of them. */
    if ( !len || len % VAES_BATCH || len > VAES_XTS_MAX_LEN )
        return -EOPNOTSUPP;

    encmig_aesni_ecb_encrypt(&xts->k2e, tweak, a.tweak, 1);
    encmig_aesni_counter_block(a.ctr, iv, 2);
    if ( aad_len )
        encmig_aesni_ghash_padded(&gcm->base, a.y, aad, aad_len);
    encmig_vaes_xts_dec_gcm_enc(&a, in, out, len / ENCMIG_AES_BLOCK);
    encmig_aesni_gcm_tag(&gcm->base, iv, a.y, aad_len, len, tag);
    encmig_wipe(&a, sizeof(a));

    return 0;
}

const struct encmig_cipher_ops encmig_cipher_vaes = {
    .name      = "vaes",
    .probe_caps = XEN_ENCMIG_CAP_AESNI | XEN_ENCMIG_CAP_VAES,
    .xts_new   = vaes_xts_new,
    .xts_crypt = vaes_xts_crypt,
    .xts_free  = vaes_xts_free,
    .gcm_new   = vaes_gcm_new,
    .gcm_seal  = vaes_gcm_seal,
    .gcm_open  = vaes_gcm_open,
    .gcm_free  = vaes_gcm_free,
    .xts_dec_gcm_seal = vaes_xts_dec_gcm_seal,
};
